package com.flowviz.dr.activities.notify;

import java.io.IOException;

/** One place notifications go. */
public interface NotificationChannel {

  /** A name for receipts and audit entries (no secrets in it). */
  String name();

  void send(Notification notification) throws IOException;
}

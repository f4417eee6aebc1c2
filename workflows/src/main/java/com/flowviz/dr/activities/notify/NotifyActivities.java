package com.flowviz.dr.activities.notify;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;
import java.util.List;

/** Stakeholder notifications: AWS SNS and webhooks (Slack, PagerDuty Events v2, plain JSON). */
@ActivityInterface
public interface NotifyActivities {

  String NOT_DELIVERED = "NotificationNotDelivered";

  /**
   * Sends to every configured channel but those the notification says were reached before. A
   * channel that fails makes the activity fail after the others got it, with a failure of type
   * {@link #NOT_DELIVERED} whose details list the channels reached; a retry sends only to the rest.
   */
  @ActivityMethod
  NotificationReceipt notify(Notification notification);

  /**
   * The names of the configured channels ("sns:...", "webhook:..."); empty when none is configured.
   */
  @ActivityMethod
  List<String> configuredChannels();
}

package com.flowviz.dr.activities.dns;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** Route53: the public name of the application. */
@ActivityInterface
public interface DnsActivities {

  /**
   * ChangeResourceRecordSets with an UPSERT-only batch. Sends it at most once: a retry finds the
   * change an earlier attempt made (or records that already hold the values) and sends nothing.
   */
  @ActivityMethod
  DnsChange applyChangeBatch(DnsChangeRequest request);

  /**
   * One look at the change: returns once Route53 reports INSYNC, fails (retryably, type
   * DnsChangePending) while it is PENDING. Retried by the server at a constant interval.
   */
  @ActivityMethod
  DnsChange checkChangeInSync(DnsChange change);
}

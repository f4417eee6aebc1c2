package com.flowviz.dr.activities.notify;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.workflows.common.Names;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sns.model.MessageAttributeValue;
import software.amazon.awssdk.services.sns.model.SnsException;

/** An SNS topic: the summary as subject, the notification as JSON, the event id as an attribute. */
public final class SnsChannel implements NotificationChannel {
  private final SnsClient sns;
  private final String topicArn;

  public SnsChannel(SnsClient sns, String topicArn) {
    this.sns = sns;
    this.topicArn = topicArn;
  }

  @Override
  public String name() {
    return "sns:" + topicArn;
  }

  @Override
  public void send(Notification n) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("eventId", n.eventId());
    body.put("incidentId", n.incidentId());
    body.put("severity", n.severity());
    body.put("action", n.action());
    body.put("summary", n.summary());
    body.put("details", n.details());
    String subject = ("[FlowViz DR] " + n.summary()).replaceAll("[^\\x20-\\x7e]", " ");
    String message = Json.MAPPER.writeValueAsString(body);
    try {
      sns.publish(
          b -> {
            b.topicArn(topicArn)
                .subject(subject.length() > 100 ? subject.substring(0, 100) : subject)
                .message(message)
                .messageAttributes(
                    Map.of(
                        "flowviz-event-id",
                        MessageAttributeValue.builder()
                            .dataType("String")
                            .stringValue(n.eventId())
                            .build()));
            if (topicArn.endsWith(".fifo")) {
              // Only FIFO topics deduplicate (5 minutes); a standard topic rejects these fields.
              String readable = n.eventId().replaceAll("[^A-Za-z0-9_-]", "_");
              b.messageDeduplicationId(
                      (readable.length() > 100 ? readable.substring(0, 100) : readable)
                          + "-"
                          + Names.shortHash(n.eventId()))
                  .messageGroupId(
                      n.incidentId() == null
                          ? "flowviz-dr"
                          : n.incidentId().replaceAll("[^A-Za-z0-9_-]", "_"));
            }
          });
    } catch (SnsException e) {
      throw new IOException("SNS " + topicArn + ": " + e.getMessage(), e);
    }
  }
}

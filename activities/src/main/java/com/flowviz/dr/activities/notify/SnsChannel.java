package com.flowviz.dr.activities.notify;

import com.flowviz.dr.activities.json.Json;
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
      sns.publish(b -> b.topicArn(topicArn)
          .subject(subject.length() > 100 ? subject.substring(0, 100) : subject)
          .message(message)
          .messageAttributes(Map.of("flowviz-event-id", MessageAttributeValue.builder().dataType("String").stringValue(n.eventId()).build())));
    } catch (SnsException e) {
      throw new IOException("SNS " + topicArn + ": " + e.getMessage(), e);
    }
  }
}

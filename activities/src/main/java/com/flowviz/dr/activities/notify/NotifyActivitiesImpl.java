package com.flowviz.dr.activities.notify;

import com.flowviz.dr.activities.common.Heartbeats;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class NotifyActivitiesImpl implements NotifyActivities {

  private static final Logger log = LoggerFactory.getLogger(NotifyActivitiesImpl.class);
  private final List<NotificationChannel> channels;
  private final DeliveryLedger ledger;

  public NotifyActivitiesImpl(List<NotificationChannel> channels, DeliveryLedger ledger) {
    this.channels = List.copyOf(channels);
    this.ledger = ledger;
  }

  @Override
  public List<String> configuredChannels() {
    return channels.stream().map(NotificationChannel::name).toList();
  }

  @Override
  @SuppressWarnings("unchecked")
  public NotificationReceipt notify(Notification notification) {
    // Channels an earlier attempt reached are not sent the same event twice.
    Set<String> delivered =
        new LinkedHashSet<>(
            notification.deliveredTo() == null ? List.of() : notification.deliveredTo());
    delivered.addAll(
        Heartbeats.lastDetails(List.class).map(l -> (List<String>) l).orElse(List.of()));
    try {
      delivered.addAll(ledger.deliveredChannels(notification.eventId()));
    } catch (SQLException e) {
      // The ledger lives in the audit database, which may be the server this incident is about.
      // Nobody paged is worse than a repeat: send anyway, and each channel's own dedup key
      // (PagerDuty's dedup_key, the webhook's Idempotency-Key) folds a repeat into the first.
      log.warn(
          "Notification ledger unreachable ({}); sending {} to every channel not known to have it",
          e.getMessage(),
          notification.eventId());
    }
    List<String> failures = new ArrayList<>();
    for (NotificationChannel channel : channels) {
      if (delivered.contains(channel.name())) {
        continue;
      }
      try {
        channel.send(notification);
        delivered.add(channel.name());
        recordQuietly(notification.eventId(), channel.name());
        Heartbeats.beat(new ArrayList<>(delivered));
      } catch (IOException | RuntimeException e) {
        failures.add(channel.name() + ": " + e.getMessage());
      }
    }
    if (!failures.isEmpty()) {
      log.warn("Notification {} not delivered to {}", notification.eventId(), failures);
      throw ApplicationFailure.newFailure(
          "Not delivered to " + failures + " (delivered to " + delivered + ")",
          NOT_DELIVERED,
          new ArrayList<>(delivered));
    }
    return new NotificationReceipt(notification.eventId(), new ArrayList<>(delivered));
  }

  private void recordQuietly(String eventId, String channel) {
    try {
      ledger.recordDelivery(eventId, channel);
    } catch (SQLException e) {
      // Sent already: the heartbeat below still remembers it for this activity's retries.
      log.warn(
          "Delivery of {} to {} not recorded in the ledger: {}", eventId, channel, e.getMessage());
    }
  }
}

package com.flowviz.dr.activities.notify;

import java.sql.SQLException;
import java.util.Set;

/**
 * Which channels already had which event, kept outside Temporal: a heartbeat is throttled and can
 * be lost with a worker that dies right after a send, and the workflow's next try is a new activity
 * that sees no heartbeat of the last one. The ledger is written right after each send.
 */
public interface DeliveryLedger {

  /** No memory: every attempt sends to every channel that has not had the event in this attempt. */
  DeliveryLedger NONE =
      new DeliveryLedger() {
        @Override
        public Set<String> deliveredChannels(String eventId) {
          return Set.of();
        }

        @Override
        public void recordDelivery(String eventId, String channel) {}
      };

  Set<String> deliveredChannels(String eventId) throws SQLException;

  void recordDelivery(String eventId, String channel) throws SQLException;
}

package com.flowviz.dr.activities.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.TestMoto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The bucket copy (real moto, conditional puts) and forwarding into an audit server that was really
 * stopped.
 */
class AuditCopyForwardingTest {

  private final S3Client s3 = TestMoto.s3();

  @Test
  void aRetriedPutOfTheSameEntryIsANoOpAndADifferentEntryUnderItsKeyIsRefused() throws Exception {
    S3AuditCopy copy =
        new S3AuditCopy(s3, TestMoto.newBucket(s3, "flowviz-compliance"), "audit-trail/");
    AuditEntry entry = entry("wf-1", 1, "resolve-backup", "SUCCEEDED");
    copy.keep(entry);
    copy.keep(entry); // moto answers 412 (If-None-Match: *); same bytes: already written
    assertEquals(List.of(entry), copy.entriesOfRun("wf-1", "run-1"));
    assertThrows(
        S3AuditCopy.AuditCopyConflict.class,
        () -> copy.keep(entry("wf-1", 1, "resolve-backup", "FAILED")));
    assertEquals(List.of(entry), copy.entriesOfRun("wf-1", "run-1"), "the copy is append-only");
  }

  @Test
  void entriesKeptWhileTheAuditServerIsStoppedAreForwardedOnceInOrder() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-audit-unit-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    String password = "pw-" + UUID.randomUUID();
    LocalPostgresCluster server =
        LocalPostgresCluster.start(home, 0, "admin", password, PgBinaries.locate(null));
    try {
      AuditStore store = new AuditStore(new PgClient(server.settings()), "flowviz_dr_audit");
      S3AuditCopy copy =
          new S3AuditCopy(s3, TestMoto.newBucket(s3, "flowviz-compliance"), "audit-trail/");
      AuditActivitiesImpl audit = new AuditActivitiesImpl(store, copy);
      assertTrue(
          audit.keepAuditEntry(entry("wf-2", 1, "declared", "STARTED"), true),
          "reachable: stored at once");

      server.stop();
      assertFalse(
          audit.keepAuditEntry(entry("wf-2", 2, "provision", "SUCCEEDED"), true),
          "down: kept in the bucket only");
      assertFalse(audit.keepAuditEntry(entry("wf-2", 3, "restore", "SUCCEEDED"), false));
      AuditTrailCheck whileDown = audit.checkAuditTrail("wf-2");
      assertEquals(null, whileDown.chain());
      assertEquals(
          3,
          whileDown.pending().size(),
          "which of them the database has cannot be told: all listed");
      assertThrows(
          IllegalStateException.class,
          () -> audit.forwardAuditEntries("wf-2", "run-1", 2),
          "retried by the forwarder");

      LocalPostgresCluster.start(home, server.port(), "admin", password, PgBinaries.locate(null));
      assertEquals(2, audit.forwardAuditEntries("wf-2", "run-1", 2));
      assertEquals(
          2, audit.forwardAuditEntries("wf-2", "run-1", 2), "a second forwarder changes nothing");
      assertEquals(
          List.of(1, 2, 3), store.entriesOf("wf-2").stream().map(AuditEntry::sequence).toList());
      AuditTrailCheck after = audit.checkAuditTrail("wf-2");
      assertTrue(after.chain().intact(), after.chain().finding());
      assertEquals(List.of(), after.pending());
    } finally {
      server.destroy();
    }
  }

  private static AuditEntry entry(String workflowId, int sequence, String step, String outcome) {
    return new AuditEntry(
        Instant.parse("2026-01-01T00:00:00.123456Z").plusSeconds(sequence),
        "alice",
        workflowId,
        "run-1",
        "Test",
        sequence,
        step,
        null,
        outcome,
        "details " + sequence);
  }
}

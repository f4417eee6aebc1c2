package com.flowviz.dr.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.TestPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Issue 15's verification that judges, on real PostgreSQL: runbook 5.2's results fail a restore
 * with no lots or a stale newest lot; without a manifest the restore is measured against the live
 * database, and a live database that cannot be counted (a relation file gone, a server stopped) is
 * a finding, never an error. The sample's newest lot is created 2026-10-31T00:00Z (its anchor,
 * 2026-11-01, less a day). About 10 s in all, most of it the private cluster's initdb.
 */
class RestoreJudgementTest {

  private static final Instant SAMPLE_NEWEST_LOT = Instant.parse("2026-10-31T00:00:00Z");
  private static final JudgementLimits LIMITS =
      new JudgementLimits(Duration.ofDays(2), 0.10, Duration.ofHours(4));

  @Test
  void aRestoreWithNoLotsFails() {
    String db = TestPostgres.newSampleDatabase("judge", 20);
    TestPostgres.execute(db, "TRUNCATE lots CASCADE");

    RestoreJudgement judged =
        judge(new JudgementRequest(db, SAMPLE_NEWEST_LOT.plusSeconds(3600), null, null));

    assertFalse(judged.passed());
    assertEquals(
        List.of(new VerificationCheck("5.2 lots restored", false, "at least one lot", "no lots")),
        judged.checks());
  }

  @Test
  void aNewestLotFarOlderThanTheBackupFailsAndOneWithinTheMarginPasses() {
    String db = TestPostgres.newSampleDatabase("judge", 20);

    Instant lateBackup = Instant.parse("2026-11-20T02:00:00Z");
    RestoreJudgement stale = judge(new JudgementRequest(db, lateBackup, null, null));
    assertFalse(stale.passed());
    VerificationCheck age =
        stale.checks().stream().filter(c -> !c.passed()).findFirst().orElseThrow();
    assertEquals("5.2 newest lot within P2D of the backup", age.name());
    assertEquals(
        "created at or after 2026-11-18T02:00:00Z (backup taken 2026-11-20T02:00:00Z)",
        age.expected());
    assertEquals(
        "newest lot created "
            + SAMPLE_NEWEST_LOT
            + ", "
            + Duration.between(SAMPLE_NEWEST_LOT, lateBackup)
            + " before the backup",
        age.actual());

    RestoreJudgement recent =
        judge(new JudgementRequest(db, SAMPLE_NEWEST_LOT.plus(Duration.ofHours(26)), null, null));
    assertTrue(recent.passed(), recent.checks()::toString);
    assertEquals(2, recent.checks().size(), recent.checks()::toString);
    assertEquals(List.of(), recent.findings());
    assertNull(recent.liveDatabase());
  }

  @Test
  void aLotsTableWithoutCreatedAtIsAFindingNotAnError() {
    String db = TestPostgres.newSampleDatabase("judge", 20);
    TestPostgres.execute(db, "ALTER TABLE lots RENAME COLUMN created_at TO made_at");

    RestoreJudgement judged =
        judge(new JudgementRequest(db, Instant.parse("2027-06-01T00:00:00Z"), null, null));

    assertTrue(judged.passed(), judged.checks()::toString);
    assertEquals(1, judged.findings().size(), judged.findings()::toString);
    assertTrue(
        judged.findings().get(0).contains("lots.created_at")
            && judged.findings().get(0).contains("not judged"),
        judged.findings().get(0));
  }

  @Test
  void withoutAManifestTheTablesTheSwapWouldEmptyAreMeasuredAgainstTheLiveDatabase() {
    String live = TestPostgres.newSampleDatabase("judge_live", 100);
    String restored = TestPostgres.newDatabaseName("judge_restored");
    TestPostgres.execute("postgres", "CREATE DATABASE " + restored + " TEMPLATE " + live);
    long auditRows =
        Long.parseLong(TestPostgres.query(live, "SELECT count(*) FROM user_audit_logs").get(0));
    long readings =
        Long.parseLong(TestPostgres.query(live, "SELECT count(*) FROM temperature_logs").get(0));
    // The restore lacks every audit-log row and 5 % of the temperature readings; the live database
    // gained a column and a table since (its schema moved on).
    TestPostgres.execute(
        restored,
        "DELETE FROM user_audit_logs",
        "DELETE FROM temperature_logs WHERE id IN (SELECT id FROM temperature_logs ORDER BY id"
            + " LIMIT "
            + readings / 20
            + ")");
    TestPostgres.execute(
        live,
        "ALTER TABLE lots ADD COLUMN shelf text",
        "CREATE TABLE recalls (id int)",
        "INSERT INTO recalls VALUES (1), (2)");

    RestoreJudgement judged =
        judge(new JudgementRequest(restored, SAMPLE_NEWEST_LOT.plusSeconds(3600), live, null));

    assertTrue(judged.passed(), judged.checks()::toString);
    assertEquals(live, judged.liveDatabase());
    assertTrue(judged.liveCounted());
    assertEquals(
        List.of(new RowLoss("recalls", 2, 0), new RowLoss("user_audit_logs", auditRows, 0)),
        judged.rowLosses(),
        "5 % fewer readings is within the 10 % allowed; the rest would be lost");
    String findings = String.join("\n", judged.findings());
    assertTrue(findings.contains("The live lots has columns the restore lacks (shelf)"), findings);
    assertTrue(
        findings.contains("Table recalls is in the live database but not in the restore"),
        findings);
    assertTrue(
        findings.contains(
            "2 would lose more than 10.0% of their rows: recalls 2 → 0 rows (2 lost, 100%);"
                + " user_audit_logs "
                + auditRows
                + " → 0 rows"),
        findings);
  }

  @Test
  void aLiveDatabaseWithARelationFileGoneIsAFindingAndTheOtherTablesAreStillCounted()
      throws Exception {
    String live = TestPostgres.newSampleDatabase("judge_corrupt", 50);
    String restored = TestPostgres.newSampleDatabase("judge_restored", 2);
    // Runbook 2.1, made for real: the file behind temperature_logs is gone from the data directory.
    Path file =
        TestPostgres.cluster()
            .dataDirectory()
            .resolve(
                TestPostgres.query(live, "SELECT pg_relation_filepath('temperature_logs')").get(0));
    TestPostgres.execute(live, "CHECKPOINT");
    Files.delete(file);

    RestoreJudgement judged;
    try {
      judged =
          judge(new JudgementRequest(restored, SAMPLE_NEWEST_LOT.plusSeconds(3600), live, null));
    } finally {
      TestPostgres.execute("postgres", "DROP DATABASE " + live);
    }

    assertFalse(judged.liveCounted(), "one table could not be counted");
    assertEquals(live, judged.liveDatabase());
    String findings = String.join("\n", judged.findings());
    assertTrue(
        findings.contains("temperature_logs (") && findings.contains("SQLSTATE 58P01"), findings);
    assertTrue(
        judged.rowLosses().stream()
            .anyMatch(l -> l.table().equals("lots") && l.liveRows() == 50 && l.restoredRows() == 2),
        judged.rowLosses()::toString);
    assertTrue(
        judged.rowLosses().stream().noneMatch(l -> l.table().equals("temperature_logs")),
        "what could not be counted is not measured");
  }

  @Test
  void aLiveServerThatIsDownIsAFindingNotACrash() throws Exception {
    String restored = TestPostgres.newSampleDatabase("judge_restored", 5);
    Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-judge-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    LocalPostgresCluster other =
        LocalPostgresCluster.start(
            home, 0, "admin", "pw-" + System.nanoTime(), PgBinaries.locate(null));
    try {
      PgClient client = new PgClient(other.settings());
      try (Connection c = client.connectMaintenance();
          var s = c.createStatement()) {
        s.execute("CREATE DATABASE flowviz");
      }
      other.stop(); // pg_ctl stop: the live server is down

      RestoreJudge judge =
          new RestoreJudge(
              LIMITS.newestLotMargin(), LIMITS.maxRowLoss(), LIMITS.rowLossDecisionTimeout());
      Map<String, RestoreJudge.Counted> counted;
      try (Connection c = TestPostgres.client().connect(restored)) {
        counted = judge.judgeRestore(c, SAMPLE_NEWEST_LOT.plusSeconds(3600));
      }
      judge.compareWithLive(counted, client, "flowviz");
      RestoreJudgement judged = judge.judgement();

      assertTrue(judged.passed(), judged.checks()::toString);
      assertFalse(judged.liveCounted());
      assertEquals(List.of(), judged.rowLosses(), "nothing measured, nothing held");
      assertEquals(1, judged.findings().size(), judged.findings()::toString);
      assertTrue(
          judged.findings().get(0).startsWith("The live database flowviz could not be counted (")
              && judged.findings().get(0).contains("SQLSTATE 08"),
          judged.findings().get(0));
    } finally {
      other.destroy();
    }
  }

  @Test
  void noLiveDatabaseMeansNothingIsReplaced() {
    String restored = TestPostgres.newSampleDatabase("judge_restored", 5);

    RestoreJudgement judged =
        judge(
            new JudgementRequest(
                restored, SAMPLE_NEWEST_LOT.plusSeconds(3600), "flowviz_never_created", null));

    assertTrue(judged.passed());
    assertNull(judged.liveDatabase());
    assertEquals(
        List.of(
            "There is no live database flowviz_never_created to compare with: the swap replaces"
                + " nothing."),
        judged.findings());
  }

  private static RestoreJudgement judge(JudgementRequest request) {
    return new VerificationActivitiesImpl(TestPostgres.servers(), List.of(), Duration.ZERO)
        .judging(LIMITS)
        .judgeRestoredDatabase(request);
  }
}

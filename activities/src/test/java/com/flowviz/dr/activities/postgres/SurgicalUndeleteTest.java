package com.flowviz.dr.activities.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Names;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The data gap of an accidental deletion and the surgical undelete, on real PostgreSQL. */
class SurgicalUndeleteTest {

  /** Lot 17 of the sample: its QC decisions and temperature readings go with it. */
  private static final String LOT = "md5('lot-17')::uuid";

  private static final String NEW_AT = "timestamptz '2026-11-20T08:00:00Z'";

  @TempDir Path work;
  private TestActivityEnvironment env;
  private PostgresActivities postgres;
  private String live;
  private String recovered;

  @BeforeEach
  void setUp() {
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new PostgresActivitiesImpl(
            TestPostgres.servers(),
            PgBinaries.locate(null),
            new WorkDirectory(work),
            2,
            List.of("uuid-ossp"),
            Set.of("flowviz_dr_audit")));
    postgres = TestActivities.stub(env, PostgresActivities.class);
    live = TestPostgres.newSampleDatabase("live", 300);
    // The "backup": a copy of the database as it was before the accident.
    recovered = Names.stagingDatabase(live, "wf-" + live);
    TestPostgres.execute("postgres", "CREATE DATABASE " + recovered + " TEMPLATE " + live);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  private void deleteLotAndItsRecords() {
    TestPostgres.execute(
        live,
        "DELETE FROM temperature_logs WHERE lot_id = " + LOT,
        "DELETE FROM qc_decisions WHERE lot_id = " + LOT,
        "UPDATE lots SET parent_lot_id = NULL WHERE parent_lot_id = " + LOT,
        "DELETE FROM lots WHERE id = " + LOT);
  }

  private void writeNewWorkSinceTheBackup(String database) {
    TestPostgres.execute(
        database,
        "INSERT INTO lots (id, lot_code, product_id, quantity, unit, status, produced_at,"
            + " expires_at, created_by, created_at, updated_at) SELECT md5('new-lot')::uuid,"
            + " 'LOT-NEW-000001', product_id, 10, 'kg', 'in_production', "
            + NEW_AT
            + ", "
            + NEW_AT
            + " + interval '7 days', created_by, "
            + NEW_AT
            + ", "
            + NEW_AT
            + " FROM lots WHERE id = md5('lot-3')::uuid",
        "INSERT INTO qc_decisions (id, lot_id, decision_type, critical_control_point, decided_by,"
            + " created_at, updated_at) SELECT md5('new-qc')::uuid, md5('new-lot')::uuid, 'hold',"
            + " 'CCP1 receiving temperature', created_by, "
            + NEW_AT
            + ", "
            + NEW_AT
            + " FROM lots WHERE id = md5('new-lot')::uuid");
  }

  private long count(String database, String sql) {
    return Long.parseLong(TestPostgres.query(database, sql).get(0));
  }

  @Test
  void theGapCountsDeletedRowsAndRowsWrittenSinceTheBackupPerTable() {
    long temps = count(live, "SELECT count(*) FROM temperature_logs WHERE lot_id = " + LOT);
    long qcs = count(live, "SELECT count(*) FROM qc_decisions WHERE lot_id = " + LOT);
    long children = count(live, "SELECT count(*) FROM lots WHERE parent_lot_id = " + LOT);
    deleteLotAndItsRecords();
    writeNewWorkSinceTheBackup(live);

    DataGap gap = postgres.compareDatabases(live, recovered, null);

    Map<String, TableGap> byTable = new HashMap<>();
    gap.tables().forEach(t -> byTable.put(t.table(), t));
    assertEquals(1, byTable.get("lots").missingFromLive());
    assertEquals(1, byTable.get("lots").newInLive());
    assertEquals(
        children, byTable.get("lots").changedSinceBackup(), "lots whose parent was cleared");
    assertEquals(qcs, byTable.get("qc_decisions").missingFromLive());
    assertEquals(1, byTable.get("qc_decisions").newInLive());
    assertEquals(temps, byTable.get("temperature_logs").missingFromLive());
    assertEquals(0, byTable.get("temperature_logs").newInLive());
    assertEquals(0, byTable.get("users").missingFromLive() + byTable.get("users").newInLive());
    assertEquals(
        List.of("(" + TestPostgres.query(live, "SELECT md5('lot-17')::uuid").get(0) + ")"),
        byTable.get("lots").sampleMissingKeys());
    assertEquals(1 + qcs + temps, gap.missingFromLive());
  }

  @Test
  void surgicalUndeletePutsBackExactlyTheDeletedRowsAndKeepsNewerOnes() {
    // What the database must look like afterwards: as before the accident, plus the new work.
    String expected = TestPostgres.newDatabaseName("expected");
    TestPostgres.execute("postgres", "CREATE DATABASE " + expected + " TEMPLATE " + recovered);
    writeNewWorkSinceTheBackup(expected);
    // The deletion cleared the parent of lots reworked from the deleted one: a change since the
    // backup, kept.
    TestPostgres.execute(
        expected, "UPDATE lots SET parent_lot_id = NULL WHERE parent_lot_id = " + LOT);
    deleteLotAndItsRecords();
    writeNewWorkSinceTheBackup(live);

    UndeleteOutcome outcome = postgres.reinsertMissingRows(live, recovered, "incident-1", null);

    assertFalse(outcome.alreadyApplied());
    assertEquals(
        List.of("lots", "qc_decisions", "temperature_logs"),
        List.copyOf(outcome.inserted().keySet()),
        "parents before children");
    assertEquals(
        TestPostgres.fingerprint(expected),
        TestPostgres.fingerprint(live),
        "row for row: the backup's rows, plus the new work");
    assertEquals(1, count(live, "SELECT count(*) FROM lots WHERE id = " + LOT));
    assertEquals(1, count(live, "SELECT count(*) FROM lots WHERE lot_code = 'LOT-NEW-000001'"));
    DataGap gapAfter = postgres.compareDatabases(live, recovered, null);
    assertEquals(0, gapAfter.missingFromLive(), "nothing deleted is missing any more");
    assertEquals(2, gapAfter.newInLive(), "the new lot and its QC decision are kept");
  }

  @Test
  void runningTheUndeleteTwiceReportsTheFirstRunAndInsertsNothingMore() {
    deleteLotAndItsRecords();
    UndeleteOutcome first = postgres.reinsertMissingRows(live, recovered, "incident-2", null);
    Map<String, String> afterFirst = TestPostgres.fingerprint(live);

    UndeleteOutcome second = postgres.reinsertMissingRows(live, recovered, "incident-2", null);

    assertTrue(second.alreadyApplied());
    assertEquals(first.inserted(), second.inserted());
    assertEquals(afterFirst, TestPostgres.fingerprint(live));
    assertEquals(
        TestPostgres.fingerprint(recovered).get("temperature_logs"),
        afterFirst.get("temperature_logs"));
  }

  @Test
  void aRowThatNoLongerFitsRollsBackTheWholeUndeleteAndSaysWhy() {
    deleteLotAndItsRecords();
    // Since the backup a check was tightened that the deleted lot's QC decisions break.
    TestPostgres.execute(
        live,
        "ALTER TABLE qc_decisions ADD CONSTRAINT no_rework CHECK (decision_type <> 'rework') NOT"
            + " VALID");
    Map<String, String> before = TestPostgres.fingerprint(live);
    boolean lotHasRework =
        count(
                recovered,
                "SELECT count(*) FROM qc_decisions WHERE decision_type = 'rework' AND lot_id = "
                    + LOT)
            > 0;
    if (!lotHasRework) {
      TestPostgres.execute(
          recovered, "UPDATE qc_decisions SET decision_type = 'rework' WHERE lot_id = " + LOT);
    }

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> postgres.reinsertMissingRows(live, recovered, "incident-3", null));

    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.UNDELETE_CONFLICT, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("Nothing was changed"), cause.getOriginalMessage());
    assertEquals(before, TestPostgres.fingerprint(live), "not even the lot went back");
  }

  @Test
  void aTableDroppedSinceTheBackupIsRefusedWithAdviceAndChangesNothing() {
    TestPostgres.execute(live, "DROP TABLE user_audit_logs");
    deleteLotAndItsRecords();
    Map<String, String> before = TestPostgres.fingerprint(live);

    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> postgres.reinsertMissingRows(live, recovered, "incident-4", null));

    assertTrue(
        ((ApplicationFailure) failure.getCause())
            .getOriginalMessage()
            .contains("Choose the full restore"));
    assertEquals(before, TestPostgres.fingerprint(live));
  }

  @Test
  void onlyAStagingDatabaseIsASourceOfRowsAndTheAuditDatabaseIsNeverATarget() {
    ActivityFailure notStaging =
        assertThrows(
            ActivityFailure.class, () -> postgres.reinsertMissingRows(live, live, "x", null));
    assertEquals(
        FailureTypes.INVALID_INPUT, ((ApplicationFailure) notStaging.getCause()).getType());
    ActivityFailure audit =
        assertThrows(
            ActivityFailure.class,
            () -> postgres.reinsertMissingRows("flowviz_dr_audit", recovered, "x", null));
    assertEquals(FailureTypes.SWAP_REFUSED, ((ApplicationFailure) audit.getCause()).getType());
  }
}

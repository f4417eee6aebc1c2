package com.flowviz.dr.activities.physical.exposure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.physical.ArchiverStatus;
import com.flowviz.dr.activities.physical.basebackup.ArchivingPostgres;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The server's view of the WAL archive's exposure, read from a real archiving cluster as a role
 * with only {@code pg_monitor}: nothing at risk once a switched segment is archived (lag 0 however
 * old the last archiving); an archive_command that fails keeps segments {@code .ready}, counts
 * failures, and the lag grows until it heals; a slot's retained WAL; a role without pg_monitor is
 * told what to grant; a stopped server is a result, not a failure.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArchiverStatusReaderTest {

  private static final String SERVER = "production";
  private static final long SEGMENT = 16L << 20;

  private static ArchivingPostgres pg;
  private static PgClient watcher;
  private static PgClient nobody;
  private final ArchiverStatusReader reader = new ArchiverStatusReader();

  @BeforeAll
  static void start() {
    pg = ArchivingPostgres.startArchiving("exposure");
    String password = "pw-" + UUID.randomUUID();
    pg.execute(
        "postgres",
        "CREATE ROLE watcher LOGIN PASSWORD '" + password + "'",
        "GRANT pg_monitor TO watcher",
        "CREATE ROLE nobody LOGIN PASSWORD '" + password + "'",
        "CREATE TABLE readings (id bigserial PRIMARY KEY, celsius numeric, at timestamptz)");
    watcher = new PgClient(pg.settings().withCredentials("watcher", password));
    nobody = new PgClient(pg.settings().withCredentials("nobody", password));
  }

  @AfterAll
  static void stop() {
    if (pg != null) {
      pg.close();
    }
  }

  private ArchiverStatus read() {
    return reader.read(SERVER, watcher);
  }

  private static void write(int rows) {
    pg.execute(
        "postgres",
        "INSERT INTO readings (celsius, at) SELECT random() * 10, now()"
            + " FROM generate_series(1, "
            + rows
            + ")");
  }

  private static String switchWal() {
    return pg.query("postgres", "SELECT pg_walfile_name(pg_switch_wal())").get(0);
  }

  private ArchiverStatus await(String what, Predicate<ArchiverStatus> done) throws Exception {
    Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
    ArchiverStatus status = read();
    while (!done.test(status)) {
      if (Instant.now().isAfter(deadline)) {
        throw new AssertionError("not " + what + " within 30 s: " + status);
      }
      Thread.sleep(200);
      status = read();
    }
    return status;
  }

  @Test
  @Order(1)
  void onceTheSwitchedSegmentIsArchivedNothingIsAtRisk() throws Exception {
    write(1000);
    ArchiverStatus status = null;
    // Background WAL (a checkpoint, autovacuum) may land after the switch: then switch again.
    for (int attempt = 0; attempt < 3; attempt++) {
      String switched = switchWal();
      status = await("archived " + switched, s -> switched.equals(s.lastArchivedWal()));
      if (status.readySegments() == 0 && status.pendingBytes() == 0) {
        break;
      }
    }
    assertTrue(status.reachable());
    assertTrue(status.archiving());
    assertFalse(status.inRecovery());
    assertEquals("on", status.archiveMode());
    assertEquals(0L, status.pendingBytes(), status.toString());
    assertEquals(0.0, status.lagSeconds(), "nothing unarchived, nothing at risk");
    assertFalse(status.failing());
    assertEquals(
        pg.query("postgres", "SELECT system_identifier::text FROM pg_control_system()").get(0),
        status.systemIdentifier());
    assertEquals(1, status.timeline());

    Thread.sleep(1500);
    assertEquals(0.0, read().lagSeconds(), "an idle server is no alarm, however long it idles");

    write(10);
    // The test cluster commits asynchronously: the WAL writer writes the commit within 200 ms.
    ArchiverStatus written = await("written", s -> s.pendingBytes() > 0);
    assertTrue(written.pendingBytes() > 0, written.toString());
    assertTrue(written.pendingBytes() < SEGMENT, "only the segment being written");
    assertTrue(written.lagSeconds() >= 1.0, "counted from the last archiving: " + written);
  }

  @Test
  @Order(2)
  void aFailingArchiveCommandKeepsSegmentsReadyAndTheLagGrowsUntilItHeals() throws Exception {
    long failedBefore = read().failedCount();
    pg.execute(
        "postgres", "ALTER SYSTEM SET archive_command = 'exit 1'", "SELECT pg_reload_conf()");
    try {
      write(5000);
      String stuck = switchWal();
      write(5000);
      switchWal();
      ArchiverStatus failing = await("failing", s -> s.failing() && s.readySegments() >= 2);
      assertTrue(failing.failedCount() > failedBefore, failing.toString());
      assertEquals(stuck, failing.lastFailedWal(), "the oldest waiting segment is retried");
      assertNotNull(failing.lastFailedAt());
      assertTrue(
          failing.pendingBytes() >= 2 * SEGMENT, "two segments waiting: " + failing.pendingBytes());
      Thread.sleep(1200);
      ArchiverStatus later = read();
      assertTrue(
          later.lagSeconds() >= failing.lagSeconds() + 1.0,
          "the lag grows while nothing is archived: " + failing.lagSeconds() + " -> " + later);
    } finally {
      pg.execute(
          "postgres",
          "ALTER SYSTEM SET archive_command = '"
              + ArchivingPostgres.copyArchiveCommand(pg.archive()).replace("'", "''")
              + "'",
          "SELECT pg_reload_conf()");
    }
    ArchiverStatus healed = await("healed", s -> s.readySegments() == 0 && !s.failing());
    assertTrue(healed.pendingBytes() < SEGMENT, healed.toString());
  }

  @Test
  @Order(3)
  void aSlotShowsTheWalItKeepsOnTheServer() throws Exception {
    pg.execute("postgres", "SELECT pg_create_physical_replication_slot('forgotten', true)");
    try {
      write(5000);
      ArchiverStatus status = read();
      ArchiverStatus.SlotRetention slot =
          status.slots().stream()
              .filter(s -> s.name().equals("forgotten"))
              .findFirst()
              .orElseThrow();
      assertFalse(slot.active());
      assertTrue(slot.retainedBytes() > 0, slot.toString());
    } finally {
      pg.execute("postgres", "SELECT pg_drop_replication_slot('forgotten')");
    }
  }

  @Test
  @Order(4)
  void aRoleWithoutPgMonitorIsToldWhatToGrant() {
    ApplicationFailure refused =
        assertThrows(ApplicationFailure.class, () -> reader.read(SERVER, nobody));
    assertTrue(refused.isNonRetryable());
    assertEquals(FailureTypes.CONFIGURATION, refused.getType());
    assertTrue(refused.getOriginalMessage().contains("GRANT pg_monitor"), refused.getMessage());
  }

  @Test
  @Order(5)
  void aStoppedServerIsAResultNotAFailure() {
    pg.stop();
    ArchiverStatus down = read();
    assertFalse(down.reachable());
    assertNotNull(down.problem());
    assertNull(down.lagSeconds());
    assertNotNull(down.readAt());
  }
}

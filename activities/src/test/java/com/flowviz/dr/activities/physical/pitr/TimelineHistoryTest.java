package com.flowviz.dr.activities.physical.pitr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.storage.StoredObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Two failovers (timeline 1 → 2 mid-segment, 2 → 3 on a segment's first byte), an old primary that
 * wrote on after the first, and a branch (4) off timeline 1: the path recovery with {@code
 * recovery_target_timeline = 'latest'} reads, as PostgreSQL's history files describe it. The end to
 * end case, with PostgreSQL's own history file, is in PointInTimeRecoveryTest.
 */
class TimelineHistoryTest {

  private static final String SYSTEM = "7000000000000000042";

  private static final TimelineHistory THREE =
      TimelineHistory.parse(
          3,
          ("1\t0/5000A28\tno recovery target specified\n"
                  + "\n# a comment\n"
                  + "2\t0/8000000\tno recovery target specified\n")
              .getBytes(StandardCharsets.UTF_8));

  @Test
  void aHistoryHoldsEachAncestorUpToItsForkAndNoOtherBranch() {
    assertEquals(
        "timeline 1 until 0/5000A28, then timeline 2 until 0/8000000, then timeline 3",
        THREE.describe());
    assertTrue(THREE.holds(1, TimelineHistory.Lsn.parse("0/5000A28")));
    assertFalse(THREE.holds(1, TimelineHistory.Lsn.parse("0/6000000")), "after the fork");
    assertTrue(THREE.holds(2, TimelineHistory.Lsn.parse("0/7FFFFFF")));
    assertTrue(THREE.holds(3, Long.MAX_VALUE - 1));
    assertFalse(THREE.holds(4, 0), "a timeline not in the history");
    assertEquals(2, THREE.timelineAt(TimelineHistory.Lsn.parse("0/6000000")));
    assertEquals(3, THREE.timelineAt(TimelineHistory.Lsn.parse("0/8000000")));
  }

  @Test
  void thePathReadsEachTimelineFromItsForkSegmentAndLeavesTheRestOut() {
    WalArchiveListing wal =
        listing(
            "000000010000000000000003",
            "000000010000000000000004",
            "000000010000000000000005", // holds the fork to 2: read
            "000000010000000000000006", // the old primary, after the fork: not read
            "000000020000000000000005",
            "000000020000000000000006",
            "000000020000000000000007",
            "000000020000000000000008", // 2 → 3 on this segment's first byte: 3's alone
            "000000030000000000000008",
            "000000030000000000000009",
            "00000002.history",
            "00000003.history",
            "00000004.history",
            "000000040000000000000006");
    assertEquals(4, wal.newestTimelineFrom(1), "PostgreSQL's probe: 2, 3, 4 exist");
    WalArchiveListing.Contiguous path = wal.contiguousAlong("000000010000000000000003", THREE);
    assertEquals("000000030000000000000009", path.last().name());
    assertNull(path.firstMissing());
    assertEquals(
        List.of("000000010000000000000006", "000000020000000000000008", "000000040000000000000006"),
        wal.offPath("000000010000000000000003", THREE).stream()
            .map(WalArchiveListing.WalFile::name)
            .toList());

    WalArchiveListing gap =
        listing(
            "000000010000000000000005",
            "000000020000000000000005",
            "000000020000000000000007",
            "000000030000000000000008");
    WalArchiveListing.Contiguous cut = gap.contiguousAlong("000000010000000000000005", THREE);
    assertEquals("000000020000000000000005", cut.last().name());
    assertEquals("000000020000000000000006", cut.firstMissing(), "named on its timeline");
  }

  private static WalArchiveListing listing(String... names) {
    Instant at = Instant.parse("2026-12-03T12:00:00Z");
    return new WalArchiveListing(
        SYSTEM,
        java.util.Arrays.stream(names)
            .map(
                n ->
                    new StoredObject(
                        "bucket",
                        PhysicalArchiveLayout.walKey(SYSTEM, n),
                        100,
                        at,
                        "STANDARD",
                        null,
                        null,
                        null))
            .toList());
  }
}

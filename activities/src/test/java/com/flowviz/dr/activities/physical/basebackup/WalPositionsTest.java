package com.flowviz.dr.activities.physical.basebackup;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** PostgreSQL's WAL file naming, checked against names PostgreSQL printed. */
class WalPositionsTest {

  private static final long MIB_16 = 16L * 1024 * 1024;

  @Test
  void theStopFileHoldsTheByteBeforeTheStopLsn() {
    // pg_backup_stop: STOP WAL LOCATION: 0/2000100 (file 000000010000000000000002)
    assertEquals("000000010000000000000002", WalPositions.segmentBefore(1, "0/2000100", MIB_16));
    // A stop exactly at a segment boundary ends in the segment before it.
    assertEquals("000000010000000000000002", WalPositions.segmentBefore(1, "0/3000000", MIB_16));
  }

  @Test
  void segmentNumbersCarryIntoTheLogIdAndTimelinesAreHex() {
    assertEquals("0000000A00000001000000FF", WalPositions.segmentBefore(10, "2/0", MIB_16));
    assertEquals(
        "00000002000000010000003F", WalPositions.segmentBefore(2, "1/FFFFFFFF", 64 * 1024 * 1024));
    assertEquals(0x1_0200_0028L, WalPositions.parseLsn("1/2000028"));
  }
}

package com.flowviz.dr.activities.physical.basebackup;

/**
 * PostgreSQL's WAL arithmetic: LSNs as it prints them ({@code 0/2000028}) and the names of the
 * segment files that hold them ({@code 000000010000000000000002}).
 */
final class WalPositions {
  private WalPositions() {}

  static long parseLsn(String lsn) {
    int slash = lsn.indexOf('/');
    if (slash <= 0) {
      throw new IllegalArgumentException("\"" + lsn + "\" is not an LSN");
    }
    return (Long.parseUnsignedLong(lsn.substring(0, slash), 16) << 32)
        | Long.parseUnsignedLong(lsn.substring(slash + 1), 16);
  }

  /**
   * The segment holding the byte just before {@code lsn}: the last segment a backup ending at that
   * LSN needs (PostgreSQL's {@code XLByteToPrevSeg}, as {@code pg_backup_stop} names the stop
   * file).
   */
  static String segmentBefore(int timeline, String lsn, long segmentSize) {
    return segmentName(timeline, (parseLsn(lsn) - 1) / segmentSize, segmentSize);
  }

  static String segmentName(int timeline, long segmentNumber, long segmentSize) {
    long segmentsPerId = 0x1_0000_0000L / segmentSize;
    return String.format(
        "%08X%08X%08X", timeline, segmentNumber / segmentsPerId, segmentNumber % segmentsPerId);
  }
}

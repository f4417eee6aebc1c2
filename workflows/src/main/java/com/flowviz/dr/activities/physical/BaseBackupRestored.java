package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A data directory restored from a base backup, checked by {@code pg_verifybackup}, not started.
 *
 * @param walFilesSpooled WAL segments and history files fetched, checked and decrypted into the
 *     spool {@code restore_command} reads
 * @param newestSpooledWal the newest segment among them
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BaseBackupRestored(
    String instance,
    String dataDirectory,
    long tarBytes,
    String tarSha256,
    int walFilesSpooled,
    String newestSpooledWal,
    String verifyBackup) {
  public static BaseBackupRestoredBuilder builder() {
    return BaseBackupRestoredBuilder.builder();
  }

  public BaseBackupRestoredBuilder toBuilder() {
    return BaseBackupRestoredBuilder.builder(this);
  }
}

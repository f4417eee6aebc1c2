package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A data directory restored from a base backup, checked by {@code pg_verifybackup}, not started.
 *
 * @param walFilesSpooled WAL segments and history files fetched, checked and decrypted into the
 *     spool {@code restore_command} reads
 * @param newestSpooledWal the newest segment among them
 * @param tarSha256 the whole tar's SHA-256, computed only when its files could not be checked one
 *     by one (a backup_manifest without SHA-2 checksums); null otherwise
 * @param filesChecked the files (the backup_manifest itself among them) whose SHA-256 matched the
 *     signed backup_manifest as they streamed; pg_verifybackup then checked the rest (-s)
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
    String verifyBackup,
    int filesChecked) {
  public static BaseBackupRestoredBuilder builder() {
    return BaseBackupRestoredBuilder.builder();
  }

  public BaseBackupRestoredBuilder toBuilder() {
    return BaseBackupRestoredBuilder.builder(this);
  }
}

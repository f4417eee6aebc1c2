package com.flowviz.dr.activities.physical;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * flowviz-dr's manifest of a base backup, {@code flowviz-manifest.json}: written last, so its
 * presence means the backup is complete. Everything a restore needs to choose this backup for a
 * target instant and fetch the WAL that makes it consistent.
 *
 * @param backupId the directory name under {@code base/<system id>/}: the start time, UTC, {@code
 *     yyyyMMdd'T'HHmmss'Z'}
 * @param startLsn the backup start, as PostgreSQL prints it ({@code 0/2000028}); {@code stopLsn}
 *     likewise as PostgreSQL prints them ({@code 0/2000028})
 * @param startWalFile the first WAL file the backup needs from the archive; {@code stopWalFile} the
 *     last: the first and last WAL files the backup needs from the archive
 * @param tarBytes the plaintext tar stream's length; {@code tarSha256} its SHA-256
 * @param encryptedBytes the stored object's length; {@code sha256} its SHA-256 (hex)
 * @param pgManifestSha256 SHA-256 of the {@code backup_manifest} object
 * @param compression how the tar is compressed ({@link BaseBackupCompression#manifestName()});
 *     absent from manifests written before the field, which are {@code openpgp-zlib}
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record BaseBackupManifest(
    int formatVersion,
    String backupId,
    String systemIdentifier,
    int timeline,
    String serverVersion,
    String pgBasebackupVersion,
    String startLsn,
    String stopLsn,
    Instant startTime,
    Instant stopTime,
    String startWalFile,
    String stopWalFile,
    long tarBytes,
    String tarSha256,
    long encryptedBytes,
    String sha256,
    String pgManifestSha256,
    String recipientKeyFingerprint,
    String compression) {
  public static BaseBackupManifestBuilder builder() {
    return BaseBackupManifestBuilder.builder();
  }

  public BaseBackupManifestBuilder toBuilder() {
    return BaseBackupManifestBuilder.builder(this);
  }
}

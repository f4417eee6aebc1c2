package com.flowviz.dr.activities.crypto;

import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** OpenPGP decryption with the backup private key, which never leaves this activity. */
@ActivityInterface
public interface BackupDecryptionActivities {

  /**
   * Decrypts the downloaded backup into a private work file, checks its integrity (MDC) and that
   * the plaintext is a pg_dump custom-format archive. Runs on the host queue.
   */
  @ActivityMethod
  DecryptedBackup decryptBackup(DownloadedBackup downloaded);

  /**
   * Downloads the backup (resumably, like {@code downloadBackup}) and decrypts it as the bytes
   * arrive, so the two take as long as the slower of them instead of their sum. A retry after a
   * crash resumes the download where its file ends and decrypts again from the start of the file. A
   * decryption that fails (wrong key, not OpenPGP, not a pg_dump archive) stops the download at
   * once. Keeps the ciphertext for the manifest and signature checks; the work files go when the
   * restore ends. Runs on the host queue.
   */
  @ActivityMethod
  TransferredBackup downloadAndDecryptBackup(BackupObject backup);

  /**
   * Reads the whole backup from the store without keeping anything: its SHA-256 against the
   * manifest (when there is one), its decryption with the integrity check, and that the plaintext
   * is a pg_dump archive. A backup that fails is described in the result, not thrown, so the
   * incident checklist can pass over it to an older one; an unreadable store or key still fails. An
   * archived object cannot be read and is reported valid, unchecked (its restore checks it).
   */
  @ActivityMethod
  BackupValidity checkBackupValidity(BackupObject backup, BackupManifest manifest);

  /**
   * Reads the pg_dump archive header of a backup without downloading it: from its manifest, else by
   * decrypting the first bytes of the object (no integrity check is possible on a prefix; the full
   * decrypt later checks it). Null when neither works (an archived object, say).
   */
  @ActivityMethod
  ArchiveHeader readArchiveHeader(BackupObject backup, BackupManifest manifest);

  /**
   * Checks the downloaded backup against its detached OpenPGP signature ({@code <key>.sig} beside
   * it, as {@code gpg --detach-sign} writes) with the worker's signer public keys. With {@code
   * required} and signer keys configured, a backup without a signature is refused; a signature that
   * does not verify is always refused. Runs on the host queue, before decryption.
   */
  @ActivityMethod
  SignatureCheck verifyBackupSignature(
      DownloadedBackup downloaded, BackupObject backup, boolean required);

  /**
   * Reads the backup's manifest and, when the worker has trusted signer keys, checks its detached
   * signature ({@code <manifest key>.sig}) against them, the signer's validity window judged at the
   * time the signature was made. A signature that does not verify, or whose signer was not trusted
   * then, is refused; an unsigned manifest is returned as such, for the workflow to refuse or
   * accept as the request says. Runs on any worker.
   */
  @ActivityMethod
  ManifestCheck verifyManifestSignature(BackupObject backup);

  /** Whether this worker has trusted signer keys: scenario 2.4 refuses to start without them. */
  @ActivityMethod
  boolean trustedSignersConfigured();
}

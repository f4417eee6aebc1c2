package com.flowviz.dr.activities.crypto;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.ClusterGlobals;
import com.flowviz.dr.activities.postgres.PgDumpHeader;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStoreException;
import com.flowviz.dr.activities.storage.BackupStores;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.storage.OlderBackups;
import com.flowviz.dr.activities.storage.ResumableDownload;
import com.flowviz.dr.activities.workhost.GrowingFileInputStream;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.activity.Activity;
import io.temporal.failure.ApplicationFailure;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class BackupDecryptionActivitiesImpl implements BackupDecryptionActivities {

  private static final Logger log = LoggerFactory.getLogger(BackupDecryptionActivitiesImpl.class);
  static final String PLAINTEXT_FILE = "backup.dump";

  /** Enough of the object's head for the archive header, even behind gpg's compression. */
  private static final int HEAD_BYTES = 256 * 1024;

  /**
   * A download that adds no byte for this long has failed for good or is stuck: this attempt ends,
   * a retry waits anew.
   */
  private static final Duration DOWNLOAD_STALL_LIMIT = Duration.ofMinutes(10);

  private final PrivateKeySource keys;
  private final WorkDirectory workDirectory;
  private final BackupStores stores;
  private final TrustedSigners signers;

  public BackupDecryptionActivitiesImpl(
      PrivateKeySource keys, WorkDirectory workDirectory, BackupStores stores) {
    this(keys, workDirectory, stores, TrustedSigners.none());
  }

  /**
   * @param signerKeyFile public keys whose detached signatures on backups are trusted; null for
   *     none
   */
  public BackupDecryptionActivitiesImpl(
      PrivateKeySource keys, WorkDirectory workDirectory, BackupStores stores, Path signerKeyFile) {
    this(
        keys,
        workDirectory,
        stores,
        signerKeyFile == null ? TrustedSigners.none() : TrustedSigners.keyFile(signerKeyFile));
  }

  /**
   * @param signers the keys whose detached signatures on backups and manifests are trusted, and
   *     when
   */
  public BackupDecryptionActivitiesImpl(
      PrivateKeySource keys,
      WorkDirectory workDirectory,
      BackupStores stores,
      TrustedSigners signers) {
    this.keys = keys;
    this.workDirectory = workDirectory;
    this.stores = stores;
    this.signers = signers;
  }

  @Override
  public SignatureCheck verifyBackupSignature(
      DownloadedBackup downloaded, BackupObject backup, boolean required) {
    Path file = Path.of(downloaded.path());
    if (!workDirectory.contains(file) || !Files.isRegularFile(file)) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_CORRUPT,
          "The downloaded backup "
              + file
              + " is not on this host any more; start the restore again.");
    }
    Signature found = signatureOf(backup, backup.key());
    if (found == null) {
      if (required && signers.configured()) {
        throw NonRetryable.failure(
            FailureTypes.BACKUP_INTEGRITY_FAILED,
            "The backup "
                + backup.uri()
                + " has no detached signature ("
                + backup.key()
                + ".sig), and this restore accepts only signed backups. Restore a signed backup, or"
                + " one from the isolated location; a backup made by hand can be restored with"
                + " acceptUnsigned and a reason (never for scenario 2.4).");
      }
      return new SignatureCheck(false, false, null, null);
    }
    if (!signers.configured()) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION,
          "The backup "
              + backup.uri()
              + " is signed ("
              + found.key()
              + ") but the worker has no signer public keys to check it"
              + " with. Set flowviz.gpg.signer-public-key-file and start the restore again.");
    }
    try {
      var verified =
          DetachedSignature.verify(
              file, found.bytes(), trusted(), () -> Heartbeats.beat("verifying signature"));
      log.info(
          "Signature {} of {} verified: key {} ({}), made {}",
          found.key(),
          backup.key(),
          verified.keyId(),
          verified.signerName(),
          verified.signedAt());
      refuseBackdated(verified, backup);
      verifyGlobalsSignature(file.resolveSibling(ClusterGlobals.CIPHERTEXT_FILE), backup);
      return new SignatureCheck(
          true, true, found.key(), verified.keyId(), verified.signerName(), verified.signedAt());
    } catch (DetachedSignature.Invalid e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The backup "
              + backup.uri()
              + " failed its signature check: "
              + e.getMessage()
              + ". It may have been altered or placed by someone without the signing key; do not"
              + " use it. Restore another backup.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public ManifestCheck verifyManifestSignature(BackupObject backup) {
    String key = BackupManifest.keyFor(backup.key());
    byte[] bytes;
    try {
      bytes = stores.forRegion(backup.region()).readSmall(backup.bucket(), key).orElse(null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    BackupManifest manifest = null;
    if (bytes != null) {
      try {
        manifest = Json.read(bytes, BackupManifest.class);
      } catch (IOException e) {
        throw NonRetryable.failure(
            FailureTypes.BACKUP_CORRUPT,
            "The manifest s3://"
                + backup.bucket()
                + "/"
                + key
                + " is not valid JSON, so the backup cannot be checked against it.");
      }
    }
    if (!signers.configured()) {
      return new ManifestCheck(false, signers.describe(), manifest, null);
    }
    if (bytes == null) {
      return new ManifestCheck(true, signers.describe(), null, null);
    }
    Signature found = signatureOf(backup, key);
    if (found == null) {
      return new ManifestCheck(
          true, signers.describe(), manifest, new SignatureCheck(false, false, null, null));
    }
    try {
      var verified = DetachedSignature.verify(bytes, found.bytes(), trusted());
      return new ManifestCheck(
          true,
          signers.describe(),
          manifest,
          new SignatureCheck(
              true,
              true,
              found.key(),
              verified.keyId(),
              verified.signerName(),
              verified.signedAt()));
    } catch (DetachedSignature.Invalid e) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The manifest s3://"
              + backup.bucket()
              + "/"
              + key
              + " failed its signature check: "
              + e.getMessage()
              + ". The backup it describes may have been altered or placed by someone without the"
              + " signing key; do not use it. Restore another backup.");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public boolean trustedSignersConfigured() {
    return signers.configured();
  }

  private record Signature(String key, byte[] bytes) {}

  /**
   * How far an object's LastModified may trail its signer's revocation (replication, clock skew).
   */
  static final Duration REVOCATION_SKEW = Duration.ofMinutes(15);

  /**
   * A signature's time is whatever the signer's clock said: whoever stole a key can date a
   * signature before the key's revocation. The bucket's LastModified is set by S3, not by them: an
   * object written after its signer was revoked is refused whatever date its signature claims.
   */
  private void refuseBackdated(DetachedSignature.Verified verified, BackupObject backup) {
    if (backup.lastModified() == null) {
      return;
    }
    for (TrustedSigner signer : trusted()) {
      if (signer.name().equals(verified.signerName())
          && signer.revokedAt() != null
          && backup.lastModified().isAfter(signer.revokedAt().plus(REVOCATION_SKEW))) {
        throw NonRetryable.failure(
            FailureTypes.BACKUP_INTEGRITY_FAILED,
            "The backup "
                + backup.uri()
                + " is signed by \""
                + signer.name()
                + "\", revoked at "
                + signer.revokedAt()
                + ", with a signature dated "
                + verified.signedAt()
                + ", but the object was written at "
                + backup.lastModified()
                + ", after the revocation: a backdated signature, as a stolen key makes. Do not use"
                + " it; restore a backup written before the revocation or one signed by the current"
                + " key.");
      }
    }
  }

  /**
   * The roles file beside a signed backup is SQL the restore runs as the server's superuser (CREATE
   * ROLE ...): it is used only when a trusted signer signed it too. One that is unsigned or fails
   * its check is evidence that someone else wrote to the bucket, so the restore stops before
   * pg_restore, as for the backup itself.
   */
  private void verifyGlobalsSignature(Path ciphertext, BackupObject backup) throws IOException {
    if (!Files.isRegularFile(ciphertext)) {
      return; // a backup taken before roles were kept beside it
    }
    String key = ClusterGlobals.keyFor(backup.key());
    Signature found = signatureOf(backup, key);
    if (found == null) {
      Files.deleteIfExists(ciphertext.resolveSibling(ClusterGlobals.PLAINTEXT_FILE));
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The roles file "
              + key
              + " beside the signed backup "
              + backup.uri()
              + " has no signature ("
              + key
              + ".sig): flowviz-dr signs every object a backup writes, so someone else placed it."
              + " Nothing was restored; remove that object (the restore then recreates no roles) or"
              + " restore another backup.");
    }
    try {
      DetachedSignature.verify(
          ciphertext,
          found.bytes(),
          trusted(),
          () -> Heartbeats.beat("verifying the roles' signature"));
    } catch (DetachedSignature.Invalid e) {
      Files.deleteIfExists(ciphertext.resolveSibling(ClusterGlobals.PLAINTEXT_FILE));
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The roles file "
              + key
              + " beside "
              + backup.uri()
              + " failed its signature check: "
              + e.getMessage()
              + ". It may have been altered; nothing was restored. Restore another backup.");
    }
  }

  /**
   * {@code <key>.sig} (binary, as gpg --detach-sign writes it) or {@code <key>.asc} (armored); null
   * when neither exists.
   */
  private Signature signatureOf(BackupObject backup, String objectKey) {
    try {
      for (String suffix : new String[] {".sig", ".asc"}) {
        var found =
            stores.forRegion(backup.region()).readSmall(backup.bucket(), objectKey + suffix);
        if (found.isPresent()) {
          return new Signature(objectKey + suffix, found.get());
        }
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private List<TrustedSigner> trusted() {
    try {
      return signers.load();
    } catch (TrustedSigners.Unreadable e) {
      throw NonRetryable.failure(
          FailureTypes.CONFIGURATION, "The trusted signer keys cannot be read: " + e.getMessage());
    }
  }

  @Override
  public ArchiveHeader readArchiveHeader(BackupObject backup, BackupManifest manifest) {
    if (manifest != null && manifest.pgDumpVersion() != null) {
      PgDumpHeader fromManifest =
          new PgDumpHeader(
              null,
              1,
              manifest.sourceDatabase(),
              manifest.serverVersion(),
              manifest.pgDumpVersion());
      return new ArchiveHeader(
          fromManifest.pgDumpMajor().map(PgDumpHeader::newestArchiveReadBy).orElse(null),
          manifest.pgDumpVersion(),
          manifest.serverVersion(),
          fromManifest.serverMajor().orElse(null),
          "manifest");
    }
    byte[] head;
    try (InputStream in =
        stores.forRegion(backup.region()).read(backup.bucket(), backup.key(), 0, backup.etag())) {
      head = in.readNBytes(HEAD_BYTES);
    } catch (BackupStoreException.ObjectArchived e) {
      return null; // readable only after its retrieval; pg_restore checks it then
    } catch (BackupStoreException e) {
      throw NonRetryable.failure(FailureTypes.BACKUP_NOT_FOUND, e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    try (PrivateKeyMaterial key = loadKey()) {
      byte[] plaintext = OpenPgpDecryptor.readPrefix(new ByteArrayInputStream(head), key, 4096);
      PgDumpHeader header = PgDumpHeader.read(new ByteArrayInputStream(plaintext));
      return new ArchiveHeader(
          header.archiveVersion(),
          header.pgDumpVersion(),
          header.serverVersion(),
          header.serverMajor().orElse(null),
          "object head");
    } catch (BackupDecryptionException e) {
      throw NonRetryable.failure(e.type(), e.getMessage());
    } catch (PgDumpHeader.NotAnArchiveException e) {
      throw notAnArchive(backup.key(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public BackupValidity checkBackupValidity(BackupObject backup, BackupManifest manifest) {
    MessageDigest sha256;
    try {
      sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Consumer<Object> beat = Heartbeats.ofThisActivity();
    long bytes;
    OpenPgpDecryptor.Outcome outcome;
    try (PrivateKeyMaterial key = loadKey();
        InputStream raw =
            stores
                .forRegion(backup.region())
                .read(backup.bucket(), backup.key(), 0, backup.etag());
        DigestInputStream in = new DigestInputStream(raw, sha256);
        OutputStream discard = new ArchiveMagicCheck(OutputStream.nullOutputStream())) {
      outcome =
          OpenPgpDecryptor.decrypt(
              in,
              key,
              discard,
              read -> beat.accept("checked " + read + " bytes of " + backup.key()));
      // Bytes after the OpenPGP message count for the SHA-256 too.
      in.transferTo(OutputStream.nullOutputStream());
      bytes = backup.sizeBytes();
    } catch (BackupStoreException.ObjectArchived e) {
      return BackupValidity.valid(
          "not read: the object is archived ("
              + backup.storageClass()
              + "); its restore checks it after retrieval");
    } catch (BackupStoreException e) {
      throw NonRetryable.failure(FailureTypes.BACKUP_NOT_FOUND, e.getMessage());
    } catch (BackupDecryptionException e) {
      if (FailureTypes.KEY_UNAVAILABLE.equals(e.type())
          || FailureTypes.DECRYPTION_PASSPHRASE_WRONG.equals(e.type())) {
        throw NonRetryable.failure(
            e.type(), e.getMessage()); // the worker's key, not the backup: every backup would fail
      }
      return BackupValidity.invalid(e.type(), e.getMessage());
    } catch (PgDumpHeader.NotAnArchiveException e) {
      return BackupValidity.invalid(
          FailureTypes.NOT_A_PG_DUMP,
          "it decrypts, but the plaintext is not a pg_dump custom-format archive ("
              + e.getMessage()
              + ")");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String digest = HexFormat.of().formatHex(sha256.digest());
    if (manifest != null
        && manifest.sha256() != null
        && !manifest.sha256().equalsIgnoreCase(digest)) {
      return BackupValidity.invalid(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "its SHA-256 "
              + digest
              + " does not match its manifest's "
              + manifest.sha256()
              + " (altered or replaced after the backup)");
    }
    return BackupValidity.valid(
        "read whole ("
            + bytes
            + " bytes): "
            + (manifest != null && manifest.sha256() != null
                ? "SHA-256 matches the manifest, "
                : "")
            + "decrypts with key "
            + outcome.keyId()
            + " and passes the OpenPGP integrity check, the plaintext is a pg_dump archive ("
            + outcome.plaintextBytes()
            + " bytes)");
  }

  @Override
  public DecryptedBackup decryptBackup(DownloadedBackup downloaded) {
    Path ciphertext = Path.of(downloaded.path());
    if (!workDirectory.contains(ciphertext)) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "The downloaded file " + ciphertext + " is outside the work directory.");
    }
    DecryptedBackup decrypted =
        decrypt(
            downloaded.key(),
            () -> {
              if (!Files.isRegularFile(ciphertext)) {
                throw NonRetryable.failure(
                    FailureTypes.BACKUP_CORRUPT,
                    "The downloaded backup "
                        + ciphertext
                        + " is gone from this host; start the restore again.");
              }
              return Files.newInputStream(ciphertext);
            },
            Heartbeats::beat);
    try {
      // The plaintext is complete; the ciphertext is no longer needed on this host.
      Files.deleteIfExists(ciphertext);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return decrypted;
  }

  @Override
  public TransferredBackup downloadAndDecryptBackup(BackupObject backup) {
    Path dir = workDirectory.forWorkflow(Activity.getExecutionContext().getInfo().getWorkflowId());
    long started = System.nanoTime();
    AtomicLong downloadedBytes = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService downloader =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "download-" + dir.getFileName());
              t.setDaemon(true);
              return t;
            });
    try {
      Future<DownloadedBackup> download =
          downloader.submit(
              () -> ResumableDownload.into(dir, stores, backup, downloadedBytes::set, stop::get));
      // Heartbeats carry the bytes downloaded: what a resumed attempt starts from.
      // Called from the decryptor's reading thread too, hence bound to this activity here.
      Consumer<Object> beat = Heartbeats.ofThisActivity();
      LongConsumer heartbeat = ignored -> beat.accept(downloadedBytes.get());
      DecryptedBackup decrypted;
      try {
        decrypted =
            withOlderBackups(
                backup,
                () ->
                    decrypt(
                        backup.key(),
                        () ->
                            new GrowingFileInputStream(
                                ResumableDownload.partFile(dir),
                                ResumableDownload.doneFile(dir),
                                backup.sizeBytes(),
                                DOWNLOAD_STALL_LIMIT,
                                position -> {
                                  if (download.isDone()) {
                                    finished(download); // a failed download ends the wait
                                  }
                                  heartbeat.accept(position);
                                }),
                        heartbeat));
      } catch (RuntimeException e) {
        if (download.isDone()) {
          finished(download); // the download's own failure, not what it did to the decryption
        }
        throw e;
      }
      DownloadedBackup downloaded = finished(download);
      checkAgainstManifest(backup, downloaded);
      recordTransfer(
          downloaded.bytes() - downloaded.resumedFromOffset(), System.nanoTime() - started);
      return new TransferredBackup(downloaded, decrypted);
    } finally {
      stop.set(true);
      downloader.shutdown();
      awaitQuietly(downloader); // no file is written after this activity ends
    }
  }

  /**
   * Failures that condemn this backup, not the worker: their message says which older backups are
   * next.
   */
  private static final Set<String> BACKUP_AT_FAULT =
      Set.of(
          FailureTypes.BACKUP_CORRUPT,
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          FailureTypes.DECRYPTION_KEY_MISMATCH,
          FailureTypes.NOT_OPENPGP,
          FailureTypes.NOT_A_PG_DUMP);

  private <T> T withOlderBackups(BackupObject backup, Supplier<T> work) {
    try {
      return work.get();
    } catch (ApplicationFailure e) {
      if (!e.isNonRetryable() || !BACKUP_AT_FAULT.contains(e.getType())) {
        throw e;
      }
      throw NonRetryable.failure(
          e.getType(), e.getOriginalMessage() + OlderBackups.after(stores, backup));
    }
  }

  /**
   * The manifest's SHA-256 checked here too, where the older backups can be named; the workflow
   * checks it again with the manifest it read (and fails the same way).
   */
  private void checkAgainstManifest(BackupObject backup, DownloadedBackup downloaded) {
    BackupManifest manifest;
    try {
      var bytes =
          stores
              .forRegion(backup.region())
              .readSmall(backup.bucket(), BackupManifest.keyFor(backup.key()));
      if (bytes.isEmpty()) {
        return;
      }
      manifest = Json.read(bytes.get(), BackupManifest.class);
    } catch (IOException | RuntimeException e) {
      return; // unreadable here: the workflow's own check with the manifest it read decides
    }
    if (manifest.sha256() != null && !manifest.sha256().equalsIgnoreCase(downloaded.sha256())) {
      throw NonRetryable.failure(
          FailureTypes.BACKUP_INTEGRITY_FAILED,
          "The object "
              + backup.uri()
              + " does not match its manifest: SHA-256 "
              + downloaded.sha256()
              + ", manifest says "
              + manifest.sha256()
              + ". It was altered or replaced after the backup; do not use it."
              + OlderBackups.after(stores, backup));
    }
  }

  /**
   * flowviz_restore_bytes (total) and flowviz_restore_transfer (time) for Prometheus: bytes / time
   * is the rate.
   */
  private static void recordTransfer(long bytes, long nanos) {
    var metrics = Activity.getExecutionContext().getMetricsScope();
    metrics.counter("flowviz_restore_bytes").inc(bytes);
    metrics.timer("flowviz_restore_transfer").record(com.uber.m3.util.Duration.ofNanos(nanos));
  }

  private static DownloadedBackup finished(Future<DownloadedBackup> download) {
    try {
      return download.get();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw new IllegalStateException(e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while downloading", e);
    }
  }

  private static void awaitQuietly(ExecutorService executor) {
    try {
      executor.awaitTermination(1, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private interface CiphertextSource {
    InputStream open() throws IOException;
  }

  private DecryptedBackup decrypt(
      String backupKey, CiphertextSource source, LongConsumer progress) {
    Path dir = workDirectory.forWorkflow(Activity.getExecutionContext().getInfo().getWorkflowId());
    Path done = dir.resolve(PLAINTEXT_FILE);
    Path part = dir.resolve(PLAINTEXT_FILE + ".part");
    try {
      if (Files.isRegularFile(done)) {
        // An earlier attempt finished the file but not the activity.
        decryptGlobals(dir);
        return describe(backupKey, done, null, false);
      }
      OpenPgpDecryptor.Outcome outcome;
      try (PrivateKeyMaterial key = loadKey();
          InputStream in = source.open();
          OutputStream out =
              new ArchiveMagicCheck(
                  new BufferedOutputStream(WorkDirectory.openPrivate(part, false), 1 << 16))) {
        outcome = OpenPgpDecryptor.decrypt(in, key, out, progress::accept);
      } catch (BackupDecryptionException e) {
        Files.deleteIfExists(part);
        throw NonRetryable.failure(e.type(), e.getMessage());
      } catch (PgDumpHeader.NotAnArchiveException e) {
        Files.deleteIfExists(part);
        throw notAnArchive(backupKey, e);
      } catch (IOException | RuntimeException e) {
        Files.deleteIfExists(part);
        throw e;
      }
      Files.move(part, done, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      log.info(
          "Decrypted {} ({} bytes, key {}, compressed: {})",
          backupKey,
          outcome.plaintextBytes(),
          outcome.keyId(),
          outcome.compressed());
      decryptGlobals(dir);
      return describe(backupKey, done, outcome.keyId(), outcome.compressed());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The roles downloaded beside the backup, decrypted beside the archive for pg_restore's owners
   * and grants.
   */
  private void decryptGlobals(Path dir) throws IOException {
    Path ciphertext = dir.resolve(ClusterGlobals.CIPHERTEXT_FILE);
    Path plaintext = dir.resolve(ClusterGlobals.PLAINTEXT_FILE);
    if (!Files.isRegularFile(ciphertext)) {
      return;
    }
    try (PrivateKeyMaterial key = loadKey();
        InputStream in = Files.newInputStream(ciphertext);
        OutputStream out = WorkDirectory.openPrivate(plaintext, false)) {
      OpenPgpDecryptor.decrypt(in, key, out, ignored -> {});
    } catch (BackupDecryptionException e) {
      Files.deleteIfExists(plaintext);
      throw NonRetryable.failure(
          e.type(),
          "The roles beside the backup ("
              + ClusterGlobals.CIPHERTEXT_FILE
              + ") cannot be decrypted: "
              + e.getMessage()
              + ". Remove or replace that object, or restore another backup.");
    }
  }

  private PrivateKeyMaterial loadKey() {
    try {
      return keys.load();
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw NonRetryable.failure(FailureTypes.KEY_UNAVAILABLE, e.getMessage());
    }
  }

  private static DecryptedBackup describe(String key, Path file, String keyId, boolean compressed)
      throws IOException {
    PgDumpHeader header;
    try (InputStream in = Files.newInputStream(file)) {
      header = PgDumpHeader.read(in);
    } catch (PgDumpHeader.NotAnArchiveException e) {
      Files.deleteIfExists(file);
      throw notAnArchive(key, e);
    }
    return new DecryptedBackup(
        key,
        file.toString(),
        Files.size(file),
        header.archiveVersion(),
        header.serverVersion(),
        keyId,
        compressed);
  }

  private static ApplicationFailure notAnArchive(String key, Exception e) {
    return NonRetryable.failure(
        FailureTypes.NOT_A_PG_DUMP,
        "The backup "
            + key
            + " decrypted correctly, but the plaintext is not a pg_dump custom-format archive: "
            + e.getMessage()
            + ". Backups must be made with pg_dump -Fc.");
  }

  /** Stops writing as soon as the first bytes show the plaintext is not an archive. */
  private static final class ArchiveMagicCheck extends FilterOutputStream {
    private final byte[] head = new byte[5];
    private int seen;

    ArchiveMagicCheck(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (seen < head.length) {
        int n = Math.min(len, head.length - seen);
        System.arraycopy(b, off, head, seen, n);
        seen += n;
        if (seen == head.length && !PgDumpHeader.looksLikeArchive(head, seen)) {
          try (InputStream in = new ByteArrayInputStream(head)) {
            PgDumpHeader.read(in);
          }
        }
      }
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      if (seen < head.length) {
        super.close();
        throw new PgDumpHeader.NotAnArchiveException("it is only " + seen + " bytes long");
      }
      super.close();
    }
  }
}

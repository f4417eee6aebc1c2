package com.flowviz.dr.activities.physical.basebackup;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.common.PipelinedOutputStream;
import com.flowviz.dr.activities.crypto.OpenPgpEncryptor;
import com.flowviz.dr.activities.physical.BaseBackupCompression;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.storage.StreamingUpload;
import com.flowviz.dr.workflows.FailureTypes;
import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code pg_basebackup -D - -Ft -X none} streamed into an upload: every byte of the tar goes
 * through SHA-256, compression and OpenPGP encryption into the upload as it arrives, never to disk,
 * while a {@link TarMemberScanner} keeps {@code backup_label}, {@code backup_manifest} (the tar's
 * last member) and {@code global/pg_control}. The upload is completed only when pg_basebackup
 * succeeded, the tar ended properly with the manifest last, and its pg_control names the cluster
 * expected; on every other way out it is discarded.
 */
final class BaseBackupStream {

  static final String LABEL = "backup_label";
  static final String PG_MANIFEST = "backup_manifest";
  static final String PG_CONTROL = "global/pg_control";

  private static final Logger log = LoggerFactory.getLogger(BaseBackupStream.class);
  private static final int BUFFER = 1 << 16;

  /**
   * zstd level 1, measured on a 1.66 GB FlowViz cluster: 480 MB in 11.3 CPU s; zlib level 1 (the
   * fastest OpenPGP offers): 545 MB in 34 CPU s; level 3: 441 MB in 17 CPU s.
   */
  private static final int ZSTD_LEVEL = 1;

  /** Compressed chunks (up to 64 KiB each) waiting for the encrypting thread. */
  private static final int HAND_OFF_DEPTH = 32;

  private static final int MAX_CAPTURE = 256 * 1024 * 1024;
  private static final Duration EXIT_TIMEOUT = Duration.ofMinutes(5);

  /** PostgreSQL's warning while pg_backup_stop waits for the archiver. */
  private static final Pattern STILL_WAITING =
      Pattern.compile(
          "still waiting for all required WAL segments to be archived \\((\\d+) second");

  /** What the stream carried. */
  record Streamed(
      BackupLabel label,
      byte[] pgManifest,
      long tarBytes,
      String tarSha256,
      long encryptedBytes,
      String sha256) {}

  private final PgClient pg;
  private final String pgBasebackup;
  private final String server;
  private final Duration archiveWaitLimit;
  private final BaseBackupCompression compression;
  private volatile long archiveWaitSeconds;

  BaseBackupStream(
      PgClient pg,
      String pgBasebackup,
      String server,
      Duration archiveWaitLimit,
      BaseBackupCompression compression) {
    this.pg = pg;
    this.pgBasebackup = pgBasebackup;
    this.server = server;
    this.archiveWaitLimit = archiveWaitLimit;
    this.compression = compression;
  }

  Streamed into(
      StreamingUpload upload,
      String backupId,
      String systemIdentifier,
      List<PGPPublicKey> keys,
      Date startedAt)
      throws IOException {
    List<String> command =
        List.of(
            pgBasebackup,
            "--pgdata=-",
            "--format=tar",
            "--wal-method=none",
            // CRC32C, the server's default: each file's check at restore (PgManifestChecksums);
            // SHA-256 cost the walsender 1.1 s more CPU per 1.66 GB on the cores we share.
            "--manifest-checksums=CRC32C",
            "--checkpoint=fast",
            "--label=flowviz-dr-" + backupId,
            "--no-password",
            "--verbose");
    TarMemberScanner tar =
        new TarMemberScanner(Set.of(LABEL, PG_MANIFEST, PG_CONTROL), MAX_CAPTURE);
    MessageDigest plaintext = DigestingOutputStream.sha256();
    DigestingOutputStream ciphertext = new DigestingOutputStream(upload);
    long tarBytes = 0;
    ChildProcess[] running = new ChildProcess[1];
    try (ChildProcess child =
        ChildProcess.start(
            command,
            pg.settings().toolEnvironment(),
            null,
            line -> watchStderr(line, running),
            false)) {
      running[0] = child;
      // Compressed, unlike a dump: a base backup's tar is raw data files, pages with free space
      // and all. Three stages on their own threads, so that a worker's cores share the work: this
      // one reads the tar, scans and hashes it; zstd compresses on its own threads; the OpenPGP
      // encryption, the object's hashes and the upload's parts run behind the hand-off.
      try (OutputStream encrypting =
              OpenPgpEncryptor.encryptTo(
                  ciphertext,
                  keys,
                  compression == BaseBackupCompression.ZSTD ? "base.tar.zst" : "base.tar",
                  startedAt,
                  compression == BaseBackupCompression.OPENPGP_ZLIB);
          PipelinedOutputStream handOff =
              new PipelinedOutputStream(encrypting, HAND_OFF_DEPTH, "base-backup-encrypt");
          OutputStream compressed = compressing(handOff);
          InputStream in = child.stdout()) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
          tar.write(buffer, 0, n);
          plaintext.update(buffer, 0, n);
          compressed.write(buffer, 0, n);
          tarBytes += n;
          Heartbeats.beat(tarBytes);
        }
      } catch (PGPException e) {
        throw new IllegalStateException("Cannot encrypt the base backup: " + e.getMessage(), e);
      }
      try {
        child.awaitSuccess(EXIT_TIMEOUT, () -> Heartbeats.beat("pg_basebackup finishing"));
      } catch (ProcessFailedException e) {
        throw failure(e);
      }
    }
    BackupLabel label = BackupLabel.parse(required(tar, LABEL));
    byte[] pgManifest = required(tar, PG_MANIFEST);
    if (!tar.ended() || !tar.lastMemberName().orElse("").equals(PG_MANIFEST)) {
      throw new IllegalStateException(
          "pg_basebackup succeeded but its tar stream "
              + (tar.ended()
                  ? "ended with " + tar.lastMemberName().orElse("nothing")
                  : "was cut short")
              + ", not with backup_manifest; the upload was discarded");
    }
    refuseAnotherCluster(required(tar, PG_CONTROL), systemIdentifier);
    upload.complete();
    return new Streamed(
        label,
        pgManifest,
        tarBytes,
        HexFormat.of().formatHex(plaintext.digest()),
        ciphertext.count(),
        ciphertext.hex());
  }

  /**
   * pg_backup_stop waits, without limit, until the WAL the backup needs is archived; past the limit
   * the archiver is stuck (a failing archive_command, an unreachable bucket) and the attempt is
   * given up so that it can be retried once archiving works.
   */
  private void watchStderr(String line, ChildProcess[] running) {
    Matcher waiting = STILL_WAITING.matcher(line);
    if (waiting.find()) {
      archiveWaitSeconds = Long.parseLong(waiting.group(1));
      log.warn(
          "The base backup of {} waits for its WAL to be archived ({} s so far): check"
              + " pg_stat_archiver and the archive command's log",
          server,
          archiveWaitSeconds);
      if (archiveWaitSeconds >= archiveWaitLimit.toSeconds() && running[0] != null) {
        running[0].close();
      }
    }
  }

  /**
   * zstd at level 1 with a frame checksum ({@code zstd -d} checks it), on up to four of the
   * library's threads; or nothing here, when OpenPGP's own zlib packet compresses.
   */
  private OutputStream compressing(OutputStream out) throws IOException {
    if (compression == BaseBackupCompression.OPENPGP_ZLIB) {
      return out;
    }
    int workers = Math.max(1, Math.min(4, Runtime.getRuntime().availableProcessors()));
    return new ZstdOutputStreamNoFinalizer(out, ZSTD_LEVEL).setChecksum(true).setWorkers(workers);
  }

  private RuntimeException failure(ProcessFailedException e) {
    if (archiveWaitSeconds >= archiveWaitLimit.toSeconds()) {
      return ApplicationFailure.newFailure(
          "The base backup of "
              + server
              + " was given up after the server had waited "
              + archiveWaitSeconds
              + " s for the WAL it needs to be archived: archiving is stuck. Check"
              + " pg_stat_archiver (last_failed_wal) and the archive command's log; the next"
              + " attempt starts a new base backup.",
          FailureTypes.DATABASE_UNAVAILABLE);
    }
    return ReplicationRefusals.of(e.stderrTail(), server, pg.settings().user())
        .orElseGet(
            () ->
                new IllegalStateException(
                    "pg_basebackup of "
                        + server
                        + " failed (exit code "
                        + e.exitCode()
                        + "), its upload was discarded: "
                        + e.stderrTail()));
  }

  /**
   * The system identifier is pg_control's first field, in the server's byte order: the backup is of
   * the cluster checked, even if the server was replaced after the check.
   */
  private static void refuseAnotherCluster(byte[] pgControl, String expected) {
    if (pgControl.length < 8) {
      throw new IllegalStateException("the base backup's global/pg_control is truncated");
    }
    String little =
        Long.toUnsignedString(
            ByteBuffer.wrap(pgControl, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong());
    String big =
        Long.toUnsignedString(
            ByteBuffer.wrap(pgControl, 0, 8).order(ByteOrder.BIG_ENDIAN).getLong());
    if (!expected.equals(little) && !expected.equals(big)) {
      throw NonRetryable.failure(
          FailureTypes.INVALID_INPUT,
          "The base backup's pg_control names the cluster "
              + little
              + ", not "
              + expected
              + " that was checked: the server was replaced during the backup. Nothing was kept;"
              + " check the server, then take the base backup again.");
    }
  }

  private static byte[] required(TarMemberScanner tar, String member) {
    return tar.member(member)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "pg_basebackup's tar stream has no " + member + "; the upload was discarded"));
  }
}

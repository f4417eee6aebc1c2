package com.flowviz.dr.activities.backup;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.OpenPgpEncryptor;
import com.flowviz.dr.activities.crypto.OpenPgpKeys;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgToolVersion;
import com.flowviz.dr.activities.postgres.SqlStates;
import com.flowviz.dr.activities.postgres.TableStatistics;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.BackupStoreException;
import com.flowviz.dr.activities.storage.StreamingUpload;
import com.flowviz.dr.activities.storage.TableStats;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class BackupActivitiesImpl implements BackupActivities {

  private static final Logger log = LoggerFactory.getLogger(BackupActivitiesImpl.class);
  private static final Duration PG_DUMP_TIMEOUT = Duration.ofHours(6);
  private static final int BUFFER = 1 << 16;

  private final PgClient pg;
  private final PgBinaries binaries;
  private final BackupStore store;
  private final RecipientKeys recipients;

  public BackupActivitiesImpl(
      PgClient pg, PgBinaries binaries, BackupStore store, RecipientKeys recipients) {
    this.pg = pg;
    this.binaries = binaries;
    this.store = store;
    this.recipients = recipients;
  }

  @Override
  public BackupTaken takeBackup(BackupSpec spec) {
    try {
      // pg_dump may wait for its locks, and counting large tables takes a while, without bytes to
      // report.
      return Heartbeats.keepAlive("backing up " + spec.sourceDatabase(), () -> backup(spec));
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private BackupTaken backup(BackupSpec spec) {
    long started = System.nanoTime();
    List<PGPPublicKey> keys;
    try {
      keys = recipients.load();
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw NonRetryable.failure(FailureTypes.KEY_UNAVAILABLE, e.getMessage());
    }
    String pgDump = binaries.program("pg_dump");
    String pgDumpVersion = PgToolVersion.of(pgDump).version();
    try (Connection snapshot = pg.connect(spec.sourceDatabase())) {
      // One snapshot for the dump and the manifest's counts: they describe exactly the same data.
      snapshot.setAutoCommit(false);
      snapshot.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      snapshot.setReadOnly(true);
      String snapshotId = queryString(snapshot, "SELECT pg_export_snapshot()");
      String serverVersion = queryString(snapshot, "SHOW server_version");
      List<TableStats> tables = TableStatistics.collect(snapshot);

      // The roles first: a backup that can be chosen always has the roles its restore may need
      // beside it.
      GlobalsBackup.upload(pg, binaries, store, spec, keys);
      Stored stored = dumpEncryptUpload(spec, pgDump, snapshotId, keys);
      snapshot.rollback();

      BackupManifest manifest =
          new BackupManifest(
              BackupManifest.FORMAT_VERSION,
              spec.key(),
              spec.takenAt(),
              spec.sourceDatabase(),
              pgDumpVersion,
              serverVersion,
              stored.plaintextBytes,
              stored.encryptedBytes,
              stored.sha256,
              OpenPgpKeys.fingerprint(keys.get(0)),
              tables);
      String manifestKey = BackupManifest.keyFor(spec.key());
      store.writeSmall(spec.bucket(), manifestKey, Json.write(manifest), "application/json");
      long millis = (System.nanoTime() - started) / 1_000_000;
      log.info(
          "Backed up {} to {}/{}: {} bytes encrypted in {} ms",
          spec.sourceDatabase(),
          spec.bucket(),
          spec.key(),
          stored.encryptedBytes,
          millis);
      return new BackupTaken(spec.bucket(), spec.key(), manifestKey, manifest, millis);
    } catch (SQLException e) {
      if ("3D000".equals(e.getSQLState())) {
        throw NonRetryable.failure(
            FailureTypes.INVALID_INPUT,
            "The source database \""
                + spec.sourceDatabase()
                + "\" does not exist on "
                + pg.settings()
                + ".");
      }
      throw SqlStates.failure("read " + spec.sourceDatabase() + " for its backup", e);
    } catch (BackupStoreException e) {
      throw NonRetryable.failure(
          e instanceof BackupStoreException.AccessDenied
              ? FailureTypes.BACKUP_ACCESS_DENIED
              : FailureTypes.BACKUP_NOT_FOUND,
          e.getMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private record Stored(long plaintextBytes, long encryptedBytes, String sha256) {}

  private Stored dumpEncryptUpload(
      BackupSpec spec, String pgDump, String snapshotId, List<PGPPublicKey> keys)
      throws IOException {
    List<String> command =
        List.of(
            pgDump,
            "--format=custom",
            "--snapshot=" + snapshotId,
            "--dbname=" + spec.sourceDatabase());
    try (StreamingUpload upload = store.upload(spec.bucket(), spec.key(), spec.storageClass());
        ChildProcess dump =
            ChildProcess.start(command, pg.settings().toolEnvironment(), null, null, false)) {
      DigestingOutputStream ciphertext = new DigestingOutputStream(upload);
      long plaintext = 0;
      try (OutputStream encrypting =
              OpenPgpEncryptor.encryptTo(
                  ciphertext, keys, spec.sourceDatabase() + ".dump", Date.from(spec.takenAt()));
          InputStream in = dump.stdout()) {
        byte[] buffer = new byte[BUFFER];
        int n;
        while ((n = in.read(buffer)) > 0) {
          encrypting.write(buffer, 0, n);
          plaintext += n;
          Heartbeats.beat(plaintext);
        }
      } catch (PGPException e) {
        throw new IllegalStateException("Cannot encrypt the backup: " + e.getMessage(), e);
      }
      try {
        dump.awaitSuccess(PG_DUMP_TIMEOUT, () -> Heartbeats.beat("pg_dump finishing"));
      } catch (ProcessFailedException e) {
        throw new IllegalStateException(
            "pg_dump of " + spec.sourceDatabase() + " failed: " + e.stderrTail(), e);
      }
      upload.complete();
      return new Stored(
          plaintext, ciphertext.count, HexFormat.of().formatHex(ciphertext.digest.digest()));
    }
  }

  private static String queryString(Connection c, String sql) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** SHA-256 and length of what passes through. */
  private static final class DigestingOutputStream extends FilterOutputStream {
    private final MessageDigest digest;
    private long count;

    DigestingOutputStream(OutputStream out) {
      super(out);
      try {
        digest = MessageDigest.getInstance("SHA-256");
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      digest.update((byte) b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      digest.update(b, off, len);
      count += len;
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}

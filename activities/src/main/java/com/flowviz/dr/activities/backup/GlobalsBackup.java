package com.flowviz.dr.activities.backup;

import com.flowviz.dr.activities.common.Heartbeats;
import com.flowviz.dr.activities.crypto.OpenPgpEncryptor;
import com.flowviz.dr.activities.postgres.ClusterGlobals;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.process.ChildProcess;
import com.flowviz.dr.activities.process.ProcessFailedException;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.StreamingUpload;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;

/**
 * The server's roles beside every backup ({@code pg_dumpall --globals-only --no-role-passwords},
 * encrypted to the backup's recipients): what a restore onto a new instance needs to give the
 * archive's objects their owners and grants. No password is in it. Uploaded the way the dump is, so
 * whatever covers the backup's objects (signing) covers it too.
 */
final class GlobalsBackup {

  private static final Duration PG_DUMPALL_TIMEOUT = Duration.ofMinutes(30);

  private GlobalsBackup() {}

  /** Returns the globals object's key. */
  static String upload(
      PgClient pg, PgBinaries binaries, BackupStore store, BackupSpec spec, List<PGPPublicKey> keys)
      throws IOException {
    String key = ClusterGlobals.keyFor(spec.key());
    List<String> command =
        List.of(
            binaries.program("pg_dumpall"),
            "--globals-only",
            "--no-role-passwords",
            "--database=" + spec.sourceDatabase());
    // Standard storage whatever the backup's class: a restore reads it without a retrieval from an
    // archive tier.
    try (StreamingUpload upload = store.upload(spec.bucket(), key, null);
        ChildProcess dumpall =
            ChildProcess.start(command, pg.settings().toolEnvironment(), null, null, false)) {
      try (OutputStream encrypting =
              OpenPgpEncryptor.encryptTo(
                  upload, keys, ClusterGlobals.PLAINTEXT_FILE, Date.from(spec.takenAt()));
          InputStream in = dumpall.stdout()) {
        in.transferTo(encrypting);
      } catch (PGPException e) {
        throw new IllegalStateException(
            "Cannot encrypt the backup's globals: " + e.getMessage(), e);
      }
      try {
        dumpall.awaitSuccess(
            PG_DUMPALL_TIMEOUT, () -> Heartbeats.beat("pg_dumpall --globals-only"));
      } catch (ProcessFailedException e) {
        throw new IllegalStateException(
            "pg_dumpall --globals-only on " + pg.settings() + " failed: " + e.stderrTail(), e);
      }
      upload.complete();
      return key;
    }
  }
}

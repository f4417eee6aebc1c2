package com.flowviz.dr.worker.wal;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.backup.SigningBackupStore;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.FilePrivateKeySource;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.crypto.RecipientKeys;
import com.flowviz.dr.activities.crypto.SecretsManagerPrivateKeySource;
import com.flowviz.dr.activities.crypto.TrustedSigners;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.secrets.SecretStore;
import com.flowviz.dr.activities.secrets.SecretsManagerSecretStore;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.LocalDirectoryBackupStore;
import com.flowviz.dr.activities.storage.S3BackupStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The WAL command's configuration, from the environment only (PostgreSQL starts it once per WAL
 * file; no Micronaut context): the worker's own variable names and defaults, so one environment
 * file serves both. Only names and paths, never key material; nothing secret is ever an argument.
 *
 * <pre>
 * FLOWVIZ_WAL_BUCKET                       the bucket (default flowviz-backups)
 * AWS_REGION, AWS_ENDPOINT_URL             the SDK's own; credentials from the default chain
 * FLOWVIZ_STORAGE_BACKEND                  s3 (default) or local (FLOWVIZ_STORAGE_LOCAL_DIRECTORY)
 * FLOWVIZ_GPG_PUBLIC_KEY_FILE              push: the keys WAL is encrypted to
 * FLOWVIZ_GPG_SIGNING_KEY_SECRET_ID        push: signing key secret (flowviz/backup/signing-key)
 * FLOWVIZ_GPG_SIGNING_PASSPHRASE_SECRET_ID push: its passphrase (…/signing-key-passphrase)
 * FLOWVIZ_SECRETS_BACKEND                  secretsmanager (default) or local
 *                                          (FLOWVIZ_SECRETS_LOCAL_DIRECTORY: 0600 files)
 * FLOWVIZ_GPG_KEY_FILE, _PASSPHRASE_FILE   fetch: the backup private key in files, else
 * FLOWVIZ_GPG_KEY_SECRET_ID, _PASSPHRASE_SECRET_ID  in Secrets Manager (flowviz/backup/gpg-…)
 * FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE, FLOWVIZ_GPG_TRUSTED_SIGNERS_FILE,
 * FLOWVIZ_GPG_TRUSTED_SIGNERS_SECRET_ID    fetch: whose signatures are trusted
 * FLOWVIZ_WAL_PGDATA                       serve: the data directory whose pg_wal it archives
 *                                          (default PGDATA, then /var/lib/postgresql/15/main)
 * FLOWVIZ_WAL_SERVE_FILE                   serve and the wrapper: "port token" of the running
 *                                          archiver, 0600 (default /run/flowviz-wal/serve)
 * FLOWVIZ_WAL_SERVE_PORT                   serve: loopback port (default 0: any free one)
 * FLOWVIZ_WAL_SERVE_THREADS                serve: pushes at once (default 2)
 * FLOWVIZ_WAL_SERVE_KEY_SECONDS            serve: how long the unlocked signing key is reused
 *                                          before the secret is read again (default 300)
 * </pre>
 */
final class WalEnvironment {

  static final String DEFAULT_BUCKET = "flowviz-backups";

  private final Map<String, String> env;

  WalEnvironment(Map<String, String> env) {
    this.env = env;
  }

  String bucket() {
    return value("FLOWVIZ_WAL_BUCKET", DEFAULT_BUCKET);
  }

  /** The store WAL is written to, signing what it writes. */
  BackupStore signingStore() {
    return signingStore(null);
  }

  /**
   * @param keepUnlocked how long the unlocked signing key is reused (the resident archiver), null
   *     to unlock it for each object
   */
  BackupStore signingStore(Duration keepUnlocked) {
    return new SigningBackupStore(store(), signingKey(keepUnlocked));
  }

  BackupSigningKey signingKey(Duration keepUnlocked) {
    return new BackupSigningKey(
        secrets(),
        value("FLOWVIZ_GPG_SIGNING_KEY_SECRET_ID", BackupSigningKey.DEFAULT_KEY_SECRET),
        value(
            "FLOWVIZ_GPG_SIGNING_PASSPHRASE_SECRET_ID", BackupSigningKey.DEFAULT_PASSPHRASE_SECRET),
        keepUnlocked);
  }

  Path pgData() {
    return Path.of(value("FLOWVIZ_WAL_PGDATA", value("PGDATA", "/var/lib/postgresql/15/main")));
  }

  Path serveFile() {
    return Path.of(value("FLOWVIZ_WAL_SERVE_FILE", "/run/flowviz-wal/serve"));
  }

  int servePort() {
    return Integer.parseInt(value("FLOWVIZ_WAL_SERVE_PORT", "0"));
  }

  int serveThreads() {
    return Integer.parseInt(value("FLOWVIZ_WAL_SERVE_THREADS", "2"));
  }

  Duration keepSigningKeyUnlocked() {
    return Duration.ofSeconds(Long.parseLong(value("FLOWVIZ_WAL_SERVE_KEY_SECONDS", "300")));
  }

  BackupStore store() {
    if ("local".equalsIgnoreCase(value("FLOWVIZ_STORAGE_BACKEND", "s3"))) {
      return new LocalDirectoryBackupStore(Path.of(required("FLOWVIZ_STORAGE_LOCAL_DIRECTORY")));
    }
    return new S3BackupStore(
        AwsClients.s3(
            value("FLOWVIZ_STORAGE_REGION", null), value("FLOWVIZ_STORAGE_ENDPOINT", null)),
        S3BackupStore.DEFAULT_PART_SIZE);
  }

  RecipientKeys recipients() {
    return new RecipientKeys(Path.of(required("FLOWVIZ_GPG_PUBLIC_KEY_FILE")));
  }

  PrivateKeySource privateKey() {
    String keyFile = value("FLOWVIZ_GPG_KEY_FILE", null);
    if (keyFile != null) {
      String passphraseFile = value("FLOWVIZ_GPG_PASSPHRASE_FILE", null);
      return new FilePrivateKeySource(
          Path.of(keyFile), passphraseFile == null ? null : Path.of(passphraseFile));
    }
    return new SecretsManagerPrivateKeySource(
        AwsClients.secretsManager(value("FLOWVIZ_STORAGE_REGION", null), null),
        value("FLOWVIZ_GPG_KEY_SECRET_ID", SecretsManagerPrivateKeySource.DEFAULT_KEY_SECRET),
        value(
            "FLOWVIZ_GPG_PASSPHRASE_SECRET_ID",
            SecretsManagerPrivateKeySource.DEFAULT_PASSPHRASE_SECRET));
  }

  TrustedSigners trustedSigners() {
    String keyFile = value("FLOWVIZ_GPG_SIGNER_PUBLIC_KEY_FILE", null);
    String windowsFile = value("FLOWVIZ_GPG_TRUSTED_SIGNERS_FILE", null);
    return new TrustedSigners(
        keyFile == null ? null : Path.of(keyFile),
        windowsFile == null ? null : Path.of(windowsFile),
        value("FLOWVIZ_GPG_TRUSTED_SIGNERS_SECRET_ID", null),
        this::secrets);
  }

  private SecretStore secrets() {
    if ("local".equalsIgnoreCase(value("FLOWVIZ_SECRETS_BACKEND", "secretsmanager"))) {
      return new LocalSecretStore(Path.of(required("FLOWVIZ_SECRETS_LOCAL_DIRECTORY")));
    }
    return new SecretsManagerSecretStore(
        AwsClients.secretsManager(value("FLOWVIZ_STORAGE_REGION", null), null));
  }

  private String value(String name, String fallback) {
    String v = env.get(name);
    return v == null || v.isBlank() ? fallback : v.strip();
  }

  private String required(String name) {
    String v = value(name, null);
    if (v == null) {
      throw new MissingSetting(name);
    }
    return v;
  }

  /** A variable the command needs is not set. */
  static final class MissingSetting extends RuntimeException {
    MissingSetting(String name) {
      super(
          name
              + " is not set; see deploy/wal/postgresql-archiving.conf (the settings) and the"
              + " README's \"Continuous protection\" section");
    }
  }
}

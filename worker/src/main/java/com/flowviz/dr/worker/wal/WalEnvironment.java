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
    return new SigningBackupStore(
        store(),
        new BackupSigningKey(
            secrets(),
            value("FLOWVIZ_GPG_SIGNING_KEY_SECRET_ID", BackupSigningKey.DEFAULT_KEY_SECRET),
            value(
                "FLOWVIZ_GPG_SIGNING_PASSPHRASE_SECRET_ID",
                BackupSigningKey.DEFAULT_PASSPHRASE_SECRET)));
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
      super(name + " is not set; see deploy/wal/README or the README's \"WAL archiving\" section");
    }
  }
}

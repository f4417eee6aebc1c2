package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the backup keys are. The private key comes from {@code keyFile} when it is set, else from
 * Secrets Manager ({@code keySecretId}, the runbook's {@code flowviz/backup/gpg-private-key}). Only
 * names and paths are configured here, never key material. Every backup is signed with the key in
 * {@code signingKeySecretId} (its passphrase in {@code signingPassphraseSecretId}). The trusted
 * signers, whose signatures restores accept, come from {@code signerPublicKeyFile} (keys trusted at
 * any time), {@code trustedSignersFile} and {@code trustedSignersSecretId} (JSON lists of keys with
 * validity windows, docs/key-rotation.md); with any of them set, every restore proves its backup
 * authentic.
 */
@ConfigurationProperties("flowviz.gpg")
public record GpgSettings(
    @Bindable(defaultValue = "flowviz/backup/gpg-private-key") String keySecretId,
    @Bindable(defaultValue = "flowviz/backup/gpg-passphrase") String passphraseSecretId,
    @Nullable String keyFile,
    @Nullable String passphraseFile,
    @Nullable String publicKeyFile,
    @Nullable String signerPublicKeyFile,
    @Bindable(defaultValue = "flowviz/backup/signing-key") String signingKeySecretId,
    @Bindable(defaultValue = "flowviz/backup/signing-key-passphrase")
        String signingPassphraseSecretId,
    @Nullable String trustedSignersFile,
    @Nullable String trustedSignersSecretId) {}

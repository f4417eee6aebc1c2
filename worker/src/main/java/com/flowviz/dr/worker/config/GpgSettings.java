package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * Where the backup keys are. The private key comes from {@code keyFile} when it is set, else from
 * Secrets Manager ({@code keySecretId}, the runbook's {@code flowviz/backup/gpg-private-key}).
 * Only names and paths are configured here, never key material. {@code signerPublicKeyFile} holds
 * the public keys whose detached signatures on backups are trusted (checked in scenario 2.4).
 */
@ConfigurationProperties("flowviz.gpg")
public record GpgSettings(
    @Bindable(defaultValue = "flowviz/backup/gpg-private-key") String keySecretId,
    @Bindable(defaultValue = "flowviz/backup/gpg-passphrase") String passphraseSecretId,
    @Nullable String keyFile,
    @Nullable String passphraseFile,
    @Nullable String publicKeyFile,
    @Nullable String signerPublicKeyFile) {}

package com.flowviz.dr.worker.config;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * @param compression how new base backups compress their tar: {@code zstd} (default; restored by
 *     hand with {@code gpg -d | zstd -d | tar -x}) or {@code openpgp-zlib} (gpg's own zlib packet,
 *     {@code gpg -d | tar -x}, about three times the CPU). Each backup's manifest records its own,
 *     so changing this never strands older backups.
 */
@ConfigurationProperties("flowviz.base-backup")
public record BaseBackupSettings(@Bindable(defaultValue = "zstd") String compression) {}

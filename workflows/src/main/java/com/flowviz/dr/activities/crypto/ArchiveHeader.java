package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What a backup's pg_dump archive says about its versions, read without downloading it whole.
 *
 * @param archiveVersion custom-format version, e.g. "1.14" (pg_dump 15) or "1.16" (17)
 * @param serverVersion the PostgreSQL server the dump was taken from, e.g. "17.2"
 * @param source "manifest" or "object head" (the first bytes, decrypted)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ArchiveHeader(
    String archiveVersion,
    String pgDumpVersion,
    String serverVersion,
    Integer serverMajor,
    String source) {}

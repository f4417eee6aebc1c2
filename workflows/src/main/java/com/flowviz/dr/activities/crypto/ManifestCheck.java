package com.flowviz.dr.activities.crypto;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.storage.BackupManifest;

/**
 * A backup's manifest, read and, when the worker has trusted signer keys, proven authentic by its
 * detached signature ({@code <manifest key>.sig}).
 *
 * @param signersConfigured the worker has trusted signer keys: every restore must prove its backup
 *     authentic
 * @param signersDescription where the trusted signers come from, for the step (never key material)
 * @param manifest the manifest, parsed from the bytes whose signature was checked; null when there
 *     is none
 * @param signature the manifest's signature; null when there is no manifest or no signer keys
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ManifestCheck(
    boolean signersConfigured,
    String signersDescription,
    BackupManifest manifest,
    SignatureCheck signature) {}

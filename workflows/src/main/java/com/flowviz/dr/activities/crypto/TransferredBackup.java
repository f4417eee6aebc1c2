package com.flowviz.dr.activities.crypto;

import com.flowviz.dr.activities.storage.DownloadedBackup;

/**
 * A backup downloaded and decrypted in one pass: the ciphertext file (for its SHA-256 and
 * signature) and the plaintext archive.
 */
public record TransferredBackup(DownloadedBackup downloaded, DecryptedBackup decrypted) {}

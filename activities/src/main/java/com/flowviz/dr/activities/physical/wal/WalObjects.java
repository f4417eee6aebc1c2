package com.flowviz.dr.activities.physical.wal;

import com.flowviz.dr.activities.backup.SigningBackupStore;

/**
 * How a WAL file is kept: one object {@code wal/<system id>/<timeline>/<name>.gpg} (see {@code
 * PhysicalArchiveLayout}), OpenPGP-encrypted with zlib compression, written once with {@code
 * If-None-Match: *}, with two metadata entries:
 *
 * <ul>
 *   <li>{@code flowviz-sha256}: SHA-256 of the plaintext (hex);
 *   <li>{@code flowviz-signature}: base64 of the detached OpenPGP signature over the object's bytes
 *       (the ciphertext), as {@code gpg --detach-sign} makes it.
 * </ul>
 *
 * The signature rides in the metadata, not in a {@code .sig} object, so the single conditional PUT
 * writes the segment and its signature together or not at all. By hand:
 *
 * <pre>
 * aws s3api get-object --bucket B --key wal/SYSID/TL/NAME.gpg NAME.gpg \
 *   --query 'Metadata."flowviz-signature"' --output text | base64 -d > NAME.gpg.sig
 * gpg --verify NAME.gpg.sig NAME.gpg
 * gpg --decrypt NAME.gpg > NAME
 * sha256sum NAME     # equals Metadata."flowviz-sha256"
 * </pre>
 */
public final class WalObjects {

  public static final String SHA256_METADATA = "flowviz-sha256";
  public static final String SIGNATURE_METADATA = SigningBackupStore.SIGNATURE_METADATA;
  public static final String CONTENT_TYPE = "application/pgp-encrypted";

  private WalObjects() {}
}

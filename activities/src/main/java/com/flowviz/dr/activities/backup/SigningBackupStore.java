package com.flowviz.dr.activities.backup;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.activities.crypto.BackupSigningKey;
import com.flowviz.dr.activities.crypto.PrivateKeySource;
import com.flowviz.dr.activities.storage.BackupStore;
import com.flowviz.dr.activities.storage.ForwardingBackupStore;
import com.flowviz.dr.activities.storage.StreamingUpload;
import com.flowviz.dr.workflows.FailureTypes;
import java.io.IOException;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;

/**
 * The store a backup writes through: every object it puts (the archive, its manifest, its globals)
 * gets a detached signature {@code <key>.sig} beside it, as {@code gpg --detach-sign} writes one,
 * so whoever restores can tell a backup flowviz-dr made from one anyone with write access to the
 * bucket put there. The signature is computed over the bytes as they are uploaded and written once
 * the object is complete; an object whose signature could not be written is no backup.
 *
 * <p>Reads, listings and deletes go to the store unchanged. A delete removes exactly the keys
 * given, signatures only when listed: whoever expires objects lists their prefix, which holds the
 * {@code .sig} objects beside them.
 */
public final class SigningBackupStore extends ForwardingBackupStore {

  public static final String SIGNATURE_SUFFIX = ".sig";

  /**
   * A create-only write carries its signature in this metadata entry (base64 of the binary
   * signature packet) rather than in a {@code .sig} object: one conditional PUT then writes object
   * and signature together or not at all, and a retry never finds one without the other.
   */
  public static final String SIGNATURE_METADATA = "flowviz-signature";

  private final BackupSigningKey key;

  public SigningBackupStore(BackupStore store, BackupSigningKey key) {
    super(store);
    this.key = key;
  }

  @Override
  public void writeSmall(String bucket, String objectKey, byte[] content, String contentType)
      throws IOException {
    BackupSigningKey.Signing signing = start();
    signing.update(content, 0, content.length);
    byte[] signature = signing.finish();
    delegate().writeSmall(bucket, objectKey, content, contentType);
    delegate()
        .writeSmall(bucket, objectKey + SIGNATURE_SUFFIX, signature, "application/pgp-signature");
  }

  @Override
  public StreamingUpload upload(String bucket, String objectKey, String storageClass)
      throws IOException {
    BackupSigningKey.Signing signing =
        start(); // before the first byte: no unsigned backup is ever uploaded
    StreamingUpload upload = delegate().upload(bucket, objectKey, storageClass);
    return new StreamingUpload() {
      @Override
      public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public void write(byte[] b, int off, int len) throws IOException {
        upload.write(b, off, len);
        signing.update(b, off, len);
      }

      @Override
      public void flush() throws IOException {
        upload.flush();
      }

      @Override
      public String complete() throws IOException {
        String etag = upload.complete();
        delegate()
            .writeSmall(
                bucket,
                objectKey + SIGNATURE_SUFFIX,
                signing.finish(),
                "application/pgp-signature");
        return etag;
      }

      @Override
      public void abort() {
        upload.abort();
      }
    };
  }

  /** Signs the content and writes it create-only, the signature in {@link #SIGNATURE_METADATA}. */
  @Override
  public CreateOutcome createSmall(
      String bucket,
      String objectKey,
      byte[] content,
      String contentType,
      Map<String, String> metadata)
      throws IOException {
    BackupSigningKey.Signing signing = start();
    signing.update(content, 0, content.length);
    Map<String, String> signed = new HashMap<>(metadata);
    signed.put(SIGNATURE_METADATA, Base64.getEncoder().encodeToString(signing.finish()));
    return delegate().createSmall(bucket, objectKey, content, contentType, signed);
  }

  private BackupSigningKey.Signing start() {
    try {
      return key.start();
    } catch (PrivateKeySource.KeyUnavailableException e) {
      throw NonRetryable.failure(FailureTypes.KEY_UNAVAILABLE, e.getMessage());
    }
  }

  @Override
  public String describe() {
    return delegate().describe() + ", signed with " + key.describe();
  }
}

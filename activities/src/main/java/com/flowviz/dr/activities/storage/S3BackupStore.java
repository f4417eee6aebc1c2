package com.flowviz.dr.activities.storage;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.AbortMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompleteMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.DeleteObjectsResponse;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Request;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.RestoreObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.UploadPartRequest;

/** Backups in S3, read and written with the AWS SDK v2. */
public final class S3BackupStore implements BackupStore {

  /**
   * 16 MiB parts: an upload holds at most three in memory (one filling, two in flight), and S3's
   * 10,000-part limit allows 160 GiB objects.
   */
  public static final int DEFAULT_PART_SIZE = 16 * 1024 * 1024;

  /** Parts sent at once by one upload; with the one being filled, the parts it keeps in memory. */
  static final int PARTS_IN_FLIGHT = 2;

  /** Daemon threads: a stuck part never keeps a one-shot command's JVM alive. */
  private static final ThreadFactory PART_SENDERS =
      runnable -> {
        Thread thread = new Thread(runnable, "s3-part-sender");
        thread.setDaemon(true);
        return thread;
      };

  private final S3Client s3;
  private final int partSize;
  private final String description;

  public S3BackupStore(S3Client s3, int partSize) {
    if (partSize < 5 * 1024 * 1024) {
      throw new IllegalArgumentException("S3 parts must be at least 5 MiB");
    }
    this.s3 = s3;
    this.partSize = partSize;
    this.description = "S3 (" + s3.serviceClientConfiguration().region() + ")";
  }

  @Override
  public List<StoredObject> list(String bucket, String prefix) throws IOException {
    List<StoredObject> objects = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(
                  ListObjectsV2Request.builder().bucket(bucket).prefix(prefix).build())
              .contents()) {
        objects.add(
            new StoredObject(
                bucket,
                o.key(),
                o.size(),
                o.lastModified(),
                o.storageClassAsString() == null ? "STANDARD" : o.storageClassAsString(),
                stripQuotes(o.eTag()),
                null,
                null));
      }
    } catch (S3Exception e) {
      throw translate(e, bucket, prefix);
    }
    return objects;
  }

  @Override
  public Optional<StoredObject> head(String bucket, String key) throws IOException {
    try {
      HeadObjectResponse head = s3.headObject(b -> b.bucket(bucket).key(key));
      return Optional.of(
          new StoredObject(
              bucket,
              key,
              head.contentLength(),
              head.lastModified(),
              head.storageClassAsString() == null ? "STANDARD" : head.storageClassAsString(),
              stripQuotes(head.eTag()),
              head.restore(),
              head.archiveStatusAsString()));
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        // HEAD responses have no body, so a missing key and a missing bucket look alike; ask.
        if (bucketExists(bucket)) {
          return Optional.empty();
        }
        throw new BackupStoreException.BucketNotFound(bucket, e);
      }
      throw translate(e, bucket, key);
    }
  }

  @Override
  public InputStream read(String bucket, String key, long offset, String etag) throws IOException {
    GetObjectRequest.Builder request = GetObjectRequest.builder().bucket(bucket).key(key);
    if (offset > 0) {
      request.range("bytes=" + offset + "-");
    }
    if (etag != null) {
      request.ifMatch("\"" + etag + "\"");
    }
    try {
      return s3.getObject(request.build());
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        throw new BackupStoreException.ObjectChanged(bucket, key, e);
      }
      throw translate(e, bucket, key);
    }
  }

  @Override
  public Optional<byte[]> readSmall(String bucket, String key) throws IOException {
    try {
      ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      return Optional.of(bytes.asByteArray());
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      throw translate(e, bucket, key);
    }
  }

  @Override
  public void writeSmall(String bucket, String key, byte[] content, String contentType)
      throws IOException {
    try {
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(key)
              .contentType(contentType)
              .checksumCRC32C(ContentChecksum.crc32c(content))
              .build(),
          RequestBody.fromBytes(content));
    } catch (S3Exception e) {
      throw translate(e, bucket, key);
    }
  }

  @Override
  public StreamingUpload upload(String bucket, String key, String storageClass) throws IOException {
    return new MultipartUpload(bucket, key, storageClass);
  }

  @Override
  public RestoreRequestOutcome requestRestore(String bucket, String key, String tier, Integer days)
      throws IOException {
    try {
      RestoreObjectResponse response =
          s3.restoreObject(
              b ->
                  b.bucket(bucket)
                      .key(key)
                      .restoreRequest(
                          r -> {
                            // Intelligent-Tiering archive tiers take no Days: the object itself
                            // moves back.
                            if (days != null) {
                              r.days(days);
                            }
                            r.glacierJobParameters(g -> g.tier(tier));
                          }));
      return response.sdkHttpResponse().statusCode() == 202
          ? RestoreRequestOutcome.ACCEPTED
          : RestoreRequestOutcome.ALREADY_RESTORED;
    } catch (S3Exception e) {
      String code = errorCode(e);
      if ("RestoreAlreadyInProgress".equals(code) || e.statusCode() == 409) {
        return RestoreRequestOutcome.ALREADY_IN_PROGRESS;
      }
      if ("InvalidObjectState".equals(code)) {
        return RestoreRequestOutcome.NOT_ARCHIVED;
      }
      throw translate(e, bucket, key);
    }
  }

  @Override
  public List<LifecycleRule> lifecycleRules(String bucket) throws IOException {
    try {
      return s3.getBucketLifecycleConfiguration(b -> b.bucket(bucket)).rules().stream()
          .map(S3BackupStore::toRule)
          .toList();
    } catch (S3Exception e) {
      if ("NoSuchLifecycleConfiguration".equals(errorCode(e))) {
        return List.of();
      }
      throw translate(e, bucket, null);
    }
  }

  private static LifecycleRule toRule(software.amazon.awssdk.services.s3.model.LifecycleRule rule) {
    String prefix = "";
    if (rule.filter() != null) {
      if (rule.filter().prefix() != null) {
        prefix = rule.filter().prefix();
      } else if (rule.filter().and() != null && rule.filter().and().prefix() != null) {
        prefix = rule.filter().and().prefix();
      }
    } else if (rule.prefix() != null) {
      prefix = rule.prefix();
    }
    List<LifecycleRule.Transition> transitions =
        rule.transitions().stream()
            .filter(t -> t.days() != null)
            .map(t -> new LifecycleRule.Transition(t.days(), t.storageClassAsString()))
            .toList();
    Integer expiration = rule.expiration() == null ? null : rule.expiration().days();
    Integer abortIncomplete =
        rule.abortIncompleteMultipartUpload() == null
            ? null
            : rule.abortIncompleteMultipartUpload().daysAfterInitiation();
    return new LifecycleRule(
        rule.id(),
        prefix,
        "Enabled".equals(rule.statusAsString()),
        transitions,
        expiration,
        abortIncomplete);
  }

  @Override
  public List<DeleteFailure> delete(String bucket, List<String> keys) throws IOException {
    List<DeleteFailure> failures = new ArrayList<>();
    for (int from = 0; from < keys.size(); from += DELETE_BATCH) {
      List<ObjectIdentifier> batch =
          keys.subList(from, Math.min(keys.size(), from + DELETE_BATCH)).stream()
              .map(k -> ObjectIdentifier.builder().key(k).build())
              .toList();
      try {
        // Quiet: S3 answers only with the keys it could not delete.
        DeleteObjectsResponse response =
            s3.deleteObjects(b -> b.bucket(bucket).delete(d -> d.objects(batch).quiet(true)));
        response
            .errors()
            .forEach(e -> failures.add(new DeleteFailure(e.key(), e.code(), e.message())));
      } catch (S3Exception e) {
        throw translate(e, bucket, batch.get(0).key());
      }
    }
    return failures;
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public CreateOutcome createSmall(
      String bucket, String key, byte[] content, String contentType, Map<String, String> metadata)
      throws IOException {
    try {
      // PutObject returns only once S3 has stored the object durably.
      s3.putObject(
          PutObjectRequest.builder()
              .bucket(bucket)
              .key(key)
              .contentType(contentType)
              .metadata(metadata)
              .ifNoneMatch("*")
              .checksumCRC32C(ContentChecksum.crc32c(content))
              .build(),
          RequestBody.fromBytes(content));
      return CreateOutcome.CREATED;
    } catch (S3Exception e) {
      if (e.statusCode() == 412) {
        return CreateOutcome.ALREADY_EXISTS;
      }
      // 409 ConditionalRequestConflict: another write of the key is under way; a retry decides.
      throw translate(e, bucket, key);
    }
  }

  @Override
  public Optional<Map<String, String>> metadata(String bucket, String key) throws IOException {
    try {
      return Optional.of(s3.headObject(b -> b.bucket(bucket).key(key)).metadata());
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        if (bucketExists(bucket)) {
          return Optional.empty();
        }
        throw new BackupStoreException.BucketNotFound(bucket, e);
      }
      throw translate(e, bucket, key);
    }
  }

  @Override
  public Optional<SmallObject> readSmallWithMetadata(String bucket, String key) throws IOException {
    try {
      ResponseBytes<GetObjectResponse> bytes = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key));
      return Optional.of(new SmallObject(bytes.asByteArray(), bytes.response().metadata()));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      throw translate(e, bucket, key);
    }
  }

  private boolean bucketExists(String bucket) {
    try {
      s3.headBucket(b -> b.bucket(bucket));
      return true;
    } catch (S3Exception e) {
      return e.statusCode() != 404;
    }
  }

  static IOException translate(S3Exception e, String bucket, String key) {
    String code = errorCode(e);
    if (e instanceof NoSuchBucketException || "NoSuchBucket".equals(code)) {
      return new BackupStoreException.BucketNotFound(bucket, e);
    }
    if ("InvalidObjectState".equals(code)) {
      return new BackupStoreException.ObjectArchived(bucket, key, e);
    }
    if (e.statusCode() == 403 || "AccessDenied".equals(code)) {
      return new BackupStoreException.AccessDenied(bucket, key, e);
    }
    return new IOException(
        "S3 request for s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
  }

  private static String errorCode(S3Exception e) {
    return e.awsErrorDetails() == null ? null : e.awsErrorDetails().errorCode();
  }

  private static String stripQuotes(String etag) {
    return etag == null ? null : etag.replace("\"", "");
  }

  /**
   * Buffers the object part by part and sends each full part in the background, at most {@link
   * #PARTS_IN_FLIGHT} at a time, so that what produces the bytes (compression, encryption) goes on
   * while a part crosses the network: sent one after the other, the producer stood idle for every
   * part's round trip. Memory is bounded: the part being filled and the ones in flight, whatever
   * the object's size. An object smaller than one part is sent with a single PUT instead.
   */
  private final class MultipartUpload extends StreamingUpload {
    private final String bucket;
    private final String key;
    private final String storageClass;
    private final Deque<Sent> inFlight = new ArrayDeque<>();
    private final Deque<byte[]> spare = new ArrayDeque<>();
    private final List<CompletedPart> parts = new ArrayList<>();
    private byte[] buffer = new byte[partSize];
    private ExecutorService senders;
    private int filled;
    private int partsStarted;
    private String uploadId;
    private boolean finished;

    /** A part on its way, with the buffer it is sent from (reused once the part is stored). */
    private record Sent(Future<CompletedPart> part, byte[] buffer) {}

    MultipartUpload(String bucket, String key, String storageClass) {
      this.bucket = bucket;
      this.key = key;
      this.storageClass = storageClass == null ? "STANDARD" : storageClass;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] data, int offset, int length) throws IOException {
      while (length > 0) {
        int n = Math.min(length, buffer.length - filled);
        System.arraycopy(data, offset, buffer, filled, n);
        filled += n;
        offset += n;
        length -= n;
        if (filled == buffer.length) {
          sendPart();
        }
      }
    }

    private void sendPart() throws IOException {
      try {
        if (uploadId == null) {
          uploadId =
              s3.createMultipartUpload(
                      CreateMultipartUploadRequest.builder()
                          .bucket(bucket)
                          .key(key)
                          .storageClass(StorageClass.fromValue(storageClass))
                          .contentType("application/pgp-encrypted")
                          .checksumAlgorithm(ChecksumAlgorithm.CRC32_C)
                          .build())
                  .uploadId();
          senders = Executors.newFixedThreadPool(PARTS_IN_FLIGHT, PART_SENDERS);
        }
      } catch (S3Exception e) {
        throw translate(e, bucket, key);
      }
      while (inFlight.size() >= PARTS_IN_FLIGHT) {
        collect(inFlight.removeFirst());
      }
      int partNumber = ++partsStarted;
      byte[] sending = buffer;
      int length = filled;
      String id = uploadId;
      Future<CompletedPart> part =
          senders.submit(
              () -> {
                String checksum = ContentChecksum.crc32c(sending, 0, length);
                String etag =
                    s3.uploadPart(
                            UploadPartRequest.builder()
                                .bucket(bucket)
                                .key(key)
                                .uploadId(id)
                                .partNumber(partNumber)
                                .checksumCRC32C(checksum)
                                .build(),
                            body(sending, length))
                        .eTag();
                // With the upload's checksum algorithm named, completing it needs every part's.
                return CompletedPart.builder()
                    .partNumber(partNumber)
                    .eTag(etag)
                    .checksumCRC32C(checksum)
                    .build();
              });
      inFlight.addLast(new Sent(part, sending));
      buffer = spare.isEmpty() ? new byte[partSize] : spare.removeFirst();
      filled = 0;
    }

    /** Waits for a part to be stored; its failure is the upload's. */
    private void collect(Sent sent) throws IOException {
      try {
        parts.add(sent.part().get());
        spare.addLast(sent.buffer());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while a part of " + key + " was sent");
      } catch (ExecutionException e) {
        if (e.getCause() instanceof S3Exception s3e) {
          throw translate(s3e, bucket, key);
        }
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw new IOException("a part of " + key + " could not be sent", e.getCause());
      }
    }

    /** The part straight from its buffer, no copy; the SDK may read it again to retry. */
    private static RequestBody body(byte[] part, int length) {
      return RequestBody.fromContentProvider(
          () -> new ByteArrayInputStream(part, 0, length), length, "application/pgp-encrypted");
    }

    @Override
    public String complete() throws IOException {
      try {
        String etag;
        if (uploadId == null) {
          etag =
              s3.putObject(
                      PutObjectRequest.builder()
                          .bucket(bucket)
                          .key(key)
                          .storageClass(StorageClass.fromValue(storageClass))
                          .contentType("application/pgp-encrypted")
                          .checksumCRC32C(ContentChecksum.crc32c(buffer, 0, filled))
                          .build(),
                      body(buffer, filled))
                  .eTag();
        } else {
          if (filled > 0) {
            sendPart();
          }
          while (!inFlight.isEmpty()) {
            collect(inFlight.removeFirst());
          }
          stopSenders();
          etag =
              s3.completeMultipartUpload(
                      CompleteMultipartUploadRequest.builder()
                          .bucket(bucket)
                          .key(key)
                          .uploadId(uploadId)
                          .multipartUpload(m -> m.parts(parts))
                          .build())
                  .eTag();
        }
        finished = true;
        return stripQuotes(etag);
      } catch (S3Exception e) {
        throw translate(e, bucket, key);
      }
    }

    @Override
    public void abort() {
      if (finished || uploadId == null) {
        finished = true;
        return;
      }
      finished = true;
      // Parts still being sent would be stored after the abort, and stay as an incomplete upload:
      // let them end first (each is bounded by the client's timeouts).
      for (Sent sent : inFlight) {
        try {
          sent.part().get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        } catch (ExecutionException ignored) {
          // the upload is being discarded anyway
        }
      }
      inFlight.clear();
      stopSenders();
      try {
        s3.abortMultipartUpload(
            AbortMultipartUploadRequest.builder()
                .bucket(bucket)
                .key(key)
                .uploadId(uploadId)
                .build());
      } catch (RuntimeException ignored) {
        // a lifecycle rule for incomplete multipart uploads collects what this could not
      }
    }

    private void stopSenders() {
      if (senders != null) {
        senders.shutdownNow();
      }
    }
  }
}

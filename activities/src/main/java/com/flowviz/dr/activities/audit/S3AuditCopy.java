package com.flowviz.dr.activities.audit;

import com.fasterxml.jackson.databind.SerializationFeature;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.storage.ContentChecksum;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Audit entries as objects in the compliance bucket, one per entry under {@code <prefix><workflow
 * id>/<run id>/<sequence>.json}, written with a conditional put ({@code If-None-Match: *}): an
 * entry is never overwritten, and a retried write of the same entry finds it there (412) and checks
 * it is the same bytes.
 */
public final class S3AuditCopy implements AuditCopy {

  private final S3Client s3;
  private final String bucket;
  private final String prefix;

  public S3AuditCopy(S3Client s3, String bucket, String prefix) {
    this.s3 = s3;
    this.bucket = bucket;
    this.prefix = prefix == null ? "" : prefix;
  }

  @Override
  public boolean configured() {
    return true;
  }

  @Override
  public String describe() {
    return "s3://" + bucket + "/" + prefix;
  }

  String key(AuditEntry entry) {
    return prefix
        + entry.workflowId()
        + "/"
        + entry.runId()
        + "/"
        + String.format("%010d", entry.sequence())
        + ".json";
  }

  @Override
  public void keep(AuditEntry entry) throws IOException {
    byte[] body = bytes(entry);
    String key = key(entry);
    try {
      s3.putObject(
          b ->
              b.bucket(bucket)
                  .key(key)
                  .ifNoneMatch("*")
                  .contentType("application/json")
                  .checksumCRC32C(ContentChecksum.crc32c(body)),
          RequestBody.fromBytes(body));
    } catch (S3Exception e) {
      if (e.statusCode() == 412 || e.statusCode() == 409) {
        byte[] existing = s3.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
        if (Arrays.equals(existing, body)) {
          return; // written by an earlier attempt
        }
        throw new AuditCopyConflict(
            "s3://"
                + bucket
                + "/"
                + key
                + " already holds a different entry: the copy is append-only, so this"
                + " entry is not written; compare the two and find out what else writes under "
                + describe());
      }
      throw new IOException(
          "Cannot write the audit copy s3://" + bucket + "/" + key + ": " + e.getMessage(), e);
    } catch (SdkClientException e) {
      throw new IOException(
          "Cannot reach the audit copy in s3://" + bucket + ": " + e.getMessage(), e);
    }
  }

  @Override
  public List<AuditEntry> entriesOfRun(String workflowId, String runId) throws IOException {
    return read(prefix + workflowId + "/" + runId + "/", e -> true);
  }

  @Override
  public List<AuditEntry> entriesOfIncident(String incidentWorkflowId) throws IOException {
    return read(
        prefix + incidentWorkflowId,
        e ->
            e.workflowId().equals(incidentWorkflowId)
                || e.workflowId().startsWith(incidentWorkflowId + "-"));
  }

  private List<AuditEntry> read(String keyPrefix, Predicate<AuditEntry> keepIf) throws IOException {
    List<AuditEntry> entries = new ArrayList<>();
    try {
      for (S3Object o :
          s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(keyPrefix)).contents()) {
        AuditEntry entry =
            Json.read(
                s3.getObjectAsBytes(b -> b.bucket(bucket).key(o.key())).asByteArray(),
                AuditEntry.class);
        if (keepIf.test(entry)) {
          entries.add(entry);
        }
      }
    } catch (S3Exception | SdkClientException e) {
      throw new IOException(
          "Cannot read the audit copy in s3://" + bucket + "/" + keyPrefix + ": " + e.getMessage(),
          e);
    }
    entries.sort(
        Comparator.comparing(AuditEntry::at)
            .thenComparing(AuditEntry::workflowId)
            .thenComparingInt(AuditEntry::sequence));
    return entries;
  }

  private static byte[] bytes(AuditEntry entry) throws IOException {
    // Compact and stable: a retry writes the same bytes, so a 412 can be told from a conflict.
    return Json.MAPPER
        .writer()
        .without(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(entry);
  }

  /** Another entry is stored under this entry's key: retrying cannot fix that. */
  public static final class AuditCopyConflict extends IOException {
    AuditCopyConflict(String message) {
      super(message);
    }
  }
}

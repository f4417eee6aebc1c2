package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.testing.S3FaultProxy;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.workhost.WorkDirectory;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.StorageClass;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * Glacier and Deep Archive against moto_server through the real SDK. A proxy in front of moto keeps
 * a retrieval "in progress" as long as a test wants, since moto completes it at once.
 */
class ArchiveActivitiesTest {

  private static S3FaultProxy proxy;
  private static S3Client s3;
  @TempDir Path work;
  private String bucket;
  private TestActivityEnvironment env;
  private ArchiveActivities archive;
  private BackupStorageActivities storage;

  @BeforeAll
  static void startProxy() {
    proxy = S3FaultProxy.in(TestMoto.endpoint());
    s3 = AwsClients.s3(TestMoto.REGION, proxy.endpoint());
  }

  @AfterAll
  static void stopProxy() {
    proxy.close();
  }

  @BeforeEach
  void setUp() {
    bucket = TestMoto.newBucket(s3, "archive");
    S3BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new ArchiveActivitiesImpl(store),
        new BackupStorageActivitiesImpl(store, new WorkDirectory(work)));
    archive = TestActivities.stub(env, ArchiveActivities.class);
    storage = TestActivities.stub(env, BackupStorageActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void tellsWhichStorageClassesMustBeRetrievedFirst() {
    assertEquals(
        List.of("READABLE", "READABLE", "ARCHIVED", "ARCHIVED"),
        List.of(
            archive
                .inspectArchive(put("weekly/a_weekly_20250105.dump.gpg", StorageClass.STANDARD))
                .state(),
            archive
                .inspectArchive(put("weekly/b_weekly_20250105.dump.gpg", StorageClass.GLACIER_IR))
                .state(),
            archive
                .inspectArchive(put("weekly/c_weekly_20250105.dump.gpg", StorageClass.GLACIER))
                .state(),
            archive
                .inspectArchive(put("weekly/d_weekly_20250105.dump.gpg", StorageClass.DEEP_ARCHIVE))
                .state()));
    assertEquals(
        "DEEP_ARCHIVE",
        archive
            .inspectArchive(object("weekly/d_weekly_20250105.dump.gpg", "DEEP_ARCHIVE"))
            .archiveClass());
  }

  @Test
  void aGetBeforeTheRetrievalFailsWithInvalidObjectStateAndSaysWhatToDo() {
    BackupObject backup = put("weekly/flowviz_weekly_20250112.dump.gpg", StorageClass.DEEP_ARCHIVE);
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> storage.downloadBackup(backup));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_ARCHIVED, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(cause.getOriginalMessage().contains("runbook 4.2"), cause.getOriginalMessage());
  }

  @Test
  void requestsTheRetrievalTheRunbookWayAndSeesTheRestoredHeaderAfter() {
    String key = "weekly/flowviz_weekly_20250112.dump.gpg";
    BackupObject backup = put(key, StorageClass.DEEP_ARCHIVE);
    proxy.holdRetrieval(bucket, key);

    RetrievalOutcome outcome =
        archive.requestRetrieval(new RetrievalRequest(bucket, key, "Standard", 7));

    assertEquals(RetrievalOutcome.REQUESTED, outcome.outcome());
    assertEquals(ArchiveStatus.RETRIEVAL_IN_PROGRESS, outcome.status().state());
    S3FaultProxy.Recorded request =
        proxy.requests().stream()
            .filter(S3FaultProxy.Recorded::isRestoreObject)
            .findFirst()
            .orElseThrow();
    assertTrue(request.body().contains("<Days>7</Days>"), request.body());
    assertTrue(
        request
            .body()
            .contains("<GlacierJobParameters><Tier>Standard</Tier></GlacierJobParameters>"),
        request.body());
    ActivityFailure notYet =
        assertThrows(ActivityFailure.class, () -> archive.checkRetrieval(backup));
    ApplicationFailure cause = (ApplicationFailure) notYet.getCause();
    assertEquals("RetrievalNotReady", cause.getType());
    assertFalse(cause.isNonRetryable(), "retried by the server until the copy is readable");

    proxy.completeRetrieval(bucket, key);

    ArchiveStatus ready = archive.checkRetrieval(backup);
    assertEquals(ArchiveStatus.RETRIEVED, ready.state());
    assertNotNull(ready.retrievedUntil(), "moto's x-amz-restore header carries the expiry date");
    assertTrue(ready.retrievedUntil().isAfter(Instant.now().plusSeconds(6 * 86400)));
  }

  @Test
  void joinsARetrievalAnotherOperatorStartedInsteadOfFailing() {
    String key = "weekly/flowviz_weekly_20250119.dump.gpg";
    put(key, StorageClass.GLACIER);
    proxy.holdRetrieval(bucket, key);
    s3.restoreObject(
        b ->
            b.bucket(bucket)
                .key(key)
                .restoreRequest(r -> r.days(2).glacierJobParameters(g -> g.tier("Bulk"))));

    RetrievalOutcome outcome =
        archive.requestRetrieval(new RetrievalRequest(bucket, key, "Standard", 7));

    assertEquals(RetrievalOutcome.JOINED, outcome.outcome());
    assertEquals(1, proxy.restoreObjectRequests(bucket, key), "no second request was sent");
  }

  @Test
  void aConflictingRequestIsTakenAsARetrievalInProgress() throws Exception {
    String key = "weekly/flowviz_weekly_20250126.dump.gpg";
    put(key, StorageClass.GLACIER);
    proxy.holdRetrieval(bucket, key);
    S3BackupStore store = new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE);
    assertEquals(
        BackupStore.RestoreRequestOutcome.ACCEPTED,
        store.requestRestore(bucket, key, "Standard", 7));
    assertEquals(
        BackupStore.RestoreRequestOutcome.ALREADY_IN_PROGRESS,
        store.requestRestore(bucket, key, "Standard", 7));
  }

  @Test
  void refusesExpeditedForDeepArchiveWithoutSendingARequest() {
    String key = "weekly/flowviz_weekly_20250202.dump.gpg";
    put(key, StorageClass.DEEP_ARCHIVE);
    ActivityFailure failure =
        assertThrows(
            ActivityFailure.class,
            () -> archive.requestRetrieval(new RetrievalRequest(bucket, key, "Expedited", 7)));
    assertEquals(FailureTypes.INVALID_INPUT, ((ApplicationFailure) failure.getCause()).getType());
    assertEquals(0, proxy.restoreObjectRequests(bucket, key));
  }

  @Test
  void aBucketWithoutAccessFailsWithoutRetryNamingWhatToCheck() {
    BackupObject backup = put("weekly/flowviz_weekly_20250209.dump.gpg", StorageClass.DEEP_ARCHIVE);
    proxy.denyBucket(bucket);
    ActivityFailure failure =
        assertThrows(ActivityFailure.class, () -> archive.inspectArchive(backup));
    ApplicationFailure cause = (ApplicationFailure) failure.getCause();
    assertEquals(FailureTypes.BACKUP_ACCESS_DENIED, cause.getType());
    assertTrue(cause.isNonRetryable());
    assertTrue(
        cause.getOriginalMessage().contains("aws sts get-caller-identity"),
        cause.getOriginalMessage());
  }

  @Test
  void reportsRuleByRuleWhetherTheBucketKeepsWhatSectionSevenRequires() {
    put("weekly/flowviz_weekly_20250112.dump.gpg", StorageClass.DEEP_ARCHIVE);
    put("daily/flowviz_daily_20250112_020000.dump.gpg", StorageClass.STANDARD);
    s3.putBucketLifecycleConfiguration(
        b ->
            b.bucket(bucket)
                .lifecycleConfiguration(
                    c ->
                        c.rules(
                            r ->
                                r.id("weekly-one-year")
                                    .filter(f -> f.prefix("weekly/"))
                                    .status(ExpirationStatus.ENABLED)
                                    .expiration(e -> e.days(365)),
                            r ->
                                r.id("daily-glacier")
                                    .filter(f -> f.prefix("daily/"))
                                    .status(ExpirationStatus.ENABLED)
                                    .transitions(
                                        t ->
                                            t.days(30).storageClass(TransitionStorageClass.GLACIER))
                                    .expiration(e -> e.days(1100)))));

    RetentionReport report = archive.checkRetention(bucket);

    assertFalse(report.compliant());
    assertEquals(2, report.rules().size());
    RetentionFinding weekly =
        report.findings().stream()
            .filter(f -> f.prefix().equals("weekly/") && f.severity().equals("VIOLATION"))
            .findFirst()
            .orElseThrow();
    assertEquals("weekly-one-year", weekly.ruleId());
    assertTrue(weekly.finding().contains("deleted after 365 days"), weekly.finding());
    assertTrue(weekly.requirement().contains("7 years"), weekly.requirement());
    assertTrue(
        report.findings().stream()
            .anyMatch(
                f ->
                    f.prefix().equals("daily/")
                        && f.severity().equals("OK")
                        && f.ruleId() != null
                        && f.finding().contains("kept 1100 days")));
    assertTrue(
        report.findings().stream()
            .anyMatch(
                f ->
                    f.prefix().equals("weekly/")
                        && f.finding()
                            .contains("1 of 1 stored weekly/ backups are in DEEP_ARCHIVE")));
  }

  @Test
  void aBucketWithoutLifecycleRulesKeepsEverythingAndSaysSo() {
    RetentionReport report = archive.checkRetention(bucket);
    assertTrue(report.compliant());
    assertTrue(report.rules().isEmpty());
    assertTrue(
        report.findings().stream()
            .anyMatch(f -> f.severity().equals("WARNING") && f.prefix().equals("daily/")),
        report.findings().toString());
    assertNull(report.findings().get(0).ruleId());
  }

  private BackupObject put(String key, StorageClass storageClass) {
    s3.putObject(
        b -> b.bucket(bucket).key(key).storageClass(storageClass),
        RequestBody.fromString("encrypted backup"));
    return object(key, storageClass.toString());
  }

  private BackupObject object(String key, String storageClass) {
    return new BackupObject(bucket, key, Instant.now(), Instant.now(), 16, storageClass, null);
  }
}

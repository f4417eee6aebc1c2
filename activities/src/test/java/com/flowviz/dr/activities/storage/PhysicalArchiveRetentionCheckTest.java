package com.flowviz.dr.activities.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.physical.BaseBackupManifest;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.activities.testing.RequiredTools;
import com.flowviz.dr.activities.testing.TestActivities;
import com.flowviz.dr.activities.testing.TestMoto;
import io.temporal.testing.TestActivityEnvironment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.TransitionStorageClass;

/**
 * The retention check's findings for the physical archive, from lifecycle rules put into
 * moto_server and read back through the real SDK: an age-based expiry of {@code wal/} or {@code
 * base/} against the base backup retention (7 days) and the oldest base backup the bucket holds,
 * and the rule that aborts killed base backups' multipart uploads.
 */
class PhysicalArchiveRetentionCheckTest {

  private static final String SYSTEM = "7311820193456789012";
  private final S3Client s3 = TestMoto.s3();
  private String bucket;
  private TestActivityEnvironment env;
  private ArchiveActivities archive;

  @BeforeEach
  void setUp() {
    bucket = TestMoto.newBucket(s3, "retention");
    env = TestActivityEnvironment.newInstance();
    env.registerActivitiesImplementations(
        new ArchiveActivitiesImpl(new S3BackupStore(s3, S3BackupStore.DEFAULT_PART_SIZE)));
    archive = TestActivities.stub(env, ArchiveActivities.class);
  }

  @AfterEach
  void tearDown() {
    env.close();
  }

  @Test
  void aWalExpiryWithinTheBaseBackupRetentionIsAViolation() {
    rules(rule("wal-5-days", "wal/").expiration(e -> e.days(5)).build());

    RetentionReport report = archive.checkRetention(bucket);

    assertFalse(report.compliant());
    RetentionFinding wal = only(report, "wal/", "wal-5-days");
    assertEquals(RetentionFinding.VIOLATION, wal.severity());
    assertTrue(wal.finding().contains("after 5 days, which does NOT exceed"), wal.finding());
    assertTrue(wal.finding().contains("7 days"), wal.finding());
    assertTrue(wal.requirement().startsWith("Point-in-time restore"), wal.requirement());
    RetentionFinding multipart = multipart(report);
    assertEquals(RetentionFinding.WARNING, multipart.severity());
    assertTrue(multipart.finding().contains("AbortIncompleteMultipartUpload"), multipart.finding());
  }

  @Test
  void aWalExpiryBeyondTheRetentionWarnsByHowMuchUntilTheOldestBackupOutgrowsIt() {
    manifest("20261130T020000Z", Instant.now().minus(Duration.ofDays(3)));
    rules(
        rule("wal-30-days", "wal/").expiration(e -> e.days(30)).build(),
        rule("abort-uploads", "")
            .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(2))
            .build());

    RetentionReport report = archive.checkRetention(bucket);

    assertTrue(report.compliant(), report.findings().toString());
    RetentionFinding wal = only(report, "wal/", "wal-30-days");
    assertEquals(RetentionFinding.WARNING, wal.severity());
    assertTrue(wal.finding().contains("exceeds the base backup retention (7 days"), wal.finding());
    assertTrue(wal.finding().contains("by 23 days"), wal.finding());
    assertTrue(
        wal.finding().contains(PhysicalArchiveLayout.backupPrefix(SYSTEM, "20261130T020000Z")),
        wal.finding());
    RetentionFinding multipart = multipart(report);
    assertEquals(RetentionFinding.OK, multipart.severity());
    assertEquals("abort-uploads", multipart.ruleId());
    assertTrue(multipart.finding().contains("2 days after they started"), multipart.finding());

    // Base backups stopped succeeding: the one ExpireArchive keeps is now older than the rule.
    manifest("20261020T020000Z", Instant.now().minus(Duration.ofDays(40)));
    RetentionReport stale = archive.checkRetention(bucket);
    assertFalse(stale.compliant());
    RetentionFinding broken = only(stale, "wal/", "wal-30-days");
    assertEquals(RetentionFinding.VIOLATION, broken.severity());
    assertTrue(broken.finding().contains("is 40 days old"), broken.finding());
  }

  @Test
  void aBaseBackupExpiryAndAnArchiveTransitionAreReportedToo() {
    rules(
        rule("base-3-days", "base/").expiration(e -> e.days(3)).build(),
        rule("wal-glacier", "wal/")
            .transitions(t -> t.days(1).storageClass(TransitionStorageClass.GLACIER))
            .build(),
        rule("abort-base", "base/")
            .abortIncompleteMultipartUpload(a -> a.daysAfterInitiation(1))
            .build());

    RetentionReport report = archive.checkRetention(bucket);

    assertFalse(report.compliant());
    RetentionFinding base = only(report, "base/", "base-3-days");
    assertEquals(RetentionFinding.VIOLATION, base.severity());
    assertTrue(base.finding().contains("base backup objects a kept base backup needs"));
    RetentionFinding glacier = only(report, "wal/", "wal-glacier");
    assertEquals(RetentionFinding.WARNING, glacier.severity());
    assertTrue(glacier.finding().contains("GLACIER after 1 days"), glacier.finding());
    assertEquals(RetentionFinding.OK, multipart(report).severity());
    assertEquals(
        RetentionFinding.OK,
        report.findings().stream()
            .filter(f -> f.prefix().equals("wal/") && f.ruleId() == null)
            .findFirst()
            .orElseThrow()
            .severity(),
        "no rule expires wal/ by age");
  }

  /** The weekly dumps' 7 years stay as they are, next to the new findings. */
  @Test
  void theWeeklySevenYearRuleIsJudgedAsBefore() {
    rules(rule("weekly-one-year", "weekly/").expiration(e -> e.days(365)).build());

    RetentionReport report = archive.checkRetention(bucket);

    RetentionFinding weekly = only(report, "weekly/", "weekly-one-year");
    assertEquals(RetentionFinding.VIOLATION, weekly.severity());
    assertTrue(weekly.finding().contains("deleted after 365 days"), weekly.finding());
    assertTrue(
        report.findings().stream()
            .noneMatch(f -> f.prefix().startsWith("wal/") && f.severity().equals("VIOLATION")),
        "a weekly/ rule touches nothing of the physical archive");
  }

  /**
   * deploy/production/bucket-lifecycle.json, put with the aws CLI as an operator would: section 7
   * met, killed uploads collected, and nothing of the physical archive expired by age.
   */
  @Test
  void theShippedBucketLifecycleMeetsEveryRequirement() throws Exception {
    Path config = Path.of("..", "deploy", "production", "bucket-lifecycle.json").toAbsolutePath();
    assertTrue(Files.isRegularFile(config), config.toString());
    ProcessBuilder put =
        new ProcessBuilder(
                RequiredTools.find("aws"),
                "s3api",
                "put-bucket-lifecycle-configuration",
                "--bucket",
                bucket,
                "--lifecycle-configuration",
                "file://" + config)
            .redirectErrorStream(true);
    Map<String, String> environment = put.environment();
    environment.put("AWS_ENDPOINT_URL", TestMoto.endpoint());
    environment.put("AWS_REGION", TestMoto.REGION);
    environment.put("AWS_ACCESS_KEY_ID", "testing-access-key");
    environment.put("AWS_SECRET_ACCESS_KEY", "testing-secret-key");
    Process process = put.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(2, TimeUnit.MINUTES), "aws s3api did not finish");
    assertEquals(0, process.exitValue(), output);

    RetentionReport report = archive.checkRetention(bucket);

    assertTrue(report.compliant(), report.findings().toString());
    assertEquals(3, report.rules().size());
    assertEquals(
        List.of(),
        report.findings().stream().filter(f -> !f.severity().equals("OK")).toList(),
        "the shipped rules leave nothing to warn of");
    assertEquals("abort-incomplete-multipart-uploads", multipart(report).ruleId());
  }

  // ---

  private static LifecycleRule.Builder rule(String id, String prefix) {
    return LifecycleRule.builder()
        .id(id)
        .filter(f -> f.prefix(prefix))
        .status(ExpirationStatus.ENABLED);
  }

  private void rules(LifecycleRule... rules) {
    s3.putBucketLifecycleConfiguration(
        b -> b.bucket(bucket).lifecycleConfiguration(c -> c.rules(rules)));
  }

  /** A complete base backup's flowviz manifest, as far as the check reads it. */
  private void manifest(String backupId, Instant stopTime) {
    BaseBackupManifest manifest =
        BaseBackupManifest.builder()
            .formatVersion(1)
            .backupId(backupId)
            .systemIdentifier(SYSTEM)
            .timeline(1)
            .startTime(stopTime.minusSeconds(60))
            .stopTime(stopTime)
            .startWalFile("000000010000000000000002")
            .stopWalFile("000000010000000000000002")
            .build();
    s3.putObject(
        b ->
            b.bucket(bucket)
                .key(
                    PhysicalArchiveLayout.backupPrefix(SYSTEM, backupId)
                        + PhysicalArchiveLayout.FLOWVIZ_MANIFEST_FILE),
        RequestBody.fromBytes(Json.write(manifest)));
  }

  private static RetentionFinding only(RetentionReport report, String prefix, String ruleId) {
    List<RetentionFinding> found =
        report.findings().stream()
            .filter(f -> f.prefix().equals(prefix) && ruleId.equals(f.ruleId()))
            .toList();
    assertEquals(1, found.size(), report.findings().toString());
    return found.get(0);
  }

  private static RetentionFinding multipart(RetentionReport report) {
    List<RetentionFinding> found =
        report.findings().stream()
            .filter(f -> f.requirement().equals(PhysicalArchiveFindings.MULTIPART_REQUIREMENT))
            .toList();
    assertEquals(1, found.size(), report.findings().toString());
    return found.get(0);
  }
}

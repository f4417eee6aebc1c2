package com.flowviz.dr.activities.testing;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * One {@code moto_server} per test JVM on a loopback port: S3, Secrets Manager, Route53 and SNS
 * over real HTTP, reached by the real AWS SDK v2 clients. Each test makes its own buckets.
 */
public final class TestMoto {

  public static final String REGION = "us-east-1";
  private static Process process;
  private static String endpoint;

  private TestMoto() {}

  public static synchronized String endpoint() {
    if (process == null) {
      String motoServer = RequiredTools.find("moto_server");
      int port = LocalPostgresCluster.freePort();
      try {
        Path log = Files.createTempFile("moto-", ".log");
        process =
            new ProcessBuilder(List.of(motoServer, "-H", "127.0.0.1", "-p", Integer.toString(port)))
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot start moto_server: " + e.getMessage(), e);
      }
      Process started = process;
      Runtime.getRuntime().addShutdownHook(new Thread(() -> started.destroy()));
      endpoint = "http://127.0.0.1:" + port;
      awaitReady(endpoint, Duration.ofSeconds(60));
      // The SDK's default credential chain reads these; moto accepts any credentials.
      System.setProperty("aws.accessKeyId", "testing-access-key");
      System.setProperty("aws.secretAccessKey", "testing-secret-key");
      System.setProperty("aws.region", REGION);
    }
    return endpoint;
  }

  public static S3Client s3() {
    return AwsClients.s3(REGION, endpoint());
  }

  public static SecretsManagerClient secretsManager() {
    return AwsClients.secretsManager(REGION, endpoint());
  }

  public static Route53Client route53() {
    return AwsClients.route53(endpoint());
  }

  /** A bucket in a given region (LocationConstraint), as the DR bucket of runbook 4.4 is. */
  public static String newBucket(S3Client s3, String prefix, String region) {
    String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    if (region.equals("us-east-1")) {
      s3.createBucket(b -> b.bucket(bucket));
    } else {
      s3.createBucket(
          b -> b.bucket(bucket).createBucketConfiguration(c -> c.locationConstraint(region)));
    }
    return bucket;
  }

  /** A hosted zone flowviz.test with api.flowviz.test pointing at the primary region. */
  public static String newHostedZone(Route53Client route53) {
    String zone =
        route53
            .createHostedZone(
                b -> b.name("flowviz.test").callerReference(UUID.randomUUID().toString()))
            .hostedZone()
            .id()
            .replace("/hostedzone/", "");
    route53.changeResourceRecordSets(
        b ->
            b.hostedZoneId(zone)
                .changeBatch(
                    c ->
                        c.changes(
                            ch ->
                                ch.action("UPSERT")
                                    .resourceRecordSet(
                                        r ->
                                            r.name("api.flowviz.test")
                                                .type("CNAME")
                                                .ttl(60L)
                                                .resourceRecords(
                                                    v -> v.value("api.us-east-1.flowviz.test"))))));
    return zone;
  }

  /** The values of a record, as Route53 holds them now. */
  public static List<String> recordValues(Route53Client route53, String zone, String name) {
    return route53.listResourceRecordSets(b -> b.hostedZoneId(zone)).resourceRecordSets().stream()
        .filter(r -> r.name().equals(name.endsWith(".") ? name : name + "."))
        .flatMap(r -> r.resourceRecords().stream().map(v -> v.value()))
        .toList();
  }

  public static String newBucket(S3Client s3, String prefix) {
    String bucket = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    s3.createBucket(b -> b.bucket(bucket));
    return bucket;
  }

  private static void awaitReady(String url, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new AssertionError("moto_server exited at start with code " + process.exitValue());
      }
      try {
        HttpURLConnection c =
            (HttpURLConnection) URI.create(url + "/moto-api/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.getResponseCode();
        return;
      } catch (IOException e) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    throw new AssertionError("moto_server did not answer at " + url + " within " + timeout);
  }

  public static RdsClient rds() {
    return AwsClients.rds(REGION, endpoint());
  }

  public static SnsClient sns() {
    return AwsClients.sns(REGION, endpoint());
  }

  /** A new topic whose messages moto posts to the given HTTP endpoint. Returns the topic's ARN. */
  public static String newTopicDeliveringTo(SnsClient sns, String url) {
    String arn =
        sns.createTopic(b -> b.name("flowviz-dr-" + UUID.randomUUID().toString().substring(0, 8)))
            .topicArn();
    sns.subscribe(b -> b.topicArn(arn).protocol("http").endpoint(url));
    return arn;
  }
}

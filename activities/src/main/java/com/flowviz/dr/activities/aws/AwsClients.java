package com.flowviz.dr.activities.aws;

import java.net.URI;
import java.time.Duration;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * AWS clients the conventional way: region from AWS_REGION (or the profile), credentials from the
 * default chain, endpoint from AWS_ENDPOINT_URL where set (the SDK reads it), or an explicit
 * override. Path-style S3 addressing when an endpoint is given, as S3-compatible servers need.
 */
public final class AwsClients {
  private AwsClients() {}

  /**
   * A read that waits this long for a byte fails: a stalled transfer ends its attempt (which the
   * retry resumes from the bytes on disk) before the 30 s heartbeat timeout could start a second
   * attempt beside one still blocked in a read.
   */
  static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(20);

  /**
   * @param region null for the SDK's region chain; @param endpoint null for the SDK's own
   *     resolution
   */
  public static S3Client s3(String region, String endpoint) {
    var builder =
        S3Client.builder()
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClientBuilder(
                ApacheHttpClient.builder().maxConnections(16).socketTimeout(SOCKET_TIMEOUT))
            .overrideConfiguration(overrides());
    if (region != null) {
      builder.region(Region.of(region));
    }
    String effectiveEndpoint = endpoint != null ? endpoint : System.getenv("AWS_ENDPOINT_URL");
    if (effectiveEndpoint != null && !effectiveEndpoint.isBlank()) {
      builder.endpointOverride(URI.create(effectiveEndpoint)).forcePathStyle(true);
    }
    return builder.build();
  }

  public static SecretsManagerClient secretsManager(String region, String endpoint) {
    var builder =
        SecretsManagerClient.builder()
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClientBuilder(ApacheHttpClient.builder())
            .overrideConfiguration(overrides());
    if (region != null) {
      builder.region(Region.of(region));
    }
    if (endpoint != null && !endpoint.isBlank()) {
      builder.endpointOverride(URI.create(endpoint));
    }
    return builder.build();
  }

  /** Route53 is global; its API lives in us-east-1 (aws-global). */
  public static Route53Client route53(String endpoint) {
    var builder =
        Route53Client.builder()
            .credentialsProvider(DefaultCredentialsProvider.builder().build())
            .httpClientBuilder(ApacheHttpClient.builder())
            .region(Region.AWS_GLOBAL)
            .overrideConfiguration(overrides());
    String effectiveEndpoint = endpoint != null ? endpoint : System.getenv("AWS_ENDPOINT_URL");
    if (effectiveEndpoint != null && !effectiveEndpoint.isBlank()) {
      builder.endpointOverride(URI.create(effectiveEndpoint));
    }
    return builder.build();
  }

  public static SnsClient sns(String region, String endpoint) {
    return regional(SnsClient.builder(), region, endpoint);
  }

  /** RDS and Aurora, for their native point-in-time restore. */
  public static RdsClient rds(String region, String endpoint) {
    return regional(RdsClient.builder(), region, endpoint);
  }

  /**
   * A regional client the common way: the default credential chain, the Apache HTTP client, the
   * standard retries, the region given (else the SDK's chain) and the endpoint given (else
   * AWS_ENDPOINT_URL, else the SDK's own).
   */
  private static <B extends AwsClientBuilder<B, C> & AwsSyncClientBuilder<B, C>, C> C regional(
      B builder, String region, String endpoint) {
    builder
        .credentialsProvider(DefaultCredentialsProvider.builder().build())
        .httpClientBuilder(ApacheHttpClient.builder())
        .overrideConfiguration(overrides());
    if (region != null) {
      builder.region(Region.of(region));
    }
    String effectiveEndpoint = endpoint != null ? endpoint : System.getenv("AWS_ENDPOINT_URL");
    if (effectiveEndpoint != null && !effectiveEndpoint.isBlank()) {
      builder.endpointOverride(URI.create(effectiveEndpoint));
    }
    return builder.build();
  }

  private static ClientOverrideConfiguration overrides() {
    // The SDK's standard retry mode: exponential backoff with jitter on throttling and 5xx.
    return ClientOverrideConfiguration.builder()
        .retryStrategy(RetryMode.STANDARD)
        .apiCallAttemptTimeout(Duration.ofMinutes(5))
        .build();
  }
}

package com.flowviz.dr.worker;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.worker.config.NotifySettings;
import com.flowviz.dr.worker.config.StorageSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sns.SnsClient;

/**
 * AWS clients, built lazily: a worker on local storage with a key file never touches AWS. Each
 * client talks to the worker's own region (flowviz.storage.region) through that region's endpoint,
 * so a worker in the DR region reads nothing from the primary region it does not ask for.
 */
@Factory
public class AwsFactory {

  @Singleton
  @Bean(preDestroy = "close")
  S3Client s3(StorageSettings storage) {
    return AwsClients.s3(storage.region(), storage.endpoints().forRegion(storage.region()));
  }

  /**
   * Route53 is global (its API is served from us-east-1); "aws-global=url" in region-endpoints
   * moves it.
   */
  @Singleton
  @Bean(preDestroy = "close")
  Route53Client route53(StorageSettings storage) {
    return AwsClients.route53(storage.endpoints().forRegion("aws-global"));
  }

  /**
   * SNS publishes in the topic's own region (the one in its ARN), or the worker's when the ARN
   * names none.
   */
  @Singleton
  @Bean(preDestroy = "close")
  SnsClient sns(StorageSettings storage, NotifySettings notify) {
    String region = topicRegion(notify.snsTopicArn(), storage.region());
    return AwsClients.sns(region, storage.endpoints().forRegion(region));
  }

  @Singleton
  @Bean(preDestroy = "close")
  SecretsManagerClient secretsManager(StorageSettings storage) {
    String endpoint = storage.endpoints().forRegion(storage.region());
    return AwsClients.secretsManager(
        storage.region(), endpoint != null ? endpoint : System.getenv("AWS_ENDPOINT_URL"));
  }

  /** arn:aws:sns:REGION:ACCOUNT:NAME */
  static String topicRegion(String topicArn, String fallback) {
    if (topicArn == null) {
      return fallback;
    }
    String[] parts = topicArn.split(":");
    return parts.length == 6
            && parts[0].equals("arn")
            && parts[2].equals("sns")
            && !parts[3].isBlank()
        ? parts[3]
        : fallback;
  }
}

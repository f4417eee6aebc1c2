package com.flowviz.dr.worker;

import com.flowviz.dr.activities.aws.AwsClients;
import com.flowviz.dr.worker.config.StorageSettings;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/** AWS clients, built lazily: a worker on local storage with a key file never touches AWS. */
@Factory
public class AwsFactory {

  @Singleton
  @Bean(preDestroy = "close")
  S3Client s3(StorageSettings storage) {
    return AwsClients.s3(storage.region(), storage.endpoint());
  }

  @Singleton
  @Bean(preDestroy = "close")
  Route53Client route53(StorageSettings storage) {
    return AwsClients.route53(storage.endpoint());
  }

  @Singleton
  @Bean(preDestroy = "close")
  software.amazon.awssdk.services.sns.SnsClient sns(StorageSettings storage) {
    return AwsClients.sns(storage.region(), storage.endpoint());
  }

  @Singleton
  @Bean(preDestroy = "close")
  SecretsManagerClient secretsManager(StorageSettings storage) {
    String endpoint = storage.endpoint() != null ? storage.endpoint() : System.getenv("AWS_ENDPOINT_URL");
    return AwsClients.secretsManager(storage.region(), endpoint);
  }
}

package com.flowviz.dr.worker.triggers;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.time.Duration;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * The HTTP client that fetches SNS signing certificates and confirms subscriptions: HTTPS to {@code
 * sns.<region>.amazonaws.com} only (the verifier refuses any other certificate URL).
 */
@Factory
public class SnsSigningHttp {

  public static final String NAME = "sns-signing";

  @Singleton
  @Named(NAME)
  @Bean(preDestroy = "close")
  SdkHttpClient snsSigningHttpClient() {
    return ApacheHttpClient.builder()
        .connectionTimeout(Duration.ofSeconds(10))
        .socketTimeout(Duration.ofSeconds(30))
        .build();
  }
}

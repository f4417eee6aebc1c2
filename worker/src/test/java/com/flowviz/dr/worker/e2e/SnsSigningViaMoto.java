package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.worker.triggers.SnsSigningHttp;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import jakarta.inject.Named;
import jakarta.inject.Singleton;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.http.AbortableInputStream;
import software.amazon.awssdk.http.ExecutableHttpRequest;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullResponse;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.apache.ApacheHttpClient;

/**
 * Test wiring: what the worker fetches from {@code https://sns.<region>.amazonaws.com} (signing
 * certificates, subscription confirmations) comes from moto_server, which signs the messages it
 * delivers and serves their certificates, or from {@link SnsTestSigner}'s certificate. moto routes
 * unsigned requests by the SigV4 scope of an Authorization header, hence the placeholder one.
 */
@Factory
@Requires(property = SnsSigningViaMoto.PROPERTY)
public class SnsSigningViaMoto {

  static final String PROPERTY = "flowviz.test.sns-signing-via-moto";
  static final List<URI> requested = new CopyOnWriteArrayList<>();
  static volatile String testCertificate;

  @Singleton
  @Named(SnsSigningHttp.NAME)
  @Replaces(factory = SnsSigningHttp.class, bean = SdkHttpClient.class, named = SnsSigningHttp.NAME)
  SdkHttpClient viaMoto() {
    SdkHttpClient moto = ApacheHttpClient.create();
    URI endpoint = URI.create(TestMoto.endpoint());
    return new SdkHttpClient() {
      @Override
      public ExecutableHttpRequest prepareRequest(HttpExecuteRequest request) {
        URI original = request.httpRequest().getUri();
        requested.add(original);
        if (original.getPath().endsWith("/" + SnsTestSigner.CERT_NAME) && testCertificate != null) {
          return answer(testCertificate);
        }
        SdkHttpRequest routed =
            request.httpRequest().toBuilder()
                .protocol(endpoint.getScheme())
                .host(endpoint.getHost())
                .port(endpoint.getPort())
                .putHeader(
                    "Authorization",
                    "AWS4-HMAC-SHA256 Credential=test/20260101/"
                        + TestMoto.REGION
                        + "/sns/aws4_request, SignedHeaders=host, Signature=0")
                .build();
        return moto.prepareRequest(HttpExecuteRequest.builder().request(routed).build());
      }

      @Override
      public void close() {
        moto.close();
      }
    };
  }

  private static ExecutableHttpRequest answer(String body) {
    return new ExecutableHttpRequest() {
      @Override
      public HttpExecuteResponse call() {
        return HttpExecuteResponse.builder()
            .response(SdkHttpFullResponse.builder().statusCode(200).build())
            .responseBody(
                AbortableInputStream.create(
                    new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8))))
            .build();
      }

      @Override
      public void abort() {}
    };
  }
}

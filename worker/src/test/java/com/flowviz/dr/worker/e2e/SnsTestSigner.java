package com.flowviz.dr.worker.e2e;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Signs SNS messages the way SNS does (signature version 2: SHA256withRSA over the documented
 * string to sign) with a key whose certificate names sns.amazonaws.com: the messages moto cannot
 * produce (a subscription confirmation, an old timestamp). The certificate is served at {@link
 * #CERT_NAME} by {@link SnsSigningViaMoto}; the worker's verifier is AWS's own, unchanged.
 */
final class SnsTestSigner {

  static final String CERT_NAME = "SimpleNotificationService-flowviz-test.pem";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** SNS writes its timestamps with milliseconds, always. */
  private static final java.time.format.DateTimeFormatter SNS_TIME =
      java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'")
          .withZone(java.time.ZoneOffset.UTC);

  private final KeyPair keys;
  private final String pem;

  SnsTestSigner() throws Exception {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    keys = generator.generateKeyPair();
    Instant now = Instant.now();
    var certificate =
        new JcaX509CertificateConverter()
            .getCertificate(
                new JcaX509v3CertificateBuilder(
                        new X500Name("CN=Test SNS Signing CA"),
                        BigInteger.valueOf(now.toEpochMilli()),
                        Date.from(now.minus(1, ChronoUnit.DAYS)),
                        Date.from(now.plus(2, ChronoUnit.DAYS)),
                        new X500Name("CN=sns.amazonaws.com"),
                        keys.getPublic())
                    .build(new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
    StringWriter out = new StringWriter();
    try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
      writer.writeObject(certificate);
    }
    pem = out.toString().replace("\r\n", "\n");
  }

  String pem() {
    return pem;
  }

  String notification(String topicArn, String message, Instant timestamp) throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Type", "Notification");
    m.put("MessageId", UUID.randomUUID().toString());
    m.put("TopicArn", topicArn);
    m.put("Message", message);
    m.put("Timestamp", SNS_TIME.format(timestamp));
    return signed(m, "Message", "MessageId", "Timestamp", "TopicArn", "Type");
  }

  String subscriptionConfirmation(
      String topicArn, String token, String subscribeUrl, Instant timestamp) throws Exception {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("Type", "SubscriptionConfirmation");
    m.put("MessageId", UUID.randomUUID().toString());
    m.put("Token", token);
    m.put("TopicArn", topicArn);
    m.put("Message", "You have chosen to subscribe to the topic " + topicArn + ".");
    m.put("SubscribeURL", subscribeUrl);
    m.put("Timestamp", SNS_TIME.format(timestamp));
    return signed(
        m, "Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type");
  }

  private String signed(Map<String, String> message, String... signedFields) throws Exception {
    StringBuilder toSign = new StringBuilder();
    for (String field : signedFields) {
      toSign.append(field).append('\n').append(message.get(field)).append('\n');
    }
    Signature signature = Signature.getInstance("SHA256withRSA");
    signature.initSign(keys.getPrivate());
    signature.update(toSign.toString().getBytes(StandardCharsets.UTF_8));
    message.put("SignatureVersion", "2");
    message.put("Signature", Base64.getEncoder().encodeToString(signature.sign()));
    message.put(
        "SigningCertURL",
        "https://sns."
            + com.flowviz.dr.activities.testing.TestMoto.REGION
            + ".amazonaws.com/"
            + CERT_NAME);
    return JSON.writeValueAsString(message);
  }
}

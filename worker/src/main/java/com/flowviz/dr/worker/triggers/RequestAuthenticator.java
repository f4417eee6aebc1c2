package com.flowviz.dr.worker.triggers;

import com.flowviz.dr.worker.config.TriggerSettings;
import jakarta.inject.Singleton;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Who may declare an incident over HTTP. Either a bearer token (what Alertmanager's {@code
 * http_config.authorization} sends) or an HMAC-SHA256 signature over {@code "<timestamp>.<body>"}
 * in {@code X-Flowviz-Signature: sha256=<hex>}, with {@code X-Flowviz-Timestamp: <unix seconds>}
 * within the replay window and each signature accepted once. A bearer token proves the caller, not
 * the request: a repeated request is stopped by the incident's deterministic workflow id instead.
 */
@Singleton
public class RequestAuthenticator {

  public static final String SIGNATURE_HEADER = "X-Flowviz-Signature";
  public static final String TIMESTAMP_HEADER = "X-Flowviz-Timestamp";

  private final TriggerCredentials credentials;
  private final Duration window;
  private final Clock clock;
  private final Map<String, Instant> seenSignatures = new ConcurrentHashMap<>();

  public RequestAuthenticator(TriggerCredentials credentials, TriggerSettings settings) {
    this(credentials, settings.replayWindow(), Clock.systemUTC());
  }

  RequestAuthenticator(TriggerCredentials credentials, Duration window, Clock clock) {
    this.credentials = credentials;
    this.window = window;
    this.clock = clock;
  }

  /**
   * @return null when the request is authentic, else why not (for the 401's body and the log)
   */
  public String refusal(String authorization, String timestamp, String signature, byte[] body) {
    if (signature != null) {
      return checkSignature(timestamp, signature, body);
    }
    if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      byte[] expected = credentials.bearerToken().orElse(null);
      if (expected == null) {
        return "bearer tokens are not accepted here: no flowviz.triggers.token-file or token-secret"
            + " is configured";
      }
      byte[] given = authorization.substring(7).strip().getBytes(StandardCharsets.UTF_8);
      return MessageDigest.isEqual(expected, given)
          ? null
          : "the bearer token is not the configured one";
    }
    return "no credentials: send Authorization: Bearer <token>, or sign the request ("
        + TIMESTAMP_HEADER
        + " and "
        + SIGNATURE_HEADER
        + ")";
  }

  private String checkSignature(String timestamp, String signature, byte[] body) {
    byte[] key = credentials.hmacKey().orElse(null);
    if (key == null) {
      return "signed requests are not accepted here: no flowviz.triggers.hmac-key-file or"
          + " hmac-key-secret is configured";
    }
    if (timestamp == null || !timestamp.strip().matches("\\d{1,12}")) {
      return "a signed request needs " + TIMESTAMP_HEADER + ": the time of signing in Unix seconds";
    }
    Instant signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp.strip()));
    Instant now = clock.instant();
    if (Duration.between(signedAt, now).abs().compareTo(window) > 0) {
      return "the request was signed at "
          + signedAt
          + ", outside the replay window of "
          + window
          + " around "
          + now
          + " (a replay, or a clock out of sync)";
    }
    String given = signature.strip();
    if (given.startsWith("sha256=")) {
      given = given.substring("sha256=".length());
    }
    byte[] expected = hmac(key, (timestamp.strip() + ".").getBytes(StandardCharsets.UTF_8), body);
    byte[] givenBytes;
    try {
      givenBytes = HexFormat.of().parseHex(given.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return SIGNATURE_HEADER + " is not sha256=<hex>";
    }
    if (!MessageDigest.isEqual(expected, givenBytes)) {
      return "the signature does not match the body and timestamp";
    }
    forgetOlderThan(now.minus(window.multipliedBy(2)));
    if (seenSignatures.putIfAbsent(HexFormat.of().formatHex(expected), now) != null) {
      return "this signed request was already received (a replay); sign each request anew";
    }
    return null;
  }

  private void forgetOlderThan(Instant cutoff) {
    seenSignatures.values().removeIf(seen -> seen.isBefore(cutoff));
  }

  /** The signature a caller computes; public for the README's example and the tests. */
  public static String sign(byte[] key, long unixSeconds, byte[] body) {
    return "sha256="
        + HexFormat.of()
            .formatHex(hmac(key, (unixSeconds + ".").getBytes(StandardCharsets.UTF_8), body));
  }

  private static byte[] hmac(byte[] key, byte[] prefix, byte[] body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      mac.update(prefix);
      return mac.doFinal(body);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}

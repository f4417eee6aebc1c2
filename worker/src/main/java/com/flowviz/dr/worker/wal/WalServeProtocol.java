package com.flowviz.dr.worker.wal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one-line exchange between {@code flowviz-wal push} (bash, over {@code /dev/tcp} to 127.0.0.1)
 * and the resident archiver ({@code flowviz-wal serve}):
 *
 * <pre>
 * request:  push NONCE PATH NAME MAC      MAC = mac(token, "push NONCE PATH NAME")
 * answer:   CODE MAC MESSAGE              MAC = mac(token, "NONCE NAME CODE")
 * mac(t, m) = hex SHA-256 of  t "\n" m "\n" t       (printf '%s\n%s\n%s' | sha256sum)
 * </pre>
 *
 * The token is in the serve file only its user (postgres) can read, and never crosses the socket.
 * Any local user can connect to a loopback port, so the request's MAC is what lets only the
 * server's own user ask for a push; the answer's MAC is what makes a 0 ("durable in S3")
 * believable: a process that took the port while the archiver was down cannot forge it, and the
 * wrapper then falls back to the one-shot push. A replayed request only pushes the same segment
 * again, which is harmless. The token is put first and last so the hash is not open to length
 * extension.
 */
final class WalServeProtocol {

  /** What PostgreSQL archives: segments, timeline history, backup history and partial files. */
  static final Pattern WAL_NAME =
      Pattern.compile("[0-9A-F]{24}(\\.partial|\\.[0-9A-F]{8}\\.backup)?|[0-9A-F]{8}\\.history");

  private static final Pattern REQUEST =
      Pattern.compile("push ([0-9a-f]{32}) (\\S{1,200}) (\\S{1,64}) ([0-9a-f]{64})");

  record Request(String nonce, String path, String name, String mac) {
    String signed() {
      return "push " + nonce + " " + path + " " + name;
    }
  }

  private WalServeProtocol() {}

  static Optional<Request> parse(String line) {
    Matcher m = REQUEST.matcher(line);
    if (!m.matches()) {
      return Optional.empty();
    }
    return Optional.of(new Request(m.group(1), m.group(2), m.group(3), m.group(4)));
  }

  static String mac(String token, String message) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(
                      (token + "\n" + message + "\n" + token).getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static boolean authentic(String token, Request request) {
    return MessageDigest.isEqual(
        mac(token, request.signed()).getBytes(StandardCharsets.US_ASCII),
        request.mac().getBytes(StandardCharsets.US_ASCII));
  }

  static String answer(String token, Request request, int code, String message) {
    String oneLine = message.replaceAll("[\\r\\n]+", " ");
    return code
        + " "
        + mac(token, request.nonce() + " " + request.name() + " " + code)
        + " "
        + oneLine
        + "\n";
  }
}

package com.flowviz.dr.activities.audit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The hash that links an audit entry to the one before it. */
final class AuditChain {
  private AuditChain() {}

  /** SHA-256 over the previous entry's hash and every field of this one, each length-prefixed. */
  static String hash(String previous, AuditEntry e) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException ex) {
      throw new IllegalStateException(ex);
    }
    for (String field :
        new String[] {
          previous,
          e.at().toString(),
          e.operator(),
          e.workflowId(),
          e.runId(),
          e.workflowType(),
          Integer.toString(e.sequence()),
          e.step(),
          e.backupKey(),
          e.outcome(),
          e.details()
        }) {
      byte[] bytes = field == null ? new byte[0] : field.getBytes(StandardCharsets.UTF_8);
      sha.update(
          Integer.toString(field == null ? -1 : bytes.length).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) ':');
      sha.update(bytes);
    }
    return HexFormat.of().formatHex(sha.digest());
  }
}

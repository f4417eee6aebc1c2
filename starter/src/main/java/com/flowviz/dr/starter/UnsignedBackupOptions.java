package com.flowviz.dr.starter;

import picocli.CommandLine.Option;

/** Restoring a backup without a signature when the worker trusts signer keys: said and why. */
class UnsignedBackupOptions {
  @Option(
      names = "--accept-unsigned",
      description =
          "when the worker has trusted signer keys, restore a backup that carries no signature"
              + " (made by hand); needs --reason (or --unsigned-reason), kept in the audit trail")
  boolean acceptUnsigned;

  @Option(
      names = "--unsigned-reason",
      description =
          "with --accept-unsigned: why this unsigned backup may be restored (default: --reason)")
  String unsignedReason;

  /** For the request: TRUE when accepted, else null (absent on the wire). */
  Boolean accepted() {
    return acceptUnsigned ? Boolean.TRUE : null;
  }

  /** For the request: the reason given for it, else {@code reason}; null when not accepted. */
  String reason(String reason) {
    return acceptUnsigned ? (unsignedReason != null ? unsignedReason : reason) : null;
  }
}

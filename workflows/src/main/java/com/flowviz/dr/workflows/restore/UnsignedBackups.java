package com.flowviz.dr.workflows.restore;

import com.flowviz.dr.workflows.InputValidation;

/**
 * The input rule for restoring a backup that carries no signature while the worker has trusted
 * signer keys: only when asked explicitly, with a reason that goes to the audit trail, and never
 * after a breach (scenario 2.4), where nothing unproven may be used.
 */
public final class UnsignedBackups {
  private UnsignedBackups() {}

  /** The checked reason ("" when unsigned backups are not accepted); bad input fails at once. */
  public static String reason(
      Boolean acceptUnsigned, String unsignedReason, boolean strictIntegrity) {
    if (!Boolean.TRUE.equals(acceptUnsigned)) {
      if (unsignedReason != null && !unsignedReason.isBlank()) {
        throw InputValidation.invalid(
            "unsignedReason is given but acceptUnsigned is not true; set both, or neither.");
      }
      return "";
    }
    if (strictIntegrity) {
      throw InputValidation.invalid(
          "acceptUnsigned cannot be used with strictIntegrity (scenario 2.4, a breach): only a"
              + " backup proven authentic by a trusted signature may be restored then.");
    }
    String reason = InputValidation.freeText("unsignedReason", unsignedReason, 2000);
    if (reason.isBlank()) {
      throw InputValidation.invalid(
          "acceptUnsigned needs an unsignedReason: say why this unsigned backup may be restored (it"
              + " goes to the audit trail).");
    }
    return reason;
  }
}

package com.flowviz.dr.workflows.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.workflows.InputValidation;
import java.util.Locale;

/**
 * Which irreversible steps of an incident wait for a person. A person who declares an incident has
 * decided already, so by default only the DNS switch of a failover waits (as runbook 4.4 asks); an
 * automated trigger passes its policy's answers, usually "required" for all three.
 *
 * <pre>{@code
 * {"swap": "required", "repoint": "required", "dnsSwitch": "required", "policy": "stage-then-approve"}
 * }</pre>
 *
 * @param swap 2.1 and 2.4: replace the live database with the verified restore
 * @param repoint 2.2: point the application at the new instance
 * @param dnsSwitch 2.5: switch DNS to the DR region
 * @param policy the name of the policy that set these, for the audit trail
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record Approvals(String swap, String repoint, String dnsSwitch, String policy) {
  public static final String REQUIRED = "required";
  public static final String AUTOMATIC = "automatic";

  static Approvals checked(Approvals given) {
    Approvals a = given == null ? new Approvals(null, null, null, null) : given;
    return new Approvals(
        mode("approvals.swap", a.swap(), AUTOMATIC),
        mode("approvals.repoint", a.repoint(), AUTOMATIC),
        mode("approvals.dnsSwitch", a.dnsSwitch(), REQUIRED),
        InputValidation.freeText("approvals.policy", a.policy(), 200));
  }

  public boolean swapRequired() {
    return REQUIRED.equals(swap);
  }

  public boolean repointRequired() {
    return REQUIRED.equals(repoint);
  }

  public boolean dnsSwitchRequired() {
    return REQUIRED.equals(dnsSwitch);
  }

  private static String mode(String field, String value, String defaultMode) {
    if (value == null || value.isBlank()) {
      return defaultMode;
    }
    String v = value.trim().toLowerCase(Locale.ROOT);
    if (v.equals(REQUIRED) || v.equals(AUTOMATIC)) {
      return v;
    }
    throw InputValidation.invalid(
        field
            + " \""
            + InputValidation.printable(value)
            + "\" is neither \"required\" (a person approves"
            + " at the gate) nor \"automatic\".");
  }
}

package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Which credentials were replaced; never the values.
 *
 * @param roles database roles given new passwords
 * @param secrets Secrets Manager secrets made current anew (the application's database secret among
 *     them)
 * @param sessionsEnded sessions of the rotated roles ended after the rotation (opened with the old
 *     passwords)
 * @param findings what the rotation could not do as it should (sessions it may not end, statement
 *     logging it may not turn off); empty when none
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RotationOutcome(
    List<String> roles, List<String> secrets, int sessionsEnded, List<String> findings) {

  /** A rotation recorded before sessions were ended. */
  public RotationOutcome(List<String> roles, List<String> secrets) {
    this(roles, secrets, 0, List.of());
  }
}

package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Which credentials were replaced; never the values.
 *
 * @param roles database roles given new passwords
 * @param secrets Secrets Manager secrets written anew (the application's database secret among them)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record RotationOutcome(List<String> roles, List<String> secrets) {}

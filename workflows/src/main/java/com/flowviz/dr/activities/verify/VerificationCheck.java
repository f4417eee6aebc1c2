package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/** One named check of the verification, with what was expected and what was found. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record VerificationCheck(String name, boolean passed, String expected, String actual) {}

package com.flowviz.dr.workflows;

import java.util.regex.Pattern;

/** AWS region names in inputs. */
public final class RegionInput {
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");

  private RegionInput() {}

  /** Null stays null (the worker's default region). */
  public static String validate(String field, String region) {
    if (region == null) {
      return null;
    }
    if (!REGION.matcher(region).matches()) {
      throw InputValidation.invalid(field + " \"" + InputValidation.printable(region) + "\" is not an AWS region such as us-west-2.");
    }
    return region;
  }
}

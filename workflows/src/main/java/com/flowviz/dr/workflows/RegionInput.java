package com.flowviz.dr.workflows;

import java.util.regex.Pattern;

/** AWS region names in inputs. */
public final class RegionInput {
  private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");

  private RegionInput() {}

  /**
   * Where a provisioner places an instance: an AWS region, or "local" for the local provisioner.
   * Null stays null.
   */
  public static String forInstance(String field, String region) {
    return "local".equals(region) ? region : validate(field, region);
  }

  /** Null stays null (the worker's default region). */
  public static String validate(String field, String region) {
    if (region == null) {
      return null;
    }
    if (!REGION.matcher(region).matches()) {
      throw InputValidation.invalid(
          field
              + " \""
              + InputValidation.printable(region)
              + "\" is not an AWS region such as us-west-2.");
    }
    return region;
  }
}

package com.flowviz.dr.activities.aws;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which endpoint serves each region's AWS APIs. Runbook 4.4 reads one bucket in each region, and
 * during 2.5 one of them is down: with an endpoint per region a drill (or an S3-compatible store
 * per site) can cut one region while the other answers. A region without an entry uses the default
 * endpoint; with no default, AWS_ENDPOINT_URL or the SDK's own resolution.
 */
public final class RegionEndpoints {

  private final Map<String, String> byRegion;
  private final String fallback;

  private RegionEndpoints(Map<String, String> byRegion, String fallback) {
    this.byRegion = Map.copyOf(byRegion);
    this.fallback = fallback == null || fallback.isBlank() ? null : fallback;
  }

  /** One endpoint for every region (or none: the SDK resolves). */
  public static RegionEndpoints single(String endpoint) {
    return new RegionEndpoints(Map.of(), endpoint);
  }

  /**
   * @param entries each "region=url", e.g. {@code us-east-1=http://127.0.0.1:5000}; null for none
   * @param fallback the endpoint of regions without an entry, or null
   */
  public static RegionEndpoints parse(List<String> entries, String fallback) {
    Map<String, String> byRegion = new LinkedHashMap<>();
    for (String entry : entries == null ? List.<String>of() : entries) {
      int equals = entry.indexOf('=');
      String region = equals <= 0 ? "" : entry.substring(0, equals).trim();
      String url = equals <= 0 ? "" : entry.substring(equals + 1).trim();
      if (!region.matches("[a-z]{2}(-[a-z]+)+-\\d+|aws-global")
          || !(url.startsWith("http://") || url.startsWith("https://"))) {
        throw new IllegalArgumentException(
            "flowviz.storage.region-endpoints entries are region=url (like"
                + " us-east-1=https://s3.example.com), not \""
                + entry
                + "\"");
      }
      URI.create(url); // a malformed URL fails at start, not during the outage
      if (byRegion.put(region, url) != null) {
        throw new IllegalArgumentException(
            "flowviz.storage.region-endpoints names " + region + " twice");
      }
    }
    return new RegionEndpoints(byRegion, fallback);
  }

  /**
   * The endpoint for the region (null region: the default), or null for AWS_ENDPOINT_URL / the
   * SDK's resolution.
   */
  public String forRegion(String region) {
    String endpoint = region == null ? null : byRegion.get(region);
    return endpoint != null ? endpoint : fallback;
  }

  @Override
  public String toString() {
    return byRegion + (fallback == null ? "" : ", otherwise " + fallback);
  }
}

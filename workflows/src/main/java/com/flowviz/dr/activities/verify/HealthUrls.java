package com.flowviz.dr.activities.verify;

import java.net.URI;
import java.util.Locale;
import java.util.Set;

/**
 * What a health URL from a workflow input may point at, before anything is asked of the worker's
 * configuration: http(s) only, no user info, and never a cloud metadata service (whose answers
 * carry instance credentials). The worker adds its host allow-list and the https rule.
 */
public final class HealthUrls {

  private static final Set<String> METADATA_HOSTS =
      Set.of(
          "169.254.169.254",
          "[fd00:ec2::254]",
          "fd00:ec2::254",
          "169.254.170.2",
          "metadata.google.internal",
          "metadata",
          "100.100.100.200");

  private HealthUrls() {}

  /** Why the URL is refused, or null when it may go on to the worker's allow-list. */
  public static String problem(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https") && !scheme.equals("http")) {
      return "is not an http(s) URL";
    }
    if (uri.getHost() == null) {
      return "names no host";
    }
    if (uri.getRawUserInfo() != null) {
      return "carries user info; give the plain URL";
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (isMetadataAddress(host)) {
      return "points at a cloud metadata address (" + host + "), which is never probed";
    }
    return null;
  }

  /** The metadata services of AWS, GCP and Alibaba, and IPv4 link-local addresses generally. */
  public static boolean isMetadataAddress(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return METADATA_HOSTS.contains(h)
        || h.startsWith("169.254.")
        || h.replace("[", "").replace("]", "").startsWith("fe80:")
        || h.replace("[", "").replace("]", "").equals("fd00:ec2:0:0:0:0:0:254");
  }
}

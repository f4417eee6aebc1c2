package com.flowviz.dr.activities.verify;

import com.flowviz.dr.activities.common.NonRetryable;
import com.flowviz.dr.workflows.FailureTypes;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The worker's rules for URLs that come from workflow inputs (a failover's {@code healthUrl}):
 * https only, a host on the configured allow-list ({@code flowviz.failover.health-hosts}), no
 * address of a cloud metadata service (also when a name resolves to one), no redirects. URLs from
 * the worker's own configuration (runbook 5.3's probes) do not pass through here.
 */
public final class HealthUrlRules {

  private final Set<String> hosts;
  private final Set<String> plainHttpHosts;
  private final HttpClient http =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(5))
          .followRedirects(HttpClient.Redirect.NEVER)
          .build();

  /**
   * @param hosts the hosts a health URL may name
   * @param plainHttpHosts hosts also allowed over plain http: a dev stack on loopback; empty in
   *     production
   */
  public HealthUrlRules(List<String> hosts, List<String> plainHttpHosts) {
    this.hosts = lower(hosts);
    this.plainHttpHosts = lower(plainHttpHosts);
  }

  /**
   * Refuses (non-retryable, INVALID_INPUT) a URL that breaks a rule; asks the URL once, without
   * following a redirect.
   */
  public void check(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw refuse(url, "is not a URL");
    }
    String problem = HealthUrls.problem(uri);
    if (problem != null) {
      throw refuse(url, problem);
    }
    String host = uri.getHost().toLowerCase(Locale.ROOT);
    if (!hosts.contains(host)) {
      throw refuse(
          url, "names host " + host + ", which is not in flowviz.failover.health-hosts " + hosts);
    }
    if (uri.getScheme().equalsIgnoreCase("http") && !plainHttpHosts.contains(host)) {
      throw refuse(url, "is plain http; health URLs from inputs must be https");
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
        if (address.isLinkLocalAddress()
            || HealthUrls.isMetadataAddress(address.getHostAddress())) {
          throw refuse(
              url,
              "resolves to "
                  + address.getHostAddress()
                  + ", a link-local or cloud metadata address");
        }
      }
    } catch (UnknownHostException e) {
      return; // Not resolvable yet (the record the failover will switch): nothing to ask.
    }
    try {
      HttpResponse<Void> answer =
          http.send(
              HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
              HttpResponse.BodyHandlers.discarding());
      if (answer.statusCode() / 100 == 3) {
        throw refuse(
            url,
            "answers "
                + answer.statusCode()
                + " (a redirect"
                + answer.headers().firstValue("Location").map(l -> " to " + shorten(l)).orElse("")
                + "), and redirects are not followed; give the URL that answers itself");
      }
    } catch (IOException e) {
      // The service is down, which is why there is a failover: the URL is judged after the switch.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static ApplicationFailure refuse(String url, String problem) {
    return NonRetryable.failure(
        FailureTypes.INVALID_INPUT,
        "healthUrl \"" + shorten(url) + "\" " + problem + ". Nothing was changed.");
  }

  private static String shorten(String text) {
    String shown = text.length() > 200 ? text.substring(0, 200) + "..." : text;
    return shown.replaceAll("\\p{Cntrl}", "?");
  }

  private static Set<String> lower(List<String> values) {
    return values == null
        ? Set.of()
        : values.stream()
            .map(v -> v.trim().toLowerCase(Locale.ROOT))
            .filter(v -> !v.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
  }
}

package com.flowviz.dr.activities.verify;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runbook 5.3's three probes of the FlowViz API, and what each must answer to count as healthy: a
 * 2xx alone says only that something listens; the runbook pipes each answer into jq.
 */
public final class RunbookProbes {

  public static final String HEALTH = "/api/v1/health";
  public static final String ONE_LOT = "/api/v1/lots?limit=1";
  public static final String TRACEABILITY_GRAPH = "/api/v1/traceability/graph";

  private static final Set<String> HEALTHY = Set.of("ok", "healthy", "up", "pass");

  private RunbookProbes() {}

  /** The three probes under the application's base URL (e.g. http://localhost:8000). */
  public static List<URI> under(String baseUrl) {
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return List.of(
        URI.create(base + HEALTH),
        URI.create(base + ONE_LOT),
        URI.create(base + TRACEABILITY_GRAPH));
  }

  /**
   * Judges a 2xx answer: null when it is what the runbook expects, else what is wrong. Endpoints
   * other than the runbook's three are judged by their status only.
   */
  static String judge(URI url, String body) {
    String path = url.getPath() == null ? "" : url.getPath();
    boolean health = path.endsWith("/health");
    boolean lots = path.endsWith("/lots");
    boolean graph = path.endsWith("/traceability/graph");
    if (!health && !lots && !graph) {
      return null;
    }
    JsonNode json;
    try {
      json = Json.MAPPER.readTree(body);
    } catch (IOException e) {
      return "not JSON";
    }
    if (json == null || json.isMissingNode()) {
      return "empty answer";
    }
    if (health) {
      JsonNode status = json.get("status");
      return status != null && HEALTHY.contains(status.asText().toLowerCase(Locale.ROOT))
          ? null
          : "health does not report ok (status "
              + (status == null ? "missing" : status.asText())
              + ")";
    }
    if (lots) {
      JsonNode items = firstArray(json, "items", "lots", "data", "results");
      if (items == null) {
        return "no list of lots in the answer";
      }
      return items.size() == 1 ? null : "lots?limit=1 returned " + items.size() + " lots, not one";
    }
    JsonNode nodes = json.get("nodes");
    return nodes != null && nodes.isArray() && nodes.size() > 0
        ? null
        : "the traceability graph has no nodes";
  }

  private static JsonNode firstArray(JsonNode json, String... fields) {
    if (json.isArray()) {
      return json;
    }
    for (String field : fields) {
      JsonNode value = json.get(field);
      if (value != null && value.isArray()) {
        return value;
      }
    }
    return null;
  }
}

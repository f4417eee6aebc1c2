package com.flowviz.dr.worker.triggers;

import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answers of the trigger endpoints. Senders retry on 5xx and give up on 4xx, so a request that
 * can never succeed (bad credentials, a malformed body, an alert no policy lets start anything)
 * gets a 4xx saying what to fix.
 */
final class TriggerResponses {
  private TriggerResponses() {}

  static HttpResponse<Map<String, Object>> unauthorized(String why) {
    return HttpResponse.<Map<String, Object>>status(HttpStatus.UNAUTHORIZED)
        .header("WWW-Authenticate", "Bearer")
        .body(Map.of("error", why));
  }

  static HttpResponse<Map<String, Object>> forbidden(String why) {
    return HttpResponse.<Map<String, Object>>status(HttpStatus.FORBIDDEN)
        .body(Map.of("error", why));
  }

  static HttpResponse<Map<String, Object>> badRequest(String why) {
    return HttpResponse.<Map<String, Object>>status(HttpStatus.BAD_REQUEST)
        .body(Map.of("error", why));
  }

  /**
   * 200 when an incident started or already existed, or when nothing was firing; 403 when the
   * policy refused every declaration; 422 when firing alerts mapped to no scenario.
   */
  static HttpResponse<Map<String, Object>> of(
      List<TriggerOutcome> outcomes, List<String> ignored, String what) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("received", what);
    body.put("incidents", outcomes);
    body.put("ignored", ignored);
    boolean declared = outcomes.stream().anyMatch(o -> !o.status().equals(TriggerOutcome.REFUSED));
    if (declared) {
      return HttpResponse.ok(body);
    }
    if (!outcomes.isEmpty()) {
      return HttpResponse.<Map<String, Object>>status(HttpStatus.FORBIDDEN).body(body);
    }
    if (ignored.stream().anyMatch(i -> i.contains("maps to no runbook scenario"))) {
      return HttpResponse.<Map<String, Object>>status(HttpStatus.UNPROCESSABLE_ENTITY).body(body);
    }
    return HttpResponse.ok(body);
  }
}

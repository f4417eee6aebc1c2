package com.flowviz.dr.activities.dns;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * @param changeId Route53's change id, or null when the records already held these values (a retry
 *     after the change was made, or someone made it by hand): nothing was sent again
 * @param records the records set, e.g. "api.flowviz.com. CNAME api.us-west-2.flowviz.com (60s)"
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DnsChange(
    String hostedZoneId,
    String changeId,
    String status,
    boolean alreadyApplied,
    List<String> records) {}

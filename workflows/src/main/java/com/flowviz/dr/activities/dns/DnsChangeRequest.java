package com.flowviz.dr.activities.dns;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.Map;

/**
 * A Route53 change batch to apply (runbook 4.4 step 4: {@code --change-batch
 * file://dr-failover-dns.json}).
 *
 * @param changeBatch the file name of a change batch in the worker's change-batch directory
 * @param variables values for {@code {{name}}} placeholders in it (the DR stack's outputs)
 * @param marker a note recorded in the change's comment (the workflow id)
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DnsChangeRequest(
    String hostedZoneId, String changeBatch, Map<String, String> variables, String marker) {}

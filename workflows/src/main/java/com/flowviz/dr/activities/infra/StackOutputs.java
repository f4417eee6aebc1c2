package com.flowviz.dr.activities.infra;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.flowviz.dr.activities.postgres.PgServer;
import java.util.Map;

/**
 * @param outputs the stack's non-sensitive outputs (e.g. app_endpoint, used in the DNS change)
 * @param database the stack's PostgreSQL server, from the outputs db_host, db_port, db_user
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record StackOutputs(
    String workspace, String region, Map<String, String> outputs, PgServer database) {}

package com.flowviz.dr.activities.incident;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;

/**
 * Runbook section 3, "have credentials ready": can the procedure get them, without showing them.
 *
 * @param keyIds ids of the backup private key's subkeys (not secret)
 * @param problems what is missing, in words for the operator; empty when all is ready
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CredentialCheck(
    boolean backupKeyReady,
    String keySource,
    List<String> keyIds,
    boolean databaseReachable,
    List<String> problems) {}

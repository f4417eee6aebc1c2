package com.flowviz.dr.activities.postgres;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * What identifies a live database at one moment, cheaply: which database holds the name (its OID
 * changes when another database is renamed into it) and how many rows its tables have had inserted,
 * updated or deleted (the statistics collector's counters, which only grow).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record LiveFingerprint(String database, long oid, long rowWrites) {

  public String describe() {
    return database + " (OID " + oid + ", " + rowWrites + " row writes counted)";
  }
}

package com.flowviz.dr.activities.managed;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import io.soabase.recordbuilder.core.RecordBuilder;

/**
 * A managed PostgreSQL the service itself backs up continuously (RDS keeps its WAL, Aurora its
 * storage log), named as the service names it.
 *
 * @param kind {@code instance} (RDS for PostgreSQL) or {@code cluster} (Aurora PostgreSQL)
 * @param identifier the DB instance or cluster identifier, e.g. {@code flowviz-prod}
 * @param region null: the worker's AWS_REGION
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@RecordBuilder
public record ManagedSource(String kind, String identifier, String region) {
  public static final String INSTANCE = "instance";
  public static final String CLUSTER = "cluster";

  public static ManagedSourceBuilder builder() {
    return ManagedSourceBuilder.builder();
  }
}

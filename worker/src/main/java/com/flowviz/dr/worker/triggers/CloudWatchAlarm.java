package com.flowviz.dr.worker.triggers;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The message CloudWatch publishes to SNS when an alarm changes state; only what a declaration
 * needs.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record CloudWatchAlarm(
    @JsonProperty("AlarmName") String alarmName,
    @JsonProperty("AlarmDescription") String alarmDescription,
    @JsonProperty("AlarmArn") String alarmArn,
    @JsonProperty("AWSAccountId") String accountId,
    @JsonProperty("NewStateValue") String newStateValue,
    @JsonProperty("NewStateReason") String newStateReason,
    @JsonProperty("StateChangeTime") String stateChangeTime,
    @JsonProperty("Region") String region) {

  public static final String ALARM = "ALARM";
}

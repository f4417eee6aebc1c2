package com.flowviz.dr.activities.drill;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;
import java.time.Instant;

/**
 * One measured step of a drill: the drill's own (provision, wait, restore, teardown) and the
 * restore's (download and decrypt, pg_restore, verify, swap).
 *
 * @param bytes what the step moved, where that is known: the encrypted backup for the transfer, the
 *     pg_dump archive for pg_restore; null otherwise
 * @param bytesPerSecond bytes over the step's duration
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DrillStep(
    String step,
    String outcome,
    Instant startedAt,
    Instant finishedAt,
    Duration duration,
    Long bytes,
    Double bytesPerSecond,
    String detail) {}

package com.flowviz.dr.activities.common;

/**
 * How far a long step is, as its activity heartbeats it: what is measured, how much is done of how
 * much, the rate since the attempt began and the time left at that rate. {@code flowviz-dr watch}
 * draws it as a progress bar; the Temporal UI shows it as the pending activity's heartbeat details.
 *
 * @param what the quantity, e.g. "encrypted bytes of the base backup read"
 * @param unit "bytes", "files", "WAL segments"
 * @param total 0 when not known
 * @param perSecond null until there is a rate
 * @param etaSeconds null without a total or a rate; an upper bound where the step may end early
 *     (recovery to a time stops before the last spooled segment)
 * @param detail what else is worth seeing ("12 of 34 WAL files spooled"), or null
 */
public record StepProgress(
    String what,
    String unit,
    long done,
    long total,
    Long perSecond,
    Long etaSeconds,
    String detail) {}

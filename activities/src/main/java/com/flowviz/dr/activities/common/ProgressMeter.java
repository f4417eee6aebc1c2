package com.flowviz.dr.activities.common;

/**
 * Turns "done of total" into a {@link StepProgress} with a rate since this attempt began and the
 * time left at that rate. The rate is the attempt's average: steadier than the last interval's, and
 * what an operator deciding whether to wait needs.
 */
public final class ProgressMeter {

  private final String what;
  private final String unit;
  private final long started = System.nanoTime();

  public ProgressMeter(String what, String unit) {
    this.what = what;
    this.unit = unit;
  }

  public StepProgress at(long done, long total, String detail) {
    long elapsedNanos = System.nanoTime() - started;
    Long perSecond = null;
    Long eta = null;
    if (done > 0 && elapsedNanos >= 500_000_000L) {
      perSecond = (long) (done / (elapsedNanos / 1e9));
      if (total > 0 && perSecond > 0) {
        eta = Math.max(0, total - done) / perSecond;
      }
    }
    return new StepProgress(what, unit, done, total, perSecond, eta, detail);
  }
}

package com.flowviz.dr.workflows;

/** Values the runbook uses, the defaults of every input that leaves them out. */
public final class Defaults {
  public static final String BUCKET = "flowviz-backups";
  public static final String DR_BUCKET = "flowviz-backups-prod-us-west-2";
  public static final String DATABASE = "flowviz";
  public static final String DAILY_PREFIX = "daily/";
  public static final String WEEKLY_PREFIX = "weekly/";
  public static final String LATEST = "latest";
  public static final String UNKNOWN_OPERATOR = "unknown-operator";

  private Defaults() {}
}

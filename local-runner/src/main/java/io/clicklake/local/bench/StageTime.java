package io.clicklake.local.bench;

/** The wall time of one stage of one run, with the rows it processed. */
public record StageTime(String stage, double seconds, long rows) {}

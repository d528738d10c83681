package io.clicklake.mart;

import java.util.List;

/**
 * One table of the star schema or the marts, built from a set of clean events (the view {@code
 * src}: one batch's events, or all events for a full refresh).
 *
 * <p>{@code select} aggregates {@code src} into rows of the table. {@code merge} says how those rows
 * are combined with what the table already holds so that the result equals a full recomputation:
 * counts and sums add up, first/last take the min/max, "latest" attributes take the row whose
 * (time, id) is greater, and recomputed rows (the daily funnel) replace. A null merge means the rows
 * are appended (the event fact).
 */
final class Model {
  final String table;
  final String select;
  final String merge;

  private Model(String table, String select, String merge) {
    this.table = table;
    this.select = select;
    this.merge = merge;
  }

  static Model append(String table, String select) {
    return new Model(table, select, null);
  }

  /** Insert rows whose key is missing, leave existing rows. */
  static Model insertMissing(String table, String key, String select) {
    return new Model(table, select, "on t." + key + " = s." + key + " when not matched then insert *");
  }

  /** Combine matched rows column by column; insert the others. */
  static Model combine(String table, String key, String select, List<String> setClauses) {
    return new Model(
        table,
        select,
        "on t." + key + " = s." + key + " when matched then update set " + String.join(", ", setClauses)
            + " when not matched then insert *");
  }

  /** Replace matched rows whole (the source rows were recomputed from all events). */
  static Model replace(String table, String key, String select) {
    return new Model(table, select, "on t." + key + " = s." + key + " when matched then update set * when not matched then insert *");
  }
}

package io.clicklake.export.migration;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * V1.2: the analyst marts of issue 15 (category_performance, brand_performance,
 * product_performance, hourly_activity, cohort_retention, cart_abandonment) on a database V1
 * migrated before {@code sql/01_tables.sql} defined them. It runs that file again, as V1 does: its
 * {@code create table if not exists} statements create only the missing tables, so on a database V1
 * created with them it changes nothing. The columns user_engagement gained come in V1.3.
 */
public final class V1_2__Analyst_marts extends BaseJavaMigration {
  @Override
  public void migrate(Context context) throws Exception {
    V1__Published_tables.createMissingTables(context);
  }
}

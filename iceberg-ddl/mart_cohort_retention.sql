-- Mart: weekly retention of the users grouped by the ISO week (UTC) of their first clean event.
create table if not exists ${catalog}.${namespace}.mart_cohort_retention (
  cohort_week            date          comment 'Monday of the ISO week (UTC) of the first clean event of its users',
  week_offset            int           comment 'weeks after cohort_week, 0 = the cohort week itself; a row exists only for offsets with an active user',
  cohort_users           bigint        comment 'users in the cohort',
  active_users           bigint        comment 'cohort users with an event in week cohort_week + week_offset',
  purchasing_users       bigint        comment 'cohort users with a purchase in that week',
  retention_rate         double        comment 'active_users / cohort_users; NULL when cohort_users = 0 (never, as such rows are deleted)',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

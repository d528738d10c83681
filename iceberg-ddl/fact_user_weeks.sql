-- Helper fact of mart_cohort_retention: one row per user and ISO week (UTC) with a clean event.
create table if not exists ${catalog}.${namespace}.fact_user_weeks (
  user_key               bigint        comment '= user_id',
  week_start             date          comment 'Monday of the ISO week (UTC)',
  events                 bigint        comment 'clean events of the user that week',
  purchases              bigint        comment 'purchase events of the user that week',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

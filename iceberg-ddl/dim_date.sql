-- Date dimension: one row per calendar day that has at least one clean event. Key = yyyymmdd.
create table if not exists ${catalog}.${namespace}.dim_date (
  date_key     int     comment 'yyyymmdd, e.g. 20191001',
  event_date   date    comment 'the day (UTC)',
  year         int     comment 'calendar year',
  quarter      int     comment '1..4',
  month        int     comment '1..12',
  day_of_month int     comment '1..31',
  day_of_week  int     comment 'ISO day of week, 1 = Monday .. 7 = Sunday',
  day_name     string  comment 'Monday .. Sunday',
  is_weekend   boolean comment 'Saturday or Sunday'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

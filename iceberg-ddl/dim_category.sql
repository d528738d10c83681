-- Category dimension: one row per category_id; levels of the dotted category_code split out.
create table if not exists ${catalog}.${namespace}.dim_category (
  category_key   bigint comment '= category_id',
  category_id    bigint comment 'category id from the source',
  category_code  string comment 'latest non-NULL category_code seen, by (event time, code); NULL if never given',
  code_seen_at   timestamp comment 'event time of the event that gave category_code',
  level_1        string comment 'first segment: electronics.audio.headphone → electronics',
  level_2        string comment 'second segment → audio',
  level_3        string comment 'third segment → headphone',
  level_4        string comment 'fourth segment (rare)'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

-- User dimension: one row per user_id with first and last activity.
create table if not exists ${catalog}.${namespace}.dim_user (
  user_key       bigint    comment '= user_id',
  user_id        bigint    comment 'user id from the source',
  first_seen_at  timestamp comment 'first event time',
  last_seen_at   timestamp comment 'latest event time',
  events         bigint    comment 'clean events'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

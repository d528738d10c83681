-- Helper fact of mart_user_engagement.sessions: one row per user and session the user has an event in.
create table if not exists ${catalog}.${namespace}.fact_user_sessions (
  user_key               bigint        comment '= user_id',
  user_session           string        comment 'a session with an event of the user',
  batch_id               string        comment 'the batch that first saw the pair (the full refresh label after one)'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

-- Session fact: one row per user_session over all clean events.
create table if not exists ${catalog}.${namespace}.fact_sessions (
  user_session    string        comment 'session id',
  user_key        bigint        comment 'user of the session (the smallest user_id if a session id is shared)',
  first_event_at  timestamp     comment 'first event time',
  last_event_at   timestamp     comment 'last event time',
  events          bigint        comment 'all clean events',
  views           bigint        comment 'view events',
  carts           bigint        comment 'cart events',
  removes         bigint        comment 'remove_from_cart events',
  purchases       bigint        comment 'purchase events',
  revenue         decimal(18,2) comment 'sum of price over purchase events; 0.00 when none',
  cart_value      decimal(18,2) comment 'sum of price over cart events; 0.00 when none; NULL on a row an older release wrote, until a full refresh',
  updated_batch_id string       comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

-- Mart: one row per user_session with at least one clean event (data contract 5). Cumulative.
create table if not exists ${catalog}.${namespace}.mart_session_revenue (
  user_session     string        comment 'the session',
  total_revenue    decimal(18,2) comment 'sum of price over the purchase events of the session; 0.00 when none',
  user_id          bigint        comment 'user of the session (smallest user_id if shared)',
  first_event_at   timestamp     comment 'first event time',
  last_event_at    timestamp     comment 'last event time',
  events           bigint        comment 'clean events',
  views            bigint        comment 'view events',
  carts            bigint        comment 'cart events',
  purchases        bigint        comment 'purchase events',
  updated_batch_id string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

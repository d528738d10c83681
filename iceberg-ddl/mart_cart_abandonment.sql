-- Mart: abandoned carts per day (UTC) of the sessions' first events.
create table if not exists ${catalog}.${namespace}.mart_cart_abandonment (
  session_date           date          comment 'UTC day of the first event of the session; only days with a carting session',
  carting_sessions       bigint        comment 'sessions with at least one cart event',
  abandoned_sessions     bigint        comment 'carting sessions without a purchase event in the whole session',
  abandoned_value        decimal(18,2) comment 'sum of price over the cart events of the abandoned sessions; 0.00 when none',
  cart_purchase_rate     double        comment '(carting_sessions - abandoned_sessions) / carting_sessions; NULL when carting_sessions = 0',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

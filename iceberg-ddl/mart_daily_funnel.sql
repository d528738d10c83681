-- Mart: the funnel per day (UTC) for the dashboard.
create table if not exists ${catalog}.${namespace}.mart_daily_funnel (
  event_date           date          comment 'the day (UTC)',
  views                bigint        comment 'view events',
  carts                bigint        comment 'cart events',
  removes              bigint        comment 'remove_from_cart events',
  purchases            bigint        comment 'purchase events',
  revenue              decimal(18,2) comment 'sum of price over purchase events',
  sessions             bigint        comment 'distinct sessions with an event that day',
  purchasing_sessions  bigint        comment 'distinct sessions with a purchase that day',
  buyers               bigint        comment 'distinct users with a purchase that day',
  users                bigint        comment 'distinct users with an event that day',
  updated_batch_id     string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

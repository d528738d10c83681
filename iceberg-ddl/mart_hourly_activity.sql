-- Mart: events per weekday and hour (UTC) over all batches, for a heat map: at most 7 x 24 rows.
create table if not exists ${catalog}.${namespace}.mart_hourly_activity (
  day_of_week            int           comment 'ISO day of week of the event time in UTC: 1 = Monday .. 7 = Sunday',
  hour_of_day            int           comment 'hour of the event time in UTC, 0..23',
  events                 bigint        comment 'all clean events',
  views                  bigint        comment 'view events',
  carts                  bigint        comment 'cart events',
  removes                bigint        comment 'remove_from_cart events',
  purchases              bigint        comment 'purchase events',
  revenue                decimal(18,2) comment 'sum of price over purchase events; 0.00 when none',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

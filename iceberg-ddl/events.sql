-- Clean, deduplicated events: one row per distinct event (all nine normalized fields). Also the event-grain fact of
-- the star schema (data contract section 6): it carries the dimension keys, so each event is stored once.
-- product_id, category_id and user_id are the keys of dim_product, dim_category and dim_user (natural keys).
-- Written by CleanEventsJob, one append commit per batch tagged clicklake.batch-id.
create table if not exists ${catalog}.${namespace}.events (
  event_id      string        comment 'hex of the first 16 bytes of SHA-256 over the nine normalized fields; equal ids = duplicate events',
  event_time    timestamp     comment 'event time, UTC',
  event_type    string        comment 'view | cart | remove_from_cart | purchase (lower-cased)',
  product_id    bigint        comment 'product, > 0',
  category_id   bigint        comment 'category, NULL when empty in the source',
  category_code string        comment 'dotted category path, lower-cased, NULL when empty',
  brand         string        comment 'brand, lower-cased, NULL when empty',
  price         decimal(13,2) comment 'price rounded HALF_UP to 2 decimals; below 10^10 before rounding, so up to 10000000000.00',
  user_id       bigint        comment 'user, > 0',
  user_session  string        comment 'session id, never empty',
  batch_id      string        comment 'batch that first loaded the event',
  source_file   string        comment 'file the kept copy came from',
  line_number   bigint        comment 'physical line of the kept copy in its file (header = 1)',
  date_key      int           comment 'dim_date.date_key: the UTC day of event_time as yyyymmdd',
  brand_key     bigint        comment 'dim_brand.brand_key = xxhash64(brand) (NULL when the event had no brand)',
  revenue       decimal(18,2) comment 'price for purchase events, 0.00 otherwise'
)
using iceberg
partitioned by (days(event_time))
tblproperties ('format-version' = '2', 'write.parquet.compression-codec' = 'zstd',
  -- each write task appends its own rows (no shuffle before the write); a task writes every day it holds
  'write.distribution-mode' = 'none', 'write.spark.fanout.enabled' = 'true')

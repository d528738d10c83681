-- Event fact at event grain, keyed to the dimensions. Appended once per batch.
create table if not exists ${catalog}.${namespace}.fact_events (
  event_id      string        comment 'same id as in events',
  date_key      int           comment 'dim_date.date_key',
  event_time    timestamp     comment 'UTC',
  event_type    string        comment 'view | cart | remove_from_cart | purchase',
  product_key   bigint        comment 'dim_product.product_key',
  category_key  bigint        comment 'dim_category.category_key (NULL when the event had no category_id)',
  brand_key     bigint        comment 'dim_brand.brand_key (NULL when the event had no brand)',
  user_key      bigint        comment 'dim_user.user_key',
  user_session  string        comment 'session id (degenerate dimension; fact_sessions is keyed by it)',
  price         decimal(13,2) comment 'listed price',
  revenue       decimal(18,2) comment 'price for purchase events, 0.00 otherwise (decimal(18,2) like every revenue column)',
  batch_id      string        comment 'batch that loaded the event'
)
using iceberg
partitioned by (days(event_time))
tblproperties ('format-version' = '2', 'write.parquet.compression-codec' = 'zstd',
  -- each write task appends its own rows (no shuffle before the write); a task writes every day it holds
  'write.distribution-mode' = 'none', 'write.spark.fanout.enabled' = 'true')

-- Product dimension, SCD type 1: the key is the natural product_id; attributes are those of the
-- product's latest event, by (event_time, event_id). A product seen with two brands keeps the latest one here;
-- events keeps the brand of each event (brand_key), so the history is never lost.
create table if not exists ${catalog}.${namespace}.dim_product (
  product_key    bigint    comment '= product_id (natural key, already a stable positive bigint)',
  product_id     bigint    comment 'product id from the source',
  category_key   bigint    comment 'category of the latest event (NULL when unknown)',
  brand_key      bigint    comment 'brand of the latest event (NULL when unknown)',
  brand          string    comment 'brand of the latest event',
  last_price     decimal(13,2) comment 'price of the latest event',
  last_event_id  string    comment 'event_id of the latest event: breaks ties between events at the same second',
  first_seen_at  timestamp comment 'first event time',
  last_seen_at   timestamp comment 'latest event time'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

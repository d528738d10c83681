-- Mart: the funnel per day (UTC) and brand, for analysts; the events without a brand form brand_key 0.
create table if not exists ${catalog}.${namespace}.mart_brand_performance (
  event_date             date          comment 'the day (UTC)',
  brand_key              bigint        comment 'dim_brand.brand_key (xxhash64 of brand); 0 for the events without a brand',
  brand                  string        comment 'the brand (lower case); NULL for brand_key 0',
  views                  bigint        comment 'view events of the brand that day',
  carts                  bigint        comment 'cart events',
  purchases              bigint        comment 'purchase events',
  revenue                decimal(18,2) comment 'sum of price over purchase events; 0.00 when none',
  users                  bigint        comment 'distinct users with an event of the brand that day',
  sessions               bigint        comment 'distinct sessions with an event of the brand that day',
  view_to_cart_rate      double        comment 'carts / views; NULL when views = 0',
  cart_to_purchase_rate  double        comment 'purchases / carts; NULL when carts = 0 (not capped)',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

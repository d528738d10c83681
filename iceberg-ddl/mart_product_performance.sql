-- Mart: one row per product over all batches, for analysts.
create table if not exists ${catalog}.${namespace}.mart_product_performance (
  product_id             bigint        comment 'the product',
  views                  bigint        comment 'view events',
  carts                  bigint        comment 'cart events',
  purchases              bigint        comment 'purchase events',
  revenue                decimal(18,2) comment 'sum of price over purchase events; 0.00 when none',
  view_to_cart_rate      double        comment 'carts / views; NULL when views = 0',
  cart_to_purchase_rate  double        comment 'purchases / carts; NULL when carts = 0 (not capped)',
  first_seen_at          timestamp     comment 'first event time',
  last_seen_at           timestamp     comment 'last event time',
  brand                  string        comment 'brand of the latest event by (event_time, event_id), as dim_product; NULL when that event has none',
  category_id            bigint        comment 'category of that latest event, as dim_product.category_key; NULL when it has none',
  category_code          string        comment 'latest known code of category_id (dim_category), kept current; NULL when category_id is NULL or has no code yet',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

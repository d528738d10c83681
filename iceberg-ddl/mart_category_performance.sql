-- Mart: the funnel per day (UTC) and category, for analysts (events without a category_id are left out).
create table if not exists ${catalog}.${namespace}.mart_category_performance (
  event_date             date          comment 'the day (UTC)',
  category_id            bigint        comment 'the category (dim_category.category_id)',
  category_code          string        comment 'latest known code of the category (dim_category.category_code), on every day of it; NULL while none is known',
  top_category           string        comment 'first level of category_code (dim_category.level_1); NULL when category_code is',
  views                  bigint        comment 'view events of the category that day',
  carts                  bigint        comment 'cart events',
  purchases              bigint        comment 'purchase events',
  revenue                decimal(18,2) comment 'sum of price over purchase events; 0.00 when none',
  users                  bigint        comment 'distinct users with an event in the category that day',
  sessions               bigint        comment 'distinct sessions with an event in the category that day',
  view_to_cart_rate      double        comment 'carts / views; NULL when views = 0',
  cart_to_purchase_rate  double        comment 'purchases / carts; NULL when carts = 0 (not capped: a purchase without a cart counts)',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

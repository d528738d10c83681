-- Mart: one row per user_id with at least one clean event (data contract 5). Cumulative over all batches.
create table if not exists ${catalog}.${namespace}.mart_user_engagement (
  user_id                bigint        comment 'the user',
  total_views            int           comment 'view events',
  total_add_to_cart      int           comment 'cart events',
  total_purchases        int           comment 'purchase events',
  view_to_cart_rate      double        comment 'total_add_to_cart / total_views; NULL when total_views = 0',
  cart_to_purchase_rate  double        comment 'total_purchases / total_add_to_cart; NULL when total_add_to_cart = 0 (not capped)',
  total_remove_from_cart int           comment 'remove_from_cart events (in none of the three counts above)',
  total_revenue          decimal(18,2) comment 'sum of price over purchase events',
  first_event_at         timestamp     comment 'first event time',
  last_event_at          timestamp     comment 'last event time',
  sessions               bigint        comment 'distinct sessions the user has an event in; NULL on a row an older release wrote, until the user has new events or a full refresh',
  recency_score          int           comment 'RFM R, 1..5: from the share of users whose last event day is earlier (5 = most recent); recomputed over all users on every build; NULL as sessions',
  frequency_score        int           comment 'RFM F, 1..5: from the share of users with fewer sessions; NULL as sessions',
  monetary_score         int           comment 'RFM M, 1..5: from the share of users with a smaller total_revenue; NULL as sessions',
  rfm_segment            string        comment 'champions, loyal, new, at_risk, lost or regular: the first that the three scores match; NULL as sessions',
  updated_batch_id       string        comment 'last batch that changed the row'
)
using iceberg
tblproperties ('format-version' = '2', 'write.merge.mode' = 'merge-on-read', 'write.update.mode' = 'merge-on-read', 'write.delete.mode' = 'merge-on-read')

-- mart_user_engagement: one row per user: counts per event type, conversion rates and revenue. The rates are
-- recomputed from the summed counts (NULL when the denominator is 0), never added.
--
-- key: user_id
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events):
--   total_views = t.total_views + s.total_views
--   total_add_to_cart = t.total_add_to_cart + s.total_add_to_cart
--   total_purchases = t.total_purchases + s.total_purchases
--   view_to_cart_rate = {{ rate((t.total_add_to_cart + s.total_add_to_cart), (t.total_views + s.total_views)) }}
--   cart_to_purchase_rate = {{ rate((t.total_purchases + s.total_purchases), (t.total_add_to_cart + s.total_add_to_cart)) }}
--   total_remove_from_cart = t.total_remove_from_cart + s.total_remove_from_cart
--   total_revenue = {{ money(t.total_revenue + s.total_revenue, concat('user ', cast(s.user_id as string))) }}
--   first_event_at = least(t.first_event_at, s.first_event_at)
--   last_event_at = greatest(t.last_event_at, s.last_event_at)
--   updated_batch_id = s.updated_batch_id

with events as (

    select * from {{ ref('stg_events') }}

),

per_user as (

    select
        user_id,
        sum(is_view) as v,
        sum(is_cart) as c,
        sum(is_purchase) as p,
        sum(is_remove) as r,
        {{ money(sum(purchase_revenue), concat('user ', cast(user_id as string))) }} as revenue,
        min(event_time) as first_event_at,
        max(event_time) as last_event_at
    from events
    group by user_id

),

final as (

    select
        user_id,
        cast(v as int) as total_views,
        cast(c as int) as total_add_to_cart,
        cast(p as int) as total_purchases,
        {{ rate(c, v) }} as view_to_cart_rate,
        {{ rate(p, c) }} as cart_to_purchase_rate,
        cast(r as int) as total_remove_from_cart,
        revenue as total_revenue,
        first_event_at,
        last_event_at,
        ${batch_id} as updated_batch_id
    from per_user

)

select * from final

-- fact_sessions: one row per session: its smallest user, first and last event, counts per event type, revenue and
-- the value of its cart events. A session may span batches and days: its counts and sums add up across batches.
--
-- key: user_session
-- strategy: combine
-- prune by: first_event_at
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events):
--   user_key = least(t.user_key, s.user_key)
--   first_event_at = least(t.first_event_at, s.first_event_at)
--   last_event_at = greatest(t.last_event_at, s.last_event_at)
--   events = t.events + s.events
--   views = t.views + s.views
--   carts = t.carts + s.carts
--   removes = t.removes + s.removes
--   purchases = t.purchases + s.purchases
--   revenue = {{ money(t.revenue + s.revenue, concat('session ', s.user_session)) }}
--   cart_value = {{ money(coalesce(t.cart_value, 0) + s.cart_value, concat('carts of session ', s.user_session)) }}
--   updated_batch_id = s.updated_batch_id

with events as (

    select * from {{ ref('stg_events') }}

),

final as (

    select
        user_session,
        min(user_id) as user_key,
        min(event_time) as first_event_at,
        max(event_time) as last_event_at,
        count(*) as events,
        sum(is_view) as views,
        sum(is_cart) as carts,
        sum(is_remove) as removes,
        sum(is_purchase) as purchases,
        {{ money(sum(purchase_revenue), concat('session ', user_session)) }} as revenue,
        {{ money(sum(case when is_cart = 1 then cast(price as decimal(38,2)) else cast(0 as decimal(38,2)) end), concat('carts of session ', user_session)) }} as cart_value,
        ${batch_id} as updated_batch_id
    from events
    group by user_session

)

select * from final

-- mart_brand_performance: one row per UTC day and brand: counts per event type, revenue, distinct users and
-- sessions, and the view-to-cart and cart-to-purchase rates (NULL when the denominator is 0). brand_key is
-- dim_brand's xxhash64(brand), the events' brand_key; the events without a brand make one row per day with brand_key 0 and brand NULL.
-- Distinct counts cannot be added across batches, so the days this run touched are recomputed from all their events.
--
-- key: event_date, brand_key
-- strategy: replace-keys
-- reads: ref('stg_events'), ref('stg_all_events')

with days as (

    select distinct event_date as d from {{ ref('stg_events') }}

),

-- the event_time range prunes files and partitions before the exact day filter; the days are broadcast, as a
-- shuffled semi-join sends every event of a day to one task (every event, when the batch has one day)
day_events as (

    select /*+ BROADCAST(d) */
        event_date,
        coalesce(brand_key, cast(0 as bigint)) as brand_key,
        brand,
        is_view,
        is_cart,
        is_purchase,
        purchase_revenue,
        user_session,
        user_id
    from {{ ref('stg_all_events') }} e
    left semi join days d on d.d = e.event_date
    where (${full_refresh} or (event_time >= ${first_day} and event_time < ${day_after_last}))

),

totals as (

    select
        event_date,
        brand_key,
        max(brand) as brand,
        sum(is_view) as views,
        sum(is_cart) as carts,
        sum(is_purchase) as purchases,
        {{ money(sum(purchase_revenue), concat('brand ', coalesce(max(brand), '(none)'), ' on ', cast(event_date as string))) }} as revenue
    from day_events
    group by event_date, brand_key

),

-- distinct users and sessions from one small aggregate each, rather than count(distinct ...) (see mart_daily_funnel)
per_session as (

    select event_date, brand_key, user_session
    from day_events
    group by event_date, brand_key, user_session

),

per_user as (

    select event_date, brand_key, user_id
    from day_events
    group by event_date, brand_key, user_id

),

sessions as (

    select event_date, brand_key, count(*) as sessions
    from per_session
    group by event_date, brand_key

),

users as (

    select event_date, brand_key, count(*) as users
    from per_user
    group by event_date, brand_key

),

final as (

    select
        t.event_date,
        t.brand_key,
        t.brand,
        cast(t.views as bigint) as views,
        cast(t.carts as bigint) as carts,
        cast(t.purchases as bigint) as purchases,
        t.revenue,
        u.users,
        s.sessions,
        {{ rate(t.carts, t.views) }} as view_to_cart_rate,
        {{ rate(t.purchases, t.carts) }} as cart_to_purchase_rate,
        ${batch_id} as updated_batch_id
    from totals t
    join sessions s on s.event_date = t.event_date and s.brand_key = t.brand_key
    join users u on u.event_date = t.event_date and u.brand_key = t.brand_key

)

select * from final

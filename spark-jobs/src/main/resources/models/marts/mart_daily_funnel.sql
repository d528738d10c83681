-- mart_daily_funnel: one row per UTC day: counts per event type, revenue, distinct sessions, users and buyers.
-- Distinct counts cannot be added across batches, so the days this run touched are recomputed from all their
-- events and replace the stored rows.
--
-- key: event_date
-- strategy: replace-keys
-- reads: ref('stg_events'), ref('stg_all_events')

with days as (

    select distinct event_date as d from {{ ref('stg_events') }}

),

-- the event_time range prunes files and partitions before the exact day filter; the days are broadcast, as a
-- shuffled semi-join sends every event of a day to one task (every event, when the batch has one day)
day_events as (

    select /*+ BROADCAST(d) */
        event_date, is_view, is_cart, is_remove, is_purchase, purchase_revenue, user_session, user_id
    from {{ ref('stg_all_events') }} e
    left semi join days d on d.d = e.event_date
    where (${full_refresh} or (event_time >= ${first_day} and event_time < ${day_after_last}))

),

totals as (

    select
        event_date,
        sum(is_view) as views,
        sum(is_cart) as carts,
        sum(is_remove) as removes,
        sum(is_purchase) as purchases,
        {{ money(sum(purchase_revenue), concat('day ', cast(event_date as string))) }} as revenue
    from day_events
    group by event_date

),

-- Distinct sessions, users and buyers per day come from one small aggregate per day and session and one per day
-- and user, rather than count(distinct ...) (which Spark evaluates by copying every event once per distinct
-- column).
per_session as (

    select event_date, user_session, max(is_purchase) as purchased
    from day_events
    group by event_date, user_session

),

per_user as (

    select event_date, user_id, max(is_purchase) as bought
    from day_events
    group by event_date, user_id

),

sessions as (

    select event_date, count(*) as sessions, sum(purchased) as purchasing_sessions
    from per_session
    group by event_date

),

users as (

    select event_date, count(*) as users, sum(bought) as buyers
    from per_user
    group by event_date

),

final as (

    select
        t.event_date,
        t.views,
        t.carts,
        t.removes,
        t.purchases,
        t.revenue,
        s.sessions,
        s.purchasing_sessions,
        u.buyers,
        u.users,
        ${batch_id} as updated_batch_id
    from totals t
    join sessions s on s.event_date = t.event_date
    join users u on u.event_date = t.event_date

)

select * from final

-- mart_category_performance: one row per UTC day and category: counts per event type, revenue, distinct users and
-- sessions, and the view-to-cart and cart-to-purchase rates (NULL when the denominator is 0). Events without a
-- category_id are left out. Distinct counts cannot be added across batches, so the days this run touched are
-- recomputed from all their events. category_code and top_category are the category's latest known code
-- (dim_category, built before this model), so when a run gives a category a new code, the rows of its other days
-- get it too (their counts copied from the stored row).
--
-- key: event_date, category_id
-- strategy: replace-keys
-- reads: ref('stg_events'), ref('stg_all_events'), ref('dim_category')

with days as (

    select distinct event_date as d from {{ ref('stg_events') }}

),

-- the event_time range prunes files and partitions before the exact day filter; the days are broadcast, as a
-- shuffled semi-join sends every event of a day to one task (every event, when the batch has one day)
day_events as (

    select /*+ BROADCAST(d) */
        event_date, category_id, is_view, is_cart, is_purchase, purchase_revenue, user_session, user_id
    from {{ ref('stg_all_events') }} e
    left semi join days d on d.d = e.event_date
    where (${full_refresh} or (event_time >= ${first_day} and event_time < ${day_after_last}))
        and category_id is not null

),

totals as (

    select
        event_date,
        category_id,
        sum(is_view) as views,
        sum(is_cart) as carts,
        sum(is_purchase) as purchases,
        {{ money(sum(purchase_revenue), concat('category ', cast(category_id as string), ' on ', cast(event_date as string))) }} as revenue
    from day_events
    group by event_date, category_id

),

-- distinct users and sessions from one small aggregate each, rather than count(distinct ...) (see mart_daily_funnel)
per_session as (

    select event_date, category_id, user_session
    from day_events
    group by event_date, category_id, user_session

),

per_user as (

    select event_date, category_id, user_id
    from day_events
    group by event_date, category_id, user_id

),

sessions as (

    select event_date, category_id, count(*) as sessions
    from per_session
    group by event_date, category_id

),

users as (

    select event_date, category_id, count(*) as users
    from per_user
    group by event_date, category_id

),

codes as (

    select category_id, category_code, level_1
    from {{ ref('dim_category') }}

),

recomputed as (

    select /*+ BROADCAST(c) */
        t.event_date,
        t.category_id,
        c.category_code,
        c.level_1 as top_category,
        cast(t.views as bigint) as views,
        cast(t.carts as bigint) as carts,
        cast(t.purchases as bigint) as purchases,
        t.revenue,
        u.users,
        s.sessions,
        {{ rate(t.carts, t.views) }} as view_to_cart_rate,
        {{ rate(t.purchases, t.carts) }} as cart_to_purchase_rate
    from totals t
    join sessions s on s.event_date = t.event_date and s.category_id = t.category_id
    join users u on u.event_date = t.event_date and u.category_id = t.category_id
    left join codes c on c.category_id = t.category_id

),

-- The stored rows of other days whose category's code changed in this run (only a category coded in this run's
-- events can change): the same counts with the new code. Nothing on a full refresh, which recomputes every day.
recoded as (

    select /*+ BROADCAST(c) */
        p.event_date,
        p.category_id,
        c.category_code,
        c.level_1 as top_category,
        p.views,
        p.carts,
        p.purchases,
        p.revenue,
        p.users,
        p.sessions,
        p.view_to_cart_rate,
        p.cart_to_purchase_rate
    from {{ this }} p
    join codes c on c.category_id = p.category_id
    where not ${full_refresh}
        and p.category_id in (select category_id from {{ ref('stg_events') }} where category_code is not null)
        and not (p.category_code <=> c.category_code)
        and p.event_date not in (select d from days)

),

final as (

    select *, ${batch_id} as updated_batch_id from recomputed
    union all
    select *, ${batch_id} as updated_batch_id from recoded

)

select * from final

-- mart_user_engagement: one row per user: counts per event type, conversion rates, revenue, first and last event,
-- distinct sessions, and the RFM scores and segment. The counts add up across batches; the rates are recomputed from
-- the summed counts (NULL when the denominator is 0), never added.
--
-- RFM is recomputed over all users on every build (incremental or full refresh alike, so both give the same table):
-- each metric (R: the UTC day of last_event_at, F: sessions, M: total_revenue; more is better) scores
-- least(5, 1 + floor(5 * (users with a strictly worse value) / (all users))): ties share a score, the best get 5.
-- The ranks come from the distinct values and a running count of their users, not from a window over every user.
-- rfm_segment is the first match of champions (r, f, m >= 4), loyal (f >= 4), new (r >= 4, f <= 2),
-- at_risk (r <= 2, f >= 3), lost (r <= 2, f <= 2), else regular. So this model reads its whole table on every run;
-- it writes only the users whose values changed (theirs get this run's updated_batch_id, so the export sends them).
--
-- key: user_id
-- strategy: replace-keys
-- reads: ref('stg_events'), ref('fact_user_sessions')

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

-- the sessions this run added to each user: the pairs of fact_user_sessions it inserted (every pair on a full refresh)
new_sessions as (

    select user_key as user_id, count(*) as sessions
    from {{ ref('fact_user_sessions') }}
    where batch_id = ${batch_id}
    group by user_key

),

stored as (

    select * from {{ this }} where not ${full_refresh}

),

-- every user: the stored row plus this run's events
combined as (

    select
        coalesce(t.user_id, s.user_id) as user_id,
        coalesce(t.total_views, 0) + coalesce(cast(s.v as int), 0) as total_views,
        coalesce(t.total_add_to_cart, 0) + coalesce(cast(s.c as int), 0) as total_add_to_cart,
        coalesce(t.total_purchases, 0) + coalesce(cast(s.p as int), 0) as total_purchases,
        coalesce(t.total_remove_from_cart, 0) + coalesce(cast(s.r as int), 0) as total_remove_from_cart,
        {{ money(coalesce(t.total_revenue, 0) + coalesce(s.revenue, 0), concat('user ', cast(coalesce(t.user_id, s.user_id) as string))) }} as total_revenue,
        least(t.first_event_at, s.first_event_at) as first_event_at,
        greatest(t.last_event_at, s.last_event_at) as last_event_at,
        coalesce(t.sessions, 0) + coalesce(n.sessions, 0) as sessions
    from stored t
    full outer join per_user s on s.user_id = t.user_id
    left join new_sessions n on n.user_id = coalesce(t.user_id, s.user_id)

),

metrics as (

    select
        *,
        date_from_unix_date(cast((unix_micros(last_event_at) - pmod(unix_micros(last_event_at), 86400000000)) div 86400000000 as int)) as last_day
    from combined

),

population as (

    select count(*) as users from metrics

),

-- per distinct value: the users with a strictly smaller (worse) value, by a running count over the values
r_values as (

    select last_day, count(*) as n from metrics group by last_day

),

r_scores as (

    select /*+ BROADCAST(p) */
        v.last_day,
        cast(least(5, 1 + floor(5 * (sum(v.n) over (order by v.last_day) - v.n) / p.users)) as int) as recency_score
    from r_values v
    cross join population p

),

f_values as (

    select sessions, count(*) as n from metrics group by sessions

),

f_scores as (

    select /*+ BROADCAST(p) */
        v.sessions,
        cast(least(5, 1 + floor(5 * (sum(v.n) over (order by v.sessions) - v.n) / p.users)) as int) as frequency_score
    from f_values v
    cross join population p

),

m_values as (

    select total_revenue, count(*) as n from metrics group by total_revenue

),

m_scores as (

    select /*+ BROADCAST(p) */
        v.total_revenue,
        cast(least(5, 1 + floor(5 * (sum(v.n) over (order by v.total_revenue) - v.n) / p.users)) as int) as monetary_score
    from m_values v
    cross join population p

),

scored as (

    select /*+ BROADCAST(r, f) */
        u.user_id,
        cast(u.total_views as int) as total_views,
        cast(u.total_add_to_cart as int) as total_add_to_cart,
        cast(u.total_purchases as int) as total_purchases,
        {{ rate(u.total_add_to_cart, u.total_views) }} as view_to_cart_rate,
        {{ rate(u.total_purchases, u.total_add_to_cart) }} as cart_to_purchase_rate,
        cast(u.total_remove_from_cart as int) as total_remove_from_cart,
        u.total_revenue,
        u.first_event_at,
        u.last_event_at,
        cast(u.sessions as bigint) as sessions,
        r.recency_score,
        f.frequency_score,
        m.monetary_score
    from metrics u
    join r_scores r on r.last_day = u.last_day
    join f_scores f on f.sessions = u.sessions
    join m_scores m on m.total_revenue = u.total_revenue

),

segmented as (

    select
        *,
        case
            when recency_score >= 4 and frequency_score >= 4 and monetary_score >= 4 then 'champions'
            when frequency_score >= 4 then 'loyal'
            when recency_score >= 4 and frequency_score <= 2 then 'new'
            when recency_score <= 2 and frequency_score >= 3 then 'at_risk'
            when recency_score <= 2 and frequency_score <= 2 then 'lost'
            else 'regular'
        end as rfm_segment
    from scored

),

-- only the users whose values changed (every user on a full refresh, where nothing is stored)
final as (

    select x.*, ${batch_id} as updated_batch_id
    from segmented x
    left join stored t on t.user_id = x.user_id
    where t.user_id is null
        or not (t.total_views = x.total_views
            and t.total_add_to_cart = x.total_add_to_cart
            and t.total_purchases = x.total_purchases
            and t.total_remove_from_cart = x.total_remove_from_cart
            and t.total_revenue = x.total_revenue
            and t.first_event_at <=> x.first_event_at
            and t.last_event_at <=> x.last_event_at
            and t.sessions <=> x.sessions
            and t.recency_score <=> x.recency_score
            and t.frequency_score <=> x.frequency_score
            and t.monetary_score <=> x.monetary_score
            and t.rfm_segment <=> x.rfm_segment)

)

select * from final

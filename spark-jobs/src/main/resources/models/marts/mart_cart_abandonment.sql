-- mart_cart_abandonment: one row per UTC day that has carting sessions. A session belongs to the day of its first
-- event (session_date); it is carting with at least one cart event, abandoned when carting without any purchase in
-- the whole session. abandoned_value sums the price of the cart events of the abandoned sessions; cart_purchase_rate
-- is the share of carting sessions that bought (NULL when there are none). It reads fact_sessions (built before this
-- model): a session spans batches and days there already. The days recomputed run from the first day of the
-- sessions this run changed to the last day of their last events, which holds the day a session left when a late
-- event moved its start earlier; a recomputed day left without carting sessions is deleted.
--
-- key: session_date
-- strategy: replace-keys
-- delete when: s.carting_sessions = 0
-- reads: ref('fact_sessions')

with sessions as (

    select
        -- the UTC day, as event_date of stg_all_events
        date_from_unix_date(cast((unix_micros(first_event_at) - pmod(unix_micros(first_event_at), 86400000000)) div 86400000000 as int)) as session_date,
        date_from_unix_date(cast((unix_micros(last_event_at) - pmod(unix_micros(last_event_at), 86400000000)) div 86400000000 as int)) as last_date,
        first_event_at,
        carts,
        purchases,
        cart_value,
        updated_batch_id
    from {{ ref('fact_sessions') }}

),

span as (

    select min(session_date) as first_day, max(last_date) as last_day
    from sessions
    where ${full_refresh} or updated_batch_id = ${batch_id}

),

days as (

    select explode(sequence(first_day, last_day)) as session_date
    from span
    where first_day is not null

),

per_day as (

    select /*+ BROADCAST(p) */
        s.session_date,
        count(*) as carting_sessions,
        cast(sum(case when s.purchases = 0 then 1 else 0 end) as bigint) as abandoned_sessions,
        {{ money(sum(case when s.purchases = 0 then coalesce(s.cart_value, 0) else 0 end), concat('abandoned carts on ', cast(s.session_date as string))) }} as abandoned_value
    from sessions s
    cross join span p
    where s.carts > 0
        and s.first_event_at >= cast(p.first_day as timestamp)
        and s.first_event_at < cast(date_add(p.last_day, 1) as timestamp)
    group by s.session_date

),

final as (

    select /*+ BROADCAST(d) */
        d.session_date,
        coalesce(p.carting_sessions, cast(0 as bigint)) as carting_sessions,
        coalesce(p.abandoned_sessions, cast(0 as bigint)) as abandoned_sessions,
        coalesce(p.abandoned_value, cast(0 as decimal(18,2))) as abandoned_value,
        {{ rate((p.carting_sessions - p.abandoned_sessions), coalesce(p.carting_sessions, 0)) }} as cart_purchase_rate,
        ${batch_id} as updated_batch_id
    from days d
    left join per_day p on p.session_date = d.session_date

)

select * from final

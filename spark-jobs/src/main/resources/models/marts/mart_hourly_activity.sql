-- mart_hourly_activity: one row per ISO day of week (1 = Monday .. 7 = Sunday) and hour of day (0..23) of the event
-- time in UTC: counts per event type and revenue over every event, for a heat map. Every measure adds up across
-- batches.
--
-- key: day_of_week, hour_of_day
-- strategy: combine
-- reads: ref('stg_events')
-- combine (t = the table's row, s = the row built from this run's events):
--   events = t.events + s.events
--   views = t.views + s.views
--   carts = t.carts + s.carts
--   removes = t.removes + s.removes
--   purchases = t.purchases + s.purchases
--   revenue = {{ money(t.revenue + s.revenue, concat('weekday ', cast(s.day_of_week as string), ' hour ', cast(s.hour_of_day as string))) }}
--   updated_batch_id = s.updated_batch_id

with events as (

    -- the UTC hour by integer arithmetic on epoch microseconds, like event_date (no time-zone conversion)
    select
        cast(weekday(event_date) + 1 as int) as day_of_week,
        cast(pmod(unix_micros(event_time), 86400000000) div 3600000000 as int) as hour_of_day,
        is_view,
        is_cart,
        is_remove,
        is_purchase,
        purchase_revenue
    from {{ ref('stg_events') }}

),

final as (

    select
        day_of_week,
        hour_of_day,
        count(*) as events,
        cast(sum(is_view) as bigint) as views,
        cast(sum(is_cart) as bigint) as carts,
        cast(sum(is_remove) as bigint) as removes,
        cast(sum(is_purchase) as bigint) as purchases,
        {{ money(sum(purchase_revenue), concat('weekday ', cast(day_of_week as string), ' hour ', cast(hour_of_day as string))) }} as revenue,
        ${batch_id} as updated_batch_id
    from events
    group by day_of_week, hour_of_day

)

select * from final

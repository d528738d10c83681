-- stg_all_events: every clean event, with the columns the star schema and the marts derive from an event.
-- These expressions live here only; the models read the columns instead of repeating them. The fact's keys
-- (date_key, brand_key, revenue) are columns of events itself, written by the clean stage (EventKeys).
--
-- key: event_id
-- strategy: view
-- reads: ref('events')

with events as (

    select * from {{ ref('events') }}

),

dated as (

    select
        *,
        -- the UTC day by integer arithmetic on epoch microseconds: to_date(event_time) under the UTC session time
        -- zone the jobs set, without a time-zone conversion per row
        date_from_unix_date(cast((unix_micros(event_time) - pmod(unix_micros(event_time), 86400000000)) div 86400000000 as int)) as event_date
    from events

),

final as (

    select
        *,
        case when event_type = 'view' then 1 else 0 end as is_view,
        case when event_type = 'cart' then 1 else 0 end as is_cart,
        case when event_type = 'remove_from_cart' then 1 else 0 end as is_remove,
        case when event_type = 'purchase' then 1 else 0 end as is_purchase,
        -- decimal(38,2): a sum of it cannot overflow before 10^36 (prices are below 10^10), so a group's sum is
        -- NULL only on overflow, never for lack of purchases (0.00 for the other events)
        case when event_type = 'purchase' then cast(price as decimal(38,2)) else cast(0 as decimal(38,2)) end as purchase_revenue
    from dated

)

select * from final

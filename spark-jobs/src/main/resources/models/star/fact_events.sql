-- fact_events: one row per clean event, with its keys. Each event keeps its own brand and category (the dimensions
-- show the latest ones).
--
-- key: event_id
-- strategy: append
-- reads: ref('stg_events')

with events as (

    select * from {{ ref('stg_events') }}

),

final as (

    select
        event_id,
        date_key,
        event_time,
        event_type,
        product_id as product_key,
        category_id as category_key,
        case when brand is null then cast(null as bigint) else xxhash64(brand) end as brand_key,
        user_id as user_key,
        user_session,
        price,
        cast(purchase_revenue as decimal(18,2)) as revenue,
        batch_id
    from events

)

select * from final

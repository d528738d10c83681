-- dim_date: one row per UTC day that has events; a day never changes, so new days are inserted.
--
-- key: date_key
-- strategy: insert-missing
-- reads: ref('stg_events')

with days as (

    select distinct event_date as d, date_key from {{ ref('stg_events') }}

),

final as (

    select
        date_key,
        d as event_date,
        year(d) as year,
        quarter(d) as quarter,
        month(d) as month,
        dayofmonth(d) as day_of_month,
        (dayofweek(d) + 5) % 7 + 1 as day_of_week,
        date_format(d, 'EEEE') as day_name,
        dayofweek(d) in (1, 7) as is_weekend
    from days

)

select * from final

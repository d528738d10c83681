-- dim_brand: one row per brand; brand_key is xxhash64(brand) (the events' brand_key), so a key never changes meaning and new brands are
-- inserted.
--
-- key: brand_key
-- strategy: insert-missing
-- reads: ref('stg_events')

with brands as (

    select distinct brand_key, brand from {{ ref('stg_events') }}
    where brand is not null

),

final as (

    select
        brand_key,
        brand
    from brands

)

select * from final

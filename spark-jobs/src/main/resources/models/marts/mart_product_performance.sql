-- mart_product_performance: one row per product over its lifetime: counts per event type, revenue, the
-- view-to-cart and cart-to-purchase rates (NULL when the denominator is 0, recomputed from the summed counts), first
-- and last seen, and the brand and category of its latest event (dim_product's, built before this model: latest by
-- (event_time, event_id)). category_code is that category's latest known code (dim_category), kept current: when a
-- run gives a category a new code, the stored rows of its other products get it too (their counts unchanged).
--
-- key: product_id
-- strategy: combine
-- reads: ref('stg_events'), ref('dim_product'), ref('dim_category')
-- combine (t = the table's row, s = the row built from this run's events, zero counts for a product only recoded):
--   views = t.views + s.views
--   carts = t.carts + s.carts
--   purchases = t.purchases + s.purchases
--   revenue = {{ money(t.revenue + s.revenue, concat('product ', cast(s.product_id as string))) }}
--   view_to_cart_rate = {{ rate((t.carts + s.carts), (t.views + s.views)) }}
--   cart_to_purchase_rate = {{ rate((t.purchases + s.purchases), (t.carts + s.carts)) }}
--   first_seen_at = s.first_seen_at
--   last_seen_at = s.last_seen_at
--   brand = s.brand
--   category_id = s.category_id
--   category_code = s.category_code
--   updated_batch_id = s.updated_batch_id

with events as (

    select * from {{ ref('stg_events') }}

),

per_product as (

    select
        product_id,
        cast(sum(is_view) as bigint) as views,
        cast(sum(is_cart) as bigint) as carts,
        cast(sum(is_purchase) as bigint) as purchases,
        {{ money(sum(purchase_revenue), concat('product ', cast(product_id as string))) }} as revenue
    from events
    group by product_id

),

codes as (

    select category_id, category_code
    from {{ ref('dim_category') }}

),

-- first and last seen, brand and category over every batch, from the dimension this run already updated
counted as (

    select /*+ BROADCAST(p) */
        p.product_id,
        p.views,
        p.carts,
        p.purchases,
        p.revenue,
        {{ rate(p.carts, p.views) }} as view_to_cart_rate,
        {{ rate(p.purchases, p.carts) }} as cart_to_purchase_rate,
        d.first_seen_at,
        d.last_seen_at,
        d.brand,
        d.category_key as category_id
    from per_product p
    join {{ ref('dim_product') }} d on d.product_key = p.product_id

),

-- The stored products of the categories this run gave a new code, not among this run's products: zero counts, so
-- that the combine changes only their code. Nothing on a full refresh.
recoded as (

    select /*+ BROADCAST(c) */
        t.product_id,
        cast(0 as bigint) as views,
        cast(0 as bigint) as carts,
        cast(0 as bigint) as purchases,
        cast(0 as decimal(18,2)) as revenue,
        t.view_to_cart_rate,
        t.cart_to_purchase_rate,
        t.first_seen_at,
        t.last_seen_at,
        t.brand,
        t.category_id,
        c.category_code
    from {{ this }} t
    join codes c on c.category_id = t.category_id
    where not ${full_refresh}
        and t.category_id in (select category_id from events where category_code is not null)
        and not (t.category_code <=> c.category_code)
        and t.product_id not in (select product_id from per_product)

),

final as (

    select /*+ BROADCAST(c) */
        p.product_id,
        p.views,
        p.carts,
        p.purchases,
        p.revenue,
        p.view_to_cart_rate,
        p.cart_to_purchase_rate,
        p.first_seen_at,
        p.last_seen_at,
        p.brand,
        p.category_id,
        c.category_code,
        ${batch_id} as updated_batch_id
    from counted p
    left join codes c on c.category_id = p.category_id
    union all
    select *, ${batch_id} as updated_batch_id from recoded

)

select * from final

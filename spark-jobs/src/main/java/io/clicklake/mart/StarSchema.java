package io.clicklake.mart;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL of the star schema and the marts, in build order. {@code src} is the view of the events to
 * fold in; {@code events} is the whole events table (used where a mart needs more than the batch:
 * the distinct counts of the daily funnel); {@code ${label}} is the batch id written to
 * updated_batch_id.
 *
 * <p>Keys: product, category and user keys are their natural ids (stable positive bigints, so the
 * fact can be written without dimension lookups and incremental runs agree with full refreshes);
 * brand_key is xxhash64(brand); date_key is yyyymmdd. Dimensions are SCD type 1: the attributes of
 * the latest event win, and fact_events keeps each event's own brand and category.
 */
final class StarSchema {
  private StarSchema() {}

  /** A column taken from s when s holds the later (time, id), else kept from t. */
  private static String latest(String col, String time, String id) {
    return col + " = case when struct(s." + time + ", s." + id + ") > struct(t." + time + ", t." + id + ") then s." + col + " else t." + col + " end";
  }

  private static final String VIEWS = "sum(case when event_type = 'view' then 1 else 0 end)";
  private static final String CARTS = "sum(case when event_type = 'cart' then 1 else 0 end)";
  private static final String REMOVES = "sum(case when event_type = 'remove_from_cart' then 1 else 0 end)";
  private static final String PURCHASES = "sum(case when event_type = 'purchase' then 1 else 0 end)";
  /** The type of every revenue column (data contract section 5). */
  static final String MONEY = "decimal(18,2)";
  /** The largest value of {@link #MONEY}. */
  static final String MONEY_MAX = "9999999999999999.99";

  /**
   * Revenue of a group: the sum of price over its purchases, in decimal(38,2) (a price is below 10^10, so it
   * would take 10^26 purchases to overflow), then brought to {@link #MONEY} by {@link #money}. The sum runs
   * over every row of the group (0.00 for the others), so it is NULL only if it overflowed, never because
   * the group has no purchase.
   */
  static String revenue(String what) {
    return money("sum(case when event_type = 'purchase' then cast(price as decimal(38,2)) else cast(0 as decimal(38,2)) end)", what);
  }

  /**
   * {@code amount} as {@link #MONEY}, or a failed query when it does not fit: raise_error names the session,
   * user or day ({@code what}, an SQL string expression) and the value. Without it an overflowing cast is NULL
   * on Spark 3.5 (ANSI off), silently, and a bare "cannot be represented" error on Spark 4 (ANSI on). It cannot
   * happen in practice: prices are below 10^10, so a group needs more than 10^6 purchases at the highest
   * price to exceed 10^16.
   */
  static String money(String amount, String what) {
    return "case when (" + amount + ") is null or abs(" + amount + ") > " + MONEY_MAX
        + " then raise_error(concat('revenue of ', " + what + ", ' does not fit " + MONEY + " (at most " + MONEY_MAX
        + "): ', coalesce(cast((" + amount + ") as string), 'overflow in the sum'),"
        + " '; prices are below 10^10, so this needs over a million purchases at the highest price: check the input'))"
        + " else cast(" + amount + " as " + MONEY + ") end";
  }

  /**
   * The UTC date of event_time by integer arithmetic on epoch microseconds: the same as to_date(event_time)
   * under the UTC session time zone the jobs set, without a time-zone conversion per row.
   */
  static final String EVENT_DATE =
      "date_from_unix_date(cast((unix_micros(event_time) - pmod(unix_micros(event_time), 86400000000)) div 86400000000 as int))";

  /** yyyymmdd of a date column. */
  static String dateKey(String date) {
    return "(year(" + date + ") * 10000 + month(" + date + ") * 100 + dayofmonth(" + date + "))";
  }

  static String rate(String num, String den) {
    return "case when " + den + " = 0 then cast(null as double) else cast(" + num + " as double) / cast(" + den + " as double) end";
  }

  static List<Model> models(String events) {
    List<Model> m = new ArrayList<>();
    m.add(Model.append("fact_events",
        "select event_id, " + dateKey(EVENT_DATE) + " as date_key, event_time, event_type,"
            + " product_id as product_key, category_id as category_key,"
            + " case when brand is null then cast(null as bigint) else xxhash64(brand) end as brand_key,"
            + " user_id as user_key, user_session, price,"
            + " cast(case when event_type = 'purchase' then price else cast(0 as decimal(13,2)) end as " + MONEY + ") as revenue, batch_id"
            + " from src"));

    m.add(Model.insertMissing("dim_date", "date_key",
        "with days as (select distinct " + EVENT_DATE + " as d from src),"
            + " final as (select " + dateKey("d") + " as date_key, d as event_date, year(d) as year,"
            + " quarter(d) as quarter, month(d) as month, dayofmonth(d) as day_of_month,"
            + " (dayofweek(d) + 5) % 7 + 1 as day_of_week, date_format(d, 'EEEE') as day_name,"
            + " dayofweek(d) in (1, 7) as is_weekend from days)"
            + " select * from final"));

    m.add(Model.insertMissing("dim_brand", "brand_key",
        "with brands as (select distinct brand from src where brand is not null)"
            + " select xxhash64(brand) as brand_key, brand from brands"));

    String code = "s.category_code is not null and (t.category_code is null or struct(s.code_seen_at, s.category_code) > struct(t.code_seen_at, t.category_code))";
    List<String> cat = new ArrayList<>();
    for (String c : List.of("category_code", "code_seen_at", "level_1", "level_2", "level_3", "level_4")) {
      cat.add(c + " = case when " + code + " then s." + c + " else t." + c + " end");
    }
    // The latest code of each category: its time by a hash aggregate, then the code among the (few) events
    // at that time, rather than max(struct(time, code)) over every event (a sort of the whole batch).
    m.add(Model.combine("dim_category", "category_key",
        "with coded_at as (select category_id, max(case when category_code is not null then event_time end) as code_seen_at"
            + " from src where category_id is not null group by category_id),"
            + " codes as (select /*+ BROADCAST(c) */ s.category_id, max(s.category_code) as category_code from src s"
            + " join coded_at c on s.category_id = c.category_id and s.event_time = c.code_seen_at"
            + " where s.category_code is not null group by s.category_id),"
            + " final as (select c.category_id as category_key, c.category_id, k.category_code, c.code_seen_at,"
            + " get(split(k.category_code, '[.]'), 0) as level_1, get(split(k.category_code, '[.]'), 1) as level_2,"
            + " get(split(k.category_code, '[.]'), 2) as level_3, get(split(k.category_code, '[.]'), 3) as level_4"
            + " from coded_at c left join codes k on k.category_id = c.category_id)"
            + " select category_key, category_id, category_code, code_seen_at, level_1, level_2, level_3, level_4 from final",
        cat));

    List<String> prod = new ArrayList<>();
    for (String c : List.of("category_key", "brand_key", "brand", "last_price")) {
      prod.add(latest(c, "last_seen_at", "last_event_id"));
    }
    prod.add("first_seen_at = least(t.first_seen_at, s.first_seen_at)");
    prod.add("last_event_id = case when struct(s.last_seen_at, s.last_event_id) > struct(t.last_seen_at, t.last_event_id) then s.last_event_id else t.last_event_id end");
    prod.add("last_seen_at = greatest(t.last_seen_at, s.last_seen_at)");
    // The latest event of each product the same way: last time by a hash aggregate, then the greatest event_id
    // (and its attributes) among the events at that time.
    m.add(Model.combine("dim_product", "product_key",
        "with times as (select product_id, max(event_time) as last_seen_at, min(event_time) as first_seen_at from src group by product_id),"
            + " at_last as (select /*+ BROADCAST(t) */ s.product_id, max(struct(s.event_id, s.category_id, s.brand, s.price)) as latest"
            + " from src s join times t on s.product_id = t.product_id and s.event_time = t.last_seen_at group by s.product_id),"
            + " final as (select t.product_id as product_key, t.product_id, a.latest.category_id as category_key,"
            + " case when a.latest.brand is null then cast(null as bigint) else xxhash64(a.latest.brand) end as brand_key,"
            + " a.latest.brand as brand, a.latest.price as last_price, a.latest.event_id as last_event_id,"
            + " t.first_seen_at, t.last_seen_at from times t join at_last a on a.product_id = t.product_id)"
            + " select * from final",
        prod));

    m.add(Model.combine("dim_user", "user_key",
        "select user_id as user_key, user_id, min(event_time) as first_seen_at, max(event_time) as last_seen_at, count(*) as events"
            + " from src group by user_id",
        List.of("first_seen_at = least(t.first_seen_at, s.first_seen_at)",
            "last_seen_at = greatest(t.last_seen_at, s.last_seen_at)",
            "events = t.events + s.events")));

    m.add(Model.combine("fact_sessions", "user_session",
        "select user_session, min(user_id) as user_key, min(event_time) as first_event_at, max(event_time) as last_event_at,"
            + " count(*) as events, " + VIEWS + " as views, " + CARTS + " as carts, " + REMOVES + " as removes, "
            + PURCHASES + " as purchases, " + revenue("concat('session ', user_session)") + " as revenue, '${label}' as updated_batch_id"
            + " from src group by user_session",
        List.of("user_key = least(t.user_key, s.user_key)",
            "first_event_at = least(t.first_event_at, s.first_event_at)",
            "last_event_at = greatest(t.last_event_at, s.last_event_at)",
            "events = t.events + s.events", "views = t.views + s.views", "carts = t.carts + s.carts",
            "removes = t.removes + s.removes", "purchases = t.purchases + s.purchases",
            "revenue = " + money("t.revenue + s.revenue", "concat('session ', s.user_session)"),
            "updated_batch_id = s.updated_batch_id")));

    m.add(Model.combine("mart_user_engagement", "user_id",
        "with per_user as (select user_id, " + VIEWS + " as v, " + CARTS + " as c, " + PURCHASES + " as p, " + REMOVES + " as r,"
            + " " + revenue("concat('user ', cast(user_id as string))") + " as revenue, min(event_time) as first_event_at, max(event_time) as last_event_at from src group by user_id),"
            + " final as (select user_id, cast(v as int) as total_views, cast(c as int) as total_add_to_cart, cast(p as int) as total_purchases,"
            + " " + rate("c", "v") + " as view_to_cart_rate, " + rate("p", "c") + " as cart_to_purchase_rate,"
            + " cast(r as int) as total_remove_from_cart, revenue as total_revenue, first_event_at, last_event_at,"
            + " '${label}' as updated_batch_id from per_user)"
            + " select * from final",
        List.of("total_views = t.total_views + s.total_views",
            "total_add_to_cart = t.total_add_to_cart + s.total_add_to_cart",
            "total_purchases = t.total_purchases + s.total_purchases",
            "view_to_cart_rate = " + rate("(t.total_add_to_cart + s.total_add_to_cart)", "(t.total_views + s.total_views)"),
            "cart_to_purchase_rate = " + rate("(t.total_purchases + s.total_purchases)", "(t.total_add_to_cart + s.total_add_to_cart)"),
            "total_remove_from_cart = t.total_remove_from_cart + s.total_remove_from_cart",
            "total_revenue = " + money("t.total_revenue + s.total_revenue", "concat('user ', cast(s.user_id as string))"),
            "first_event_at = least(t.first_event_at, s.first_event_at)",
            "last_event_at = greatest(t.last_event_at, s.last_event_at)",
            "updated_batch_id = s.updated_batch_id")));

    m.add(Model.replace("mart_session_revenue", "user_session",
        "select user_session, revenue as total_revenue, user_key as user_id, first_event_at, last_event_at, events, views, carts,"
            + " purchases, updated_batch_id from ${fact_sessions} where updated_batch_id = '${label}'"));

    // Distinct sessions, users and buyers per day come from one small aggregate per day and session and
    // one per day and user, rather than count(distinct ...) (which Spark evaluates by copying every event
    // once per distinct column).
    String purchased = "max(case when event_type = 'purchase' then 1 else 0 end)";
    m.add(Model.replace("mart_daily_funnel", "event_date",
        "with days as (select distinct " + EVENT_DATE + " as d from src),"
            + " day_events as (select " + EVENT_DATE + " as event_date, event_type, price, user_session, user_id from " + events
            + " where ${day_range} and " + EVENT_DATE + " in (select d from days)),"
            + " totals as (select event_date, " + VIEWS + " as views, " + CARTS + " as carts, " + REMOVES + " as removes, "
            + PURCHASES + " as purchases, " + revenue("concat('day ', cast(event_date as string))") + " as revenue from day_events group by event_date),"
            + " per_session as (select event_date, user_session, " + purchased + " as purchased from day_events group by event_date, user_session),"
            + " per_user as (select event_date, user_id, " + purchased + " as bought from day_events group by event_date, user_id),"
            + " sessions as (select event_date, count(*) as sessions, sum(purchased) as purchasing_sessions from per_session group by event_date),"
            + " users as (select event_date, count(*) as users, sum(bought) as buyers from per_user group by event_date),"
            + " final as (select t.event_date, t.views, t.carts, t.removes, t.purchases, t.revenue, s.sessions, s.purchasing_sessions,"
            + " u.buyers, u.users, '${label}' as updated_batch_id"
            + " from totals t join sessions s on s.event_date = t.event_date join users u on u.event_date = t.event_date)"
            + " select * from final"));
    return m;
  }
}

-- A small, hand-checked state of the published tables for DashboardWriterTest.
-- Each table is checked on its own, so the tables need not describe the same events:
-- daily_funnel drives events/revenue, user_engagement the users and rate histograms,
-- session_revenue the sessions and the top-10 table, pipeline_batches the freshness section.

-- 3 days: 400 views, 100 carts, 17 removes, 46 purchases, revenue 4920.75 (563 events)
insert into daily_funnel (event_date, views, carts, removes, purchases, revenue, sessions, purchasing_sessions, buyers, users, updated_batch_id) values
  ('2019-10-01', 120, 30,  5, 12, 1500.50, 40, 10, 9, 35, '2019-10-01-00'),
  ('2019-10-02',  80, 10,  2,  4,  420.25, 30,  4, 4, 25, '2019-10-02-00'),
  ('2019-10-03', 200, 60, 10, 30, 3000.00, 70, 25, 20, 60, '2019-10-02-00');

-- 10 users. view_to_cart_rate bins (0% | 0-10% | 10-20% | ... | 90-100% | >100%):
--   0.0 -> 0%, 0.05 -> 0-10%, 0.1 -> 10-20%, 0.333 -> 30-40%, 0.7 -> 70-80%, 0.95 and 1.0 -> 90-100%,
--   2.5 -> >100%, and 2 NULL (users 6 and 7 have no views).
-- cart_to_purchase_rate: 0.0 x3 -> 0%, 0.2 and 2/7 -> 20-30%, 1.0 x2 -> 90-100%, 4/3 -> >100%, 2 NULL.
insert into user_engagement (user_id, total_views, total_add_to_cart, total_purchases, view_to_cart_rate, cart_to_purchase_rate, total_remove_from_cart, total_revenue) values
  ( 1,   10,   0, 0, 0.0e0,    null,                  0,    0.00),
  ( 2,   10,   1, 1, 0.1e0,    1.0e0,                 0,   10.00),
  ( 3,   10,   7, 2, 0.7e0,    0.2857142857142857e0,  1,  250.00),
  ( 4,    3,   3, 4, 1.0e0,    1.3333333333333333e0,  0, 1200.00),
  ( 5,    2,   5, 0, 2.5e0,    0.0e0,                 2,    0.00),
  ( 6,    0,   1, 1, null,     1.0e0,                 0,   42.00),
  ( 7,    0,   0, 1, null,     null,                  0,    5.25),
  ( 8,  100,   5, 1, 0.05e0,   0.2e0,                 0,   60.00),
  ( 9,   20,  19, 0, 0.95e0,   0.0e0,                 4,    0.00),
  (10, 1000, 333, 0, 0.333e0,  0.0e0,                 9,    0.00);

-- 14 sessions, 12 with a purchase (sess-e bought something priced 0.00), session revenue 3038.24.
-- Top 10 by revenue: h, b, l, a, f, g (tie with f, ordered by id), j, k, the HTML-hostile id, c; i is 11th.
insert into session_revenue (user_session, total_revenue, user_id, first_event_at, last_event_at, events, views, carts, purchases) values
  ('sess-a',  250.00,    3, '2019-10-01 10:00:00', '2019-10-01 10:20:00',  9, 5, 2, 2),
  ('sess-b',  999.99,    4, '2019-10-01 11:00:00', '2019-10-01 11:45:30', 12, 6, 3, 3),
  ('sess-c',   10.00,    2, '2019-10-01 12:00:00', '2019-10-01 12:05:00',  3, 1, 1, 1),
  ('sess-d',    0.00,    1, '2019-10-01 13:00:00', '2019-10-01 13:01:00',  2, 2, 0, 0),
  ('sess-e',    0.00,    5, '2019-10-02 09:00:00', '2019-10-02 09:10:00',  4, 2, 1, 1),
  ('sess-f',   75.50,    8, '2019-10-02 10:00:00', '2019-10-02 10:03:00',  3, 1, 1, 1),
  ('sess-g',   75.50,    8, '2019-10-02 11:00:00', '2019-10-02 11:03:00',  3, 1, 1, 1),
  ('sess-h', 1200.00,    4, '2019-10-02 12:00:00', '2019-10-02 12:30:00',  8, 3, 3, 2),
  ('sess-i',    5.25,    7, '2019-10-03 08:00:00', '2019-10-03 08:01:00',  1, 0, 0, 1),
  ('sess-j',   60.00,    8, '2019-10-03 09:00:00', '2019-10-03 09:09:00',  5, 3, 1, 1),
  ('sess-k',   42.00,    6, '2019-10-03 10:00:00', '2019-10-03 10:02:00',  2, 0, 1, 1),
  ('sess-l',  300.00,    3, '2019-10-03 11:00:00', '2019-10-03 11:40:00', 10, 5, 4, 1),
  ('sess-m',    0.00,   10, '2019-10-03 12:00:00', '2019-10-03 12:00:00',  1, 1, 0, 0),
  ('<b>x</b> & "q''s"', 20.00, null, '2019-10-03 13:00:00', '2019-10-03 13:05:00', 2, 0, 1, 1);

-- 4 batches, newest first: running, failed (its accounting does not add up: 90 + 5 + 4 != 100),
-- succeeded, succeeded. Last successful batch 2019-10-02 01:06:30, last export 2019-10-02 01:06:00.
-- Quarantined over all batches: malformed_row 5, bad_event_time 10, bad_price 15, bad_user_id 5, missing_session 8.
insert into pipeline_batches (batch_id, instance_path, started_at, finished_at, status, files_total, files_loaded, files_skipped, files_rejected,
    rows_read, rows_clean, rows_quarantined, rows_duplicate,
    q_malformed_row, q_bad_event_time, q_bad_event_type, q_bad_product_id, q_bad_category_id, q_bad_price, q_bad_user_id, q_missing_session,
    stage_status, clean_status, marts_status, export_status, purge_status, stage_at, clean_at, marts_at, export_at, purge_at, error_message) values
  ('2019-10-01-00', '/landing/2019/10/01/00', '2019-10-01 01:00:00', '2019-10-01 01:05:00', 'succeeded', 2, 2, 0, 0,
    1000, 950, 30, 20,   5, 10, 0, 0, 0, 15, 0, 0,
    'done', 'done', 'done', 'done', 'done', '2019-10-01 01:01:00', '2019-10-01 01:02:00', '2019-10-01 01:03:00', '2019-10-01 01:04:00', '2019-10-01 01:05:00', null),
  ('2019-10-02-00', '/landing/2019/10/02/00', '2019-10-02 01:00:00', '2019-10-02 01:06:30', 'succeeded', 1, 1, 0, 0,
     500, 490,  8,  2,   0,  0, 0, 0, 0,  0, 0, 8,
    'done', 'done', 'done', 'done', 'done', '2019-10-02 01:01:00', '2019-10-02 01:02:00', '2019-10-02 01:03:00', '2019-10-02 01:06:00', '2019-10-02 01:06:30', null),
  ('2019-10-03-00', '/landing/2019/10/03/00', '2019-10-03 01:00:00', '2019-10-03 01:02:00', 'failed', 1, 1, 0, 0,
     100,  90,  5,  4,   0,  0, 0, 0, 0,  0, 5, 0,
    'done', 'done', 'failed', null, null, '2019-10-03 01:01:00', '2019-10-03 01:01:30', null, null, null,
    'BuildMartsJob: Java heap space <OutOfMemoryError>'),
  ('2019-10-04-00', '/landing/2019/10/04/00', '2019-10-04 01:00:00', null, 'running', 3, null, null, null,
    null, null, null, null,   null, null, null, null, null, null, null, null,
    'done', null, null, null, null, '2019-10-04 01:01:00', null, null, null, null, null);

-- Analyst marts (issue 15).
-- Categories over all days, by revenue: 100 (1400.00; views 80, carts 15, purchases 7), 200 (90.00; 30, 2, 3:
-- more purchases than carts; its code is only known from 2019-10-02 on), 300 (20.50; no views: view->cart NULL,
-- an HTML-hostile code).
insert into category_performance (event_date, category_id, category_code, top_category, views, carts, purchases, revenue, users, sessions, view_to_cart_rate, cart_to_purchase_rate) values
  ('2019-10-01', 100, 'electronics.smartphone', 'electronics', 50, 10, 5, 1000.00, 20, 25, 0.2e0, 0.5e0),
  ('2019-10-02', 100, 'electronics.smartphone', 'electronics', 30,  5, 2,  400.00, 12, 14, 0.16666666666666666e0, 0.4e0),
  ('2019-10-01', 200, null, null,                              20,  0, 0,    0.00,  8,  9, 0.0e0, null),
  ('2019-10-02', 200, 'appliances.kitchen', 'appliances',      10,  2, 3,   90.00,  4,  4, 0.2e0, 1.5e0),
  ('2019-10-03', 300, 'apparel.<shoes> & "co"', 'apparel',      0,  1, 1,   20.50,  1,  1, null, 1.0e0);

-- Brands over all days, by revenue: 11 samsung (1300.00; 60, 12, 6), 0 without a brand (120.00; 40, 3, 2),
-- 22 apple (0.00; 5, 5, 0).
insert into brand_performance (event_date, brand_key, brand, views, carts, purchases, revenue, users, sessions, view_to_cart_rate, cart_to_purchase_rate) values
  ('2019-10-01', 11, 'samsung', 50, 10, 5, 1000.00, 20, 22, 0.2e0, 0.5e0),
  ('2019-10-02', 11, 'samsung', 10,  2, 1,  300.00,  5,  5, 0.2e0, 0.5e0),
  ('2019-10-01',  0, null,      40,  3, 2,  120.00, 10, 12, 0.075e0, 0.6666666666666666e0),
  ('2019-10-02', 22, 'apple',    5,  5, 0,    0.00,  3,  3, 1.0e0, 0.0e0);

-- 4 of the 168 weekday x hour cells; the others are 0.
insert into hourly_activity (day_of_week, hour_of_day, events, views, carts, removes, purchases, revenue) values
  (1,  0,  10,  7,  2, 0, 1,  50.00),
  (1, 13, 100, 80, 10, 5, 5, 500.00),
  (5, 20,  40, 30,  5, 1, 4, 320.25),
  (7, 23,   3,  3,  0, 0, 0,   0.00);

-- 4 weekly cohorts; the data reaches the week of 2019-10-14, so the triangle has 4, 3, 2 and 1 weeks.
-- Cohort 2019-09-23 has no row for week 2 (nobody active): the dashboard shows 0 there.
insert into cohort_retention (cohort_week, week_offset, cohort_users, active_users, purchasing_users, retention_rate) values
  ('2019-09-23', 0, 10, 10, 4, 1.0e0),
  ('2019-09-23', 1, 10,  4, 1, 0.4e0),
  ('2019-09-23', 3, 10,  1, 0, 0.1e0),
  ('2019-09-30', 0,  5,  5, 2, 1.0e0),
  ('2019-09-30', 1,  5,  2, 0, 0.4e0),
  ('2019-09-30', 2,  5,  1, 1, 0.2e0),
  ('2019-10-07', 0,  4,  4, 1, 1.0e0),
  ('2019-10-07', 1,  4,  1, 1, 0.25e0),
  ('2019-10-14', 0,  2,  2, 0, 1.0e0);

-- 3 days; on 2019-10-03 no session carted (rate NULL).
insert into cart_abandonment (session_date, carting_sessions, abandoned_sessions, abandoned_value, cart_purchase_rate) values
  ('2019-10-01', 10, 4, 250.50, 0.6e0),
  ('2019-10-02',  5, 5,  99.99, 0.0e0),
  ('2019-10-03',  0, 0,   0.00, null);

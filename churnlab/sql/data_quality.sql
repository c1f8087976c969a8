-- data_quality.sql: checks on the raw tables, one summary row per check.
--
-- Every check counts the raw rows that break a rule the data should follow. A non-zero count is not necessarily an
-- error of the pipeline, but it must be known before features are trusted: staging.sql already drops or nulls the
-- rows that would distort averages. The result is written to data/analytics/data_quality_summary.parquet and to
-- the data_quality_summary table of the database.

CREATE OR REPLACE TABLE data_quality_summary AS
WITH
-- The 99.9th percentile of minutes: days above it are outliers worth a look (a session left open overnight).
minutes_limit AS (
    SELECT quantile_cont(usage_minutes, 0.999) AS p999 FROM raw_usage_daily
),
checks AS (
    -- Minutes of use cannot be negative.
    SELECT 1 AS check_id, 'negative_minutes' AS check_name, 'usage_daily' AS table_name,
           'usage_minutes below zero' AS description,
           COUNT(*) FILTER (WHERE usage_minutes < 0) AS failing_rows, COUNT(*) AS total_rows
    FROM raw_usage_daily
    UNION ALL
    -- Extreme usage: above the 99.9th percentile of all days.
    SELECT 2, 'minutes_above_p999', 'usage_daily',
           'usage_minutes above the 99.9th percentile of all days (outliers)',
           COUNT(*) FILTER (WHERE usage_minutes > l.p999), COUNT(*)
    FROM raw_usage_daily CROSS JOIN minutes_limit AS l
    UNION ALL
    -- Minutes without a session: the tracker missed the session start (the row is kept; minutes are real).
    SELECT 3, 'minutes_without_sessions', 'usage_daily',
           'sessions = 0 but usage_minutes > 0 (session start not tracked)',
           COUNT(*) FILTER (WHERE sessions = 0 AND usage_minutes > 0), COUNT(*)
    FROM raw_usage_daily
    UNION ALL
    -- Usage must fall within the customer's life: nothing before signup.
    SELECT 4, 'usage_before_signup', 'usage_daily',
           'usage dated before the customer signed up',
           COUNT(*) FILTER (WHERE u."date" < c.signup_date), COUNT(*)
    FROM raw_usage_daily AS u JOIN raw_customers AS c USING (customer_id)
    UNION ALL
    -- A bill of zero dollars marked paid hides a billing bug (or a free plan billed by mistake).
    SELECT 5, 'zero_amount_paid', 'billing',
           'bills of amount 0 marked paid',
           COUNT(*) FILTER (WHERE amount = 0 AND payment_status = 'paid'), COUNT(*)
    FROM raw_billing
    UNION ALL
    -- The same customer billed twice on one day: a duplicated export row or a double charge.
    SELECT 6, 'duplicate_bills', 'billing',
           'more than one bill for a customer on one day (rows beyond the first)',
           COUNT(*) - COUNT(DISTINCT (customer_id, bill_date)), COUNT(*)
    FROM raw_billing
    UNION ALL
    -- Tickets cannot predate the account.
    SELECT 7, 'tickets_before_signup', 'support',
           'tickets dated before the customer signed up',
           COUNT(*) FILTER (WHERE s.ticket_date < c.signup_date), COUNT(*)
    FROM raw_support AS s JOIN raw_customers AS c USING (customer_id)
    UNION ALL
    -- Rows of customers the customers table does not know (broken foreign keys).
    SELECT 8, 'usage_of_unknown_customers', 'usage_daily',
           'usage rows whose customer_id is not in customers',
           COUNT(*) FILTER (WHERE c.customer_id IS NULL), COUNT(*)
    FROM raw_usage_daily AS u LEFT JOIN raw_customers AS c USING (customer_id)
)
SELECT
    check_id,
    check_name,
    table_name,
    description,
    failing_rows,
    total_rows,
    CASE WHEN total_rows = 0 THEN 0.0 ELSE failing_rows / total_rows END AS failing_share
FROM checks
ORDER BY check_id;

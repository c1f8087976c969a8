-- staging.sql: typed, cleaned copies of the raw Parquet tables.
--
-- The raw files are what an export job delivered. The staging layer gives every column a definite type and a clear
-- name, and removes rows no analysis should see (duplicates, impossible values), so that every later query can
-- trust its input. The pipeline creates the views raw_customers, raw_usage_daily, raw_billing and raw_support over
-- the Parquet files before running this file; the stg_* tables are written to data/staging/*.parquet afterwards.

-- Customers: one row per customer. The signup month is the customer's cohort in retention tables.
CREATE OR REPLACE TABLE stg_customers AS
SELECT
    CAST(customer_id AS INTEGER)                     AS customer_id,
    CAST(signup_date AS DATE)                        AS signup_date,
    CAST(date_trunc('month', signup_date) AS DATE)   AS signup_cohort,
    plan,
    region
FROM raw_customers;

-- Daily usage: one row per customer and day.
--   * `date` is also usage_date: DATE is a type name, and a telling name saves quoting in every query; the
--     original's `date` stays, so SQL written for the raw files runs here unchanged.
--   * A log delivered twice would count a day twice: keep the first row of each (customer, day).
--   * Negative minutes cannot happen: they become NULL, so they neither count as zero nor drag averages down.
CREATE OR REPLACE TABLE stg_usage_daily AS
SELECT usage_id, customer_id, usage_date, usage_date AS "date", sessions, usage_minutes, feature_events
FROM (
    SELECT
        usage_id,
        CAST(customer_id AS INTEGER)                                        AS customer_id,
        CAST("date" AS DATE)                                                AS usage_date,
        CAST(sessions AS INTEGER)                                           AS sessions,
        CASE WHEN usage_minutes < 0 THEN NULL ELSE usage_minutes END        AS usage_minutes,
        CAST(feature_events AS INTEGER)                                     AS feature_events,
        row_number() OVER (PARTITION BY customer_id, "date" ORDER BY usage_id) AS copy_number
    FROM raw_usage_daily
)
WHERE copy_number = 1;

-- Billing: money as DECIMAL (floats do not add up cents exactly); one bill per customer and day; a flag for bills
-- that were not paid on time, which the features count as payment issues.
CREATE OR REPLACE TABLE stg_billing AS
SELECT bill_id, customer_id, bill_date, amount, payment_status, payment_status IN ('late', 'failed') AS is_payment_issue
FROM (
    SELECT
        bill_id,
        CAST(customer_id AS INTEGER)        AS customer_id,
        CAST(bill_date AS DATE)             AS bill_date,
        CAST(amount AS DECIMAL(8, 2))       AS amount,
        lower(trim(payment_status))         AS payment_status,
        row_number() OVER (PARTITION BY customer_id, bill_date ORDER BY bill_id) AS copy_number
    FROM raw_billing
)
WHERE copy_number = 1;

-- Support: categories and priorities normalised to lower case (free text from a help desk rarely is).
CREATE OR REPLACE TABLE stg_support AS
SELECT
    CAST(ticket_id AS INTEGER)      AS ticket_id,
    CAST(customer_id AS INTEGER)    AS customer_id,
    CAST(ticket_date AS DATE)       AS ticket_date,
    lower(trim(category))           AS category,
    lower(trim(priority))           AS priority
FROM raw_support;

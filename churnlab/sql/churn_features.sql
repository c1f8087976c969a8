-- churn_features.sql: one row per customer, the features of a churn model and the churn label.
--
-- Everything is measured as of the observation date: the latest day with any usage (in a live system, "today").
-- Windows look back from it: the last 30 days and the 30 days before them, to see whether usage is fading.
-- The label comes from recency, the days since the customer was last active:
--   recency > 45 days -> churn_label = 1 (churned)
--   recency < 30 days -> churn_label = 0 (retained)
--   30 to 45 days, or no usage at all -> NULL (at risk / unknown: too early to tell, left out of training).

CREATE OR REPLACE TABLE churn_features AS
WITH
observation AS (
    SELECT MAX(usage_date) AS observation_date FROM stg_usage_daily
),
-- Usage per customer. As in the original tool, the 30-day averages are per active day (a day with a usage row):
-- AVG over the window's rows, NULL when the window has none. (A fading customer shows as fewer active days and as
-- NULL windows; churn_training counts the active days of each window too.)
usage_summary AS (
    SELECT
        u.customer_id,
        MAX(u.usage_date)           AS last_active_date,
        COUNT(*)                    AS active_days,
        AVG(u.sessions)             AS avg_sessions,
        AVG(u.usage_minutes)        AS avg_usage_minutes,
        AVG(u.usage_minutes) FILTER (WHERE u.usage_date > o.observation_date - 30)
                                    AS avg_usage_last_30d,
        AVG(u.usage_minutes) FILTER (
            WHERE u.usage_date > o.observation_date - 60 AND u.usage_date <= o.observation_date - 30)
                                    AS avg_usage_prev_30d,
        AVG(u.sessions) FILTER (WHERE u.usage_date > o.observation_date - 30)
                                    AS avg_sessions_last_30d,
        AVG(u.sessions) FILTER (
            WHERE u.usage_date > o.observation_date - 60 AND u.usage_date <= o.observation_date - 30)
                                    AS avg_sessions_prev_30d
    FROM stg_usage_daily AS u
    CROSS JOIN observation AS o
    GROUP BY u.customer_id
),
-- Billing per customer: late or failed payments signal budget trouble or a card about to be cancelled.
billing_summary AS (
    SELECT
        b.customer_id,
        COUNT(*)                                                                        AS total_bills,
        COUNT(*) FILTER (WHERE b.is_payment_issue)                                      AS total_payment_issues,
        COUNT(*) FILTER (WHERE b.payment_status = 'failed' AND b.bill_date > o.observation_date - 30)
                                                                                        AS failed_payments_30d,
        -- Bills of zero dollars marked paid: a billing-system anomaly the original tool counted per customer.
        COUNT(*) FILTER (WHERE b.amount = 0 AND b.payment_status = 'paid')              AS zero_paid_anomalies
    FROM stg_billing AS b
    CROSS JOIN observation AS o
    GROUP BY b.customer_id
),
-- Support per customer: many (and urgent) tickets often precede a cancellation.
support_summary AS (
    SELECT
        customer_id,
        COUNT(*)                                    AS total_tickets,
        COUNT(*) FILTER (WHERE priority = 'high')   AS high_priority_tickets
    FROM stg_support
    GROUP BY customer_id
),
-- One row per customer, including those without usage, bills or tickets (LEFT JOINs). As in the original tool, a
-- customer without bills has NULL bill counts, one without tickets NULL ticket counts, one without usage NULL
-- usage columns: "never billed" is not "billed and never late".
joined AS (
    SELECT
        c.customer_id,
        c.signup_date,
        c.signup_cohort,
        c.plan,
        c.region,
        o.observation_date,
        GREATEST(date_diff('day', c.signup_date, o.observation_date), 0)   AS tenure_days,
        u.last_active_date,
        -- Calendar months from the signup month to the last active month: 0 = active only in the signup month.
        date_diff('month', c.signup_date, u.last_active_date)               AS months_active,
        u.active_days,
        u.avg_sessions,
        u.avg_usage_minutes,
        u.avg_usage_last_30d,
        u.avg_usage_prev_30d,
        u.avg_usage_last_30d - u.avg_usage_prev_30d                         AS usage_trend_30d,
        u.avg_sessions_last_30d,
        u.avg_sessions_last_30d - u.avg_sessions_prev_30d                   AS sessions_trend_30d,
        b.total_bills,
        b.total_payment_issues,
        b.failed_payments_30d,
        b.zero_paid_anomalies,
        s.total_tickets,
        s.high_priority_tickets,
        date_diff('day', u.last_active_date, o.observation_date)            AS recency_days
    FROM stg_customers AS c
    CROSS JOIN observation AS o
    LEFT JOIN usage_summary AS u USING (customer_id)
    LEFT JOIN billing_summary AS b USING (customer_id)
    LEFT JOIN support_summary AS s USING (customer_id)
)
SELECT
    *,
    CASE
        WHEN recency_days IS NULL THEN NULL   -- never active: nothing to judge by
        WHEN recency_days > 45 THEN 1         -- gone quiet for over six weeks: churned
        WHEN recency_days < 30 THEN 0         -- active within the last month: retained
        ELSE NULL                             -- 30 to 45 days: at risk, too early to tell
    END AS churn_label
FROM joined
ORDER BY customer_id;

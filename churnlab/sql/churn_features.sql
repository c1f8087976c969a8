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
-- Usage per customer. The 30-day windows divide by 30 calendar days, not by active days: an idle day counts as
-- zero, which is exactly what a fading customer looks like.
usage_summary AS (
    SELECT
        u.customer_id,
        MAX(u.usage_date)           AS last_active_date,
        COUNT(*)                    AS active_days,
        AVG(u.sessions)             AS avg_sessions,
        AVG(u.usage_minutes)        AS avg_usage_minutes,
        COALESCE(SUM(u.usage_minutes) FILTER (WHERE u.usage_date > o.observation_date - 30), 0) / 30.0
                                    AS avg_usage_last_30d,
        COALESCE(SUM(u.usage_minutes) FILTER (
            WHERE u.usage_date > o.observation_date - 60 AND u.usage_date <= o.observation_date - 30), 0) / 30.0
                                    AS avg_usage_prev_30d,
        COALESCE(SUM(u.sessions) FILTER (WHERE u.usage_date > o.observation_date - 30), 0) / 30.0
                                    AS avg_sessions_last_30d,
        COALESCE(SUM(u.sessions) FILTER (
            WHERE u.usage_date > o.observation_date - 60 AND u.usage_date <= o.observation_date - 30), 0) / 30.0
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
                                                                                        AS failed_payments_30d
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
-- One row per customer, including those without usage, bills or tickets (LEFT JOINs; counts default to 0).
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
        COALESCE(u.active_days, 0)                                          AS active_days,
        u.avg_sessions,
        u.avg_usage_minutes,
        COALESCE(u.avg_usage_last_30d, 0)                                   AS avg_usage_last_30d,
        COALESCE(u.avg_usage_prev_30d, 0)                                   AS avg_usage_prev_30d,
        COALESCE(u.avg_usage_last_30d - u.avg_usage_prev_30d, 0)            AS usage_trend_30d,
        COALESCE(u.avg_sessions_last_30d, 0)                                AS avg_sessions_last_30d,
        COALESCE(u.avg_sessions_last_30d - u.avg_sessions_prev_30d, 0)      AS sessions_trend_30d,
        COALESCE(b.total_bills, 0)                                          AS total_bills,
        COALESCE(b.total_payment_issues, 0)                                 AS total_payment_issues,
        COALESCE(b.failed_payments_30d, 0)                                  AS failed_payments_30d,
        COALESCE(s.total_tickets, 0)                                        AS total_tickets,
        COALESCE(s.high_priority_tickets, 0)                                AS high_priority_tickets,
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

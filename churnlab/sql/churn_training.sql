-- churn_training.sql: the table a data scientist trains on. One row per customer who is still a customer on the
-- cutoff date; features from rows dated BEFORE the cutoff only, and the label from what happened AFTER it.
--
-- churn_features describes the whole window, and its churn_label (recency > 45 days) is read off the same rows as
-- the features: a model trained on it learns to restate the rule. Here the timeline is split:
--
--   |---- history: features (rows before cutoff_date) ----|---- the next N days: the label ----|
--                                                     cutoff_date                     observation_date
--
-- cutoff_date = observation_date - N + 1, with N = training_settings.horizon_days (60 by default), so the label
-- window holds N days. churned_next = 1 when the hidden truth (churn_truth, kept outside the raw tables) has a
-- churn date in [cutoff_date, cutoff_date + N). Customers who signed up fewer than 30 days before the cutoff have
-- almost no history: they stay in the table with too_new = TRUE, and models leave them out.
-- Averages are per active day (a day with a usage row), as in churn_features; a customer without usage, bills or
-- tickets in a window has NULL averages and zero counts.

CREATE OR REPLACE TABLE churn_training AS
WITH
settings AS (
    SELECT
        (SELECT MAX(usage_date) FROM stg_usage_daily) - horizon_days + 1   AS cutoff_date,
        horizon_days
    FROM training_settings
),
eligible AS (
    SELECT c.customer_id, c.signup_date, c.plan, c.region, s.cutoff_date, s.horizon_days, t.churn_date
    FROM stg_customers AS c
    CROSS JOIN settings AS s
    LEFT JOIN raw_churn_truth AS t USING (customer_id)
    WHERE c.signup_date < s.cutoff_date
      AND (t.churn_date IS NULL OR t.churn_date >= s.cutoff_date)   -- still a customer at the cutoff
),
usage_history AS (
    SELECT
        e.customer_id,
        MAX(u.usage_date)                                                                   AS last_active_date,
        COUNT(*) FILTER (WHERE u.usage_date >= e.cutoff_date - 30)                          AS active_days_30d,
        AVG(u.usage_minutes) FILTER (WHERE u.usage_date >= e.cutoff_date - 30)              AS avg_usage_last_30d,
        AVG(u.usage_minutes) FILTER (
            WHERE u.usage_date >= e.cutoff_date - 60 AND u.usage_date < e.cutoff_date - 30) AS avg_usage_prev_30d,
        AVG(u.sessions) FILTER (WHERE u.usage_date >= e.cutoff_date - 30)                   AS avg_sessions_last_30d
    FROM eligible AS e
    JOIN stg_usage_daily AS u ON u.customer_id = e.customer_id AND u.usage_date < e.cutoff_date
    GROUP BY e.customer_id
),
billing_history AS (
    SELECT
        e.customer_id,
        COUNT(*)                                                    AS bills_90d,
        COUNT(*) FILTER (WHERE b.payment_status = 'late')           AS late_payments_90d,
        COUNT(*) FILTER (WHERE b.payment_status = 'failed')         AS failed_payments_90d
    FROM eligible AS e
    JOIN stg_billing AS b
      ON b.customer_id = e.customer_id AND b.bill_date < e.cutoff_date AND b.bill_date >= e.cutoff_date - 90
    GROUP BY e.customer_id
),
support_history AS (
    SELECT
        e.customer_id,
        COUNT(*)                                                    AS tickets_90d,
        COUNT(*) FILTER (WHERE s.category = 'technical')            AS technical_tickets_90d,
        COUNT(*) FILTER (WHERE s.priority = 'high')                 AS high_priority_tickets_90d
    FROM eligible AS e
    JOIN stg_support AS s
      ON s.customer_id = e.customer_id AND s.ticket_date < e.cutoff_date AND s.ticket_date >= e.cutoff_date - 90
    GROUP BY e.customer_id
)
SELECT
    e.customer_id,
    e.cutoff_date,
    e.horizon_days,
    e.plan,
    e.region,
    date_diff('day', e.signup_date, e.cutoff_date)                  AS tenure_days,
    date_diff('day', e.signup_date, e.cutoff_date) < 30             AS too_new,
    COALESCE(u.active_days_30d, 0)                                  AS active_days_30d,
    u.avg_usage_last_30d,
    u.avg_usage_prev_30d,
    u.avg_usage_last_30d - u.avg_usage_prev_30d                     AS usage_trend_30d,
    u.avg_sessions_last_30d,
    date_diff('day', u.last_active_date, e.cutoff_date)             AS recency_days,
    COALESCE(b.bills_90d, 0)                                        AS bills_90d,
    COALESCE(b.late_payments_90d, 0)                                AS late_payments_90d,
    COALESCE(b.failed_payments_90d, 0)                              AS failed_payments_90d,
    COALESCE(s.tickets_90d, 0)                                      AS tickets_90d,
    COALESCE(s.technical_tickets_90d, 0)                            AS technical_tickets_90d,
    COALESCE(s.high_priority_tickets_90d, 0)                        AS high_priority_tickets_90d,
    CAST(e.churn_date IS NOT NULL AND e.churn_date < e.cutoff_date + e.horizon_days AS INTEGER) AS churned_next
FROM eligible AS e
LEFT JOIN usage_history AS u USING (customer_id)
LEFT JOIN billing_history AS b USING (customer_id)
LEFT JOIN support_history AS s USING (customer_id)
ORDER BY e.customer_id;

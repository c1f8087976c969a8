"""churnlab schema: the raw SaaS tables (customers, usage_daily, billing, support), the ground truth kept apart
(churn_truth), and the pipeline's outputs (churn_features, data_quality_summary). Names as in the Parquet files."""

from django.db import models

from .constants import PLANS, REGIONS, PaymentStatus, TicketCategory, TicketPriority

PLAN_CHOICES = [(plan.value, plan.value) for plan in PLANS]
REGION_CHOICES = [(region.value, region.value) for region in REGIONS]
PAYMENT_STATUS_CHOICES = [(status.value, status.value) for status in PaymentStatus]
CATEGORY_CHOICES = [(category.value, category.value) for category in TicketCategory]
PRIORITY_CHOICES = [(priority.value, priority.value) for priority in TicketPriority]


class Customer(models.Model):
    """A customer account of the SaaS product: when it signed up, on which plan, where."""

    id = models.AutoField(primary_key=True, db_column="customer_id", help_text="Customer number, from 1.")
    signup_date = models.DateField(db_index=True, help_text="Day the account was created.")
    plan = models.CharField(
        max_length=10, choices=PLAN_CHOICES, db_index=True, help_text="Subscription plan: Free, Basic, Pro, Enterprise."
    )
    region = models.CharField(
        max_length=5, choices=REGION_CHOICES, db_index=True, help_text="Sales region: NA, EU, APAC, LATAM."
    )

    class Meta:
        db_table = "customers"
        ordering = ["id"]

    def __str__(self):
        return f"Customer {self.id} ({self.plan}, {self.region})"


class UsageDaily(models.Model):
    """One customer's activity on one day (days without activity, or whose logs went missing, have no row)."""

    id = models.AutoField(primary_key=True, db_column="usage_id", help_text="Row number, from 1.")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="usage",
        db_column="customer_id",
        help_text="The customer who was active.",
    )
    date = models.DateField(db_column="date", db_index=True, help_text="Day of the activity.")
    sessions = models.PositiveIntegerField(help_text="Sessions started that day.")
    usage_minutes = models.FloatField(help_text="Minutes of use that day.")
    feature_events = models.PositiveIntegerField(help_text="Feature interactions logged that day.")

    class Meta:
        db_table = "usage_daily"
        ordering = ["id"]
        verbose_name = "daily usage"
        verbose_name_plural = "daily usage"

    def __str__(self):
        return f"{self.customer_id} on {self.date}"


class Billing(models.Model):
    """A bill of a paid plan, issued every 13 +- 2 days while the customer is subscribed."""

    id = models.AutoField(primary_key=True, db_column="bill_id", help_text="Bill number, from 1.")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="bills",
        db_column="customer_id",
        help_text="The customer billed.",
    )
    bill_date = models.DateField(db_index=True, help_text="Day the bill was issued.")
    amount = models.DecimalField(max_digits=8, decimal_places=2, help_text="Amount billed in dollars (plan price).")
    # No index on the three-valued status (nor on ticket category and priority): a filter on it is served better
    # by walking the date index newest first, and each index costs seconds to build over a million rows.
    payment_status = models.CharField(max_length=6, choices=PAYMENT_STATUS_CHOICES, help_text="paid, late or failed.")

    class Meta:
        db_table = "billing"
        ordering = ["id"]
        verbose_name = "bill"

    def __str__(self):
        return f"Bill {self.id}"


class SupportTicket(models.Model):
    """A support ticket a customer opened."""

    id = models.AutoField(primary_key=True, db_column="ticket_id", help_text="Ticket number, from 1.")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="tickets",
        db_column="customer_id",
        help_text="The customer who opened the ticket.",
    )
    ticket_date = models.DateField(db_index=True, help_text="Day the ticket was opened.")
    category = models.CharField(max_length=10, choices=CATEGORY_CHOICES, help_text="billing, technical or onboarding.")
    priority = models.CharField(max_length=6, choices=PRIORITY_CHOICES, help_text="low, medium or high.")

    class Meta:
        db_table = "support"
        ordering = ["id"]
        verbose_name = "support ticket"

    def __str__(self):
        return f"Ticket {self.id}"


class ChurnTruth(models.Model):
    """Ground truth of the simulation: when the customer really churned. Kept apart from the raw tables, as a real
    company would never have it; use it to check what the recency label and a model recover."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="truth",
        db_column="customer_id",
        help_text="The customer.",
    )
    churned = models.BooleanField(db_index=True, help_text="Whether the customer churned within the window.")
    churn_date = models.DateField(
        null=True, blank=True, help_text="First day without the customer; null if still a customer at the window end."
    )

    class Meta:
        db_table = "churn_truth"
        ordering = ["customer_id"]
        verbose_name = "churn truth"
        verbose_name_plural = "churn truth"

    def __str__(self):
        return f"{self.customer_id}: {self.churn_date or 'active'}"


class ChurnFeature(models.Model):
    """One customer's features as of the observation date (the latest usage date), built by churn_features.sql."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="features",
        db_column="customer_id",
        help_text="The customer.",
    )
    signup_date = models.DateField(help_text="Day the account was created.")
    signup_cohort = models.DateField(db_index=True, help_text="First day of the signup month (the cohort).")
    plan = models.CharField(max_length=10, choices=PLAN_CHOICES, db_index=True, help_text="Subscription plan.")
    region = models.CharField(max_length=5, choices=REGION_CHOICES, db_index=True, help_text="Sales region.")
    observation_date = models.DateField(help_text="The date features are measured at: the latest usage date.")
    tenure_days = models.IntegerField(help_text="Days from signup to the observation date.")
    last_active_date = models.DateField(null=True, blank=True, help_text="Latest day with usage; null if none.")
    months_active = models.IntegerField(
        null=True, blank=True, help_text="Whole calendar months from signup to the last active day; null if none."
    )
    active_days = models.IntegerField(null=True, blank=True, help_text="Days with a usage row; null without usage.")
    avg_sessions = models.FloatField(null=True, blank=True, help_text="Mean sessions per active day.")
    avg_usage_minutes = models.FloatField(null=True, blank=True, help_text="Mean minutes per active day.")
    avg_usage_last_30d = models.FloatField(
        null=True, blank=True, help_text="Minutes per active day over the last 30 days; null without usage then."
    )
    avg_usage_prev_30d = models.FloatField(
        null=True, blank=True, help_text="Minutes per active day over the 30 days before those; null if none."
    )
    usage_trend_30d = models.FloatField(
        null=True, blank=True, help_text="avg_usage_last_30d - avg_usage_prev_30d; null if either is null."
    )
    avg_sessions_last_30d = models.FloatField(
        null=True, blank=True, help_text="Sessions per active day over the last 30 days; null if none."
    )
    sessions_trend_30d = models.FloatField(
        null=True, blank=True, help_text="Sessions per active day, last 30 days minus the 30 before; null if either."
    )
    total_bills = models.IntegerField(null=True, blank=True, help_text="Bills issued; null if never billed.")
    total_payment_issues = models.IntegerField(
        null=True, blank=True, help_text="Bills paid late or failed; null if never billed."
    )
    failed_payments_30d = models.IntegerField(
        null=True, blank=True, help_text="Failed bills in the last 30 days; null if never billed."
    )
    zero_paid_anomalies = models.IntegerField(
        null=True, blank=True, help_text="Bills of zero dollars marked paid (an anomaly); null if never billed."
    )
    total_tickets = models.IntegerField(null=True, blank=True, help_text="Support tickets opened; null if none.")
    high_priority_tickets = models.IntegerField(
        null=True, blank=True, help_text="High-priority support tickets opened; null without tickets."
    )
    recency_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the last active day to the observation date."
    )
    churn_label = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        db_index=True,
        help_text="1 if recency_days > 45 (churned), 0 if < 30 (retained), null in between (at risk) or without usage.",
    )

    class Meta:
        db_table = "churn_features"
        ordering = ["customer_id"]
        verbose_name = "churn features"
        verbose_name_plural = "churn features"

    def __str__(self):
        return f"{self.customer_id}: label {self.churn_label}"


class ChurnTraining(models.Model):
    """The forward churn target, built by churn_training.sql: one row per customer still a customer on the cutoff
    date, features from rows dated before the cutoff only, and whether the hidden truth has the customer churn in
    the horizon after it. This is the table to train on; churn_features describes the whole window."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="training",
        db_column="customer_id",
        help_text="The customer.",
    )
    cutoff_date = models.DateField(help_text="First day of the label window; every feature is from before it.")
    horizon_days = models.PositiveSmallIntegerField(help_text="Length of the label window in days (default 60).")
    plan = models.CharField(max_length=10, choices=PLAN_CHOICES, db_index=True, help_text="Plan at signup.")
    region = models.CharField(max_length=5, choices=REGION_CHOICES, help_text="Sales region.")
    tenure_days = models.IntegerField(help_text="Days from signup to the cutoff.")
    too_new = models.BooleanField(help_text="Signed up fewer than 30 days before the cutoff: too little history.")
    active_days_30d = models.IntegerField(help_text="Days with usage in the 30 days before the cutoff.")
    avg_usage_last_30d = models.FloatField(
        null=True, blank=True, help_text="Minutes per active day, 30 days before the cutoff; null if none."
    )
    avg_usage_prev_30d = models.FloatField(
        null=True, blank=True, help_text="Minutes per active day, the 30 days before those; null if none."
    )
    usage_trend_30d = models.FloatField(
        null=True, blank=True, help_text="avg_usage_last_30d - avg_usage_prev_30d; null if either is."
    )
    avg_sessions_last_30d = models.FloatField(
        null=True, blank=True, help_text="Sessions per active day, 30 days before the cutoff; null if none."
    )
    recency_days = models.IntegerField(
        null=True, blank=True, help_text="Days from the last active day before the cutoff to the cutoff."
    )
    bills_90d = models.IntegerField(help_text="Bills in the 90 days before the cutoff.")
    late_payments_90d = models.IntegerField(help_text="Of those, paid late.")
    failed_payments_90d = models.IntegerField(help_text="Of those, failed.")
    tickets_90d = models.IntegerField(help_text="Support tickets in the 90 days before the cutoff.")
    technical_tickets_90d = models.IntegerField(help_text="Of those, technical.")
    high_priority_tickets_90d = models.IntegerField(help_text="Of those, high priority.")
    churned_next = models.PositiveSmallIntegerField(
        db_index=True, help_text="1 if the customer churned within horizon_days from the cutoff (the truth), else 0."
    )

    class Meta:
        db_table = "churn_training"
        ordering = ["customer_id"]
        verbose_name = "churn training row"

    def __str__(self):
        return f"{self.customer_id}: churned next {self.churned_next}"


class DataQualityCheck(models.Model):
    """One data-quality check of data_quality.sql over the raw tables, with the rows it flagged."""

    id = models.AutoField(primary_key=True, db_column="check_id", help_text="Check number, in run order.")
    check_name = models.CharField(max_length=40, unique=True, help_text="Short name of the check.")
    table_name = models.CharField(max_length=20, help_text="Raw table the check runs on.")
    description = models.CharField(max_length=200, help_text="What the check looks for and why it matters.")
    failing_rows = models.BigIntegerField(help_text="Rows flagged by the check.")
    total_rows = models.BigIntegerField(help_text="Rows checked.")
    failing_share = models.FloatField(help_text="failing_rows / total_rows.")

    class Meta:
        db_table = "data_quality_summary"
        ordering = ["id"]
        verbose_name = "data-quality check"

    def __str__(self):
        return f"{self.check_name}: {self.failing_rows}"

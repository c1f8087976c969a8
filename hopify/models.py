"""hopify schema: the 16 tables of a B2B SaaS company (names as in docs/hopify.md and the model spec)."""

from django.db import models

from .constants import (
    ACQUISITION_SOURCES,
    CHURN_REASONS,
    PAYMENT_METHODS,
    PLAN_NAMES,
    PRODUCT_CATEGORIES,
    REVENUE_TYPES,
    SEGMENTS,
    TICKET_CATEGORIES,
    TICKET_PRIORITIES,
    WEB_CHANNELS,
    ChangeType,
    OrderType,
    SubscriptionStatus,
    TargetPeriod,
)


def _choices(values):
    return [(str(value), str(value)) for value in values]


SEGMENT_CHOICES = _choices(SEGMENTS)
SOURCE_CHOICES = _choices(ACQUISITION_SOURCES)
PLAN_CHOICES = _choices(PLAN_NAMES)
STATUS_CHOICES = _choices(SubscriptionStatus)
CHANGE_TYPE_CHOICES = _choices(ChangeType)
ORDER_TYPE_CHOICES = _choices(OrderType)
PAYMENT_METHOD_CHOICES = _choices(PAYMENT_METHODS)
TICKET_CATEGORY_CHOICES = _choices(TICKET_CATEGORIES)
CHURN_REASON_CHOICES = _choices(CHURN_REASONS)
CATEGORY_CHOICES = _choices(PRODUCT_CATEGORIES)
REVENUE_TYPE_CHOICES = _choices(REVENUE_TYPES)
WEB_CHANNEL_CHOICES = _choices(WEB_CHANNELS)
PERIOD_CHOICES = _choices(TargetPeriod)
PRIORITY_CHOICES = _choices(TICKET_PRIORITIES)


def money(help_text: str, *, digits: int = 12, **kwargs) -> models.DecimalField:
    return models.DecimalField(max_digits=digits, decimal_places=2, help_text=help_text, **kwargs)


class Customer(models.Model):
    """A merchant that signed up for Hopify; segment and acquisition source are fixed at signup."""

    id = models.AutoField(primary_key=True, db_column="customer_id")
    name = models.CharField(max_length=120, help_text="Person (SMB) or business name.")
    email = models.EmailField(max_length=160, unique=True, help_text="Unique contact e-mail (reserved domains).")
    billing_address = models.CharField(max_length=200, help_text="Billing address: street, city, state, ZIP.")
    shipping_address = models.CharField(max_length=200, help_text="Shipping address (often the billing one).")
    signup_date = models.DateField(
        db_index=True, help_text="Day the customer signed up; the first subscription starts."
    )
    customer_segment = models.CharField(
        max_length=12, choices=SEGMENT_CHOICES, db_index=True, help_text="SMB, Mid-Market or Enterprise."
    )
    acquisition_source = models.CharField(
        max_length=12, choices=SOURCE_CHOICES, help_text="Channel that brought the customer."
    )
    store_slug = models.CharField(max_length=140, unique=True, help_text="URL-safe store name (from the name).")
    store_domain = models.CharField(max_length=160, help_text="`<store_slug>.hopify.com`.")

    class Meta:
        db_table = "customers"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Subscription(models.Model):
    """One row of a customer's plan history; a row ends when the next starts or the customer churns."""

    id = models.AutoField(primary_key=True, db_column="subscription_id")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="subscriptions",
        db_column="customer_id",
        help_text="The subscribing customer.",
    )
    plan_type = models.CharField(
        max_length=10, choices=PLAN_CHOICES, help_text="Starter, Basic, Standard, Advanced or Plus."
    )
    subscription_price = money("Monthly price of this row, in dollars (reactivations pay a little more).", digits=10)
    start_date = models.DateField(db_index=True, help_text="First day of this plan.")
    end_date = models.DateField(
        null=True, blank=True, help_text="Day the plan stopped (next row's start, or the churn date); null if current."
    )
    status = models.CharField(
        max_length=10,
        choices=STATUS_CHOICES,
        db_index=True,
        help_text="`active` only for the current row of a live customer, `cancelled` otherwise.",
    )
    change_type = models.CharField(
        max_length=12, choices=CHANGE_TYPE_CHOICES, help_text="signup, upgrade, downgrade or reactivation."
    )
    seats = models.PositiveIntegerField(
        default=1, help_text="Seats (stores, staff) billed on this row; the price is the plan's price per seat x seats."
    )

    class Meta:
        db_table = "subscriptions"
        ordering = ["id"]

    def __str__(self):
        return f"{self.plan_type} for customer {self.customer_id}"


class Product(models.Model):
    """An item of Hopify's catalogue: hardware, apps and services sold on top of the plans."""

    id = models.AutoField(primary_key=True, db_column="product_id")
    name = models.CharField(max_length=80, unique=True, help_text="Product name.")
    category = models.CharField(max_length=30, choices=CATEGORY_CHOICES, help_text="One of seven categories.")
    price = money("List price in dollars (20-500).", digits=8)
    revenue_type = models.CharField(max_length=12, choices=REVENUE_TYPE_CHOICES, help_text="One-Time or Subscription.")

    class Meta:
        db_table = "products"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Order(models.Model):
    """A purchase of catalogue products, placed while the customer's subscription was running."""

    id = models.AutoField(primary_key=True, db_column="order_id")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="orders", db_column="customer_id", help_text="The buyer."
    )
    order_date = models.DateTimeField(db_index=True, help_text="When the order was placed (UTC).")
    total_amount = money("Sum of the items' subtotals minus discount_amount.")
    discount_amount = money("Discount taken off by the order's code (0 without one).", digits=10)
    order_type = models.CharField(
        max_length=10,
        choices=ORDER_TYPE_CHOICES,
        help_text="`purchase`, or `expansion` for the monthly upsells of expanding accounts.",
    )

    class Meta:
        db_table = "orders"
        ordering = ["id"]

    def __str__(self):
        return f"Order {self.id}"


class OrderItem(models.Model):
    """One line of an order: product, quantity and subtotal (quantity x list price)."""

    id = models.AutoField(primary_key=True, db_column="order_item_id")
    order = models.ForeignKey(
        Order, on_delete=models.CASCADE, related_name="items", db_column="order_id", help_text="The order."
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="order_items", db_column="product_id", help_text="The product."
    )
    quantity = models.PositiveSmallIntegerField(help_text="Units (1-3).")
    subtotal = money("quantity x the product's price.", digits=10)

    class Meta:
        db_table = "order_items"
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} x {self.product_id}"


class Discount(models.Model):
    """A promotion code valid from start_date to end_date inclusive."""

    id = models.AutoField(primary_key=True, db_column="discount_id")
    discount_code = models.CharField(max_length=12, unique=True, help_text="SALE01 to SALE50.")
    discount_percent = models.PositiveSmallIntegerField(help_text="Percent off the items' total (5-30).")
    start_date = models.DateField(help_text="First day the code applies.")
    end_date = models.DateField(help_text="Last day the code applies.")

    class Meta:
        db_table = "discounts"
        ordering = ["id"]

    def __str__(self):
        return self.discount_code


class OrderDiscount(models.Model):
    """The code an order used (at most one per order, placed inside the code's window)."""

    order = models.OneToOneField(
        Order,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="order_discount",
        db_column="order_id",
        help_text="The discounted order.",
    )
    discount = models.ForeignKey(
        Discount, on_delete=models.PROTECT, related_name="order_discounts", db_column="discount_id",
        help_text="The code used.",
    )  # fmt: skip

    class Meta:
        db_table = "order_discounts"
        ordering = ["order_id"]

    def __str__(self):
        return f"{self.order_id}: {self.discount_id}"


class Payment(models.Model):
    """A payment attempt: for an order (order_id set) or a monthly subscription fee (subscription_id set)."""

    id = models.AutoField(primary_key=True, db_column="payment_id")
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="payments", db_column="customer_id", help_text="The payer."
    )
    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="payments",
        db_column="order_id",
        help_text="The order paid for; null for a subscription fee.",
    )
    subscription = models.ForeignKey(
        Subscription,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="payments",
        db_column="subscription_id",
        help_text="The subscription billed; null for an order payment.",
    )
    payment_amount = money("Amount charged in dollars.")
    # Not indexed: 1.6 million rows at scale 1, and a fourth index to rebuild cost ~0.5 s of the seed (the admin
    # lists payments without a date hierarchy). The foreign keys stay indexed: without them SQLite checks every
    # deleted order or subscription of a --reset against the whole payments table.
    payment_date = models.DateTimeField(help_text="When the charge was attempted (UTC).")
    payment_method = models.CharField(
        max_length=10, choices=PAYMENT_METHOD_CHOICES, help_text="Card, ACH, PayPal or Hop Pay."
    )
    success = models.BooleanField(help_text="False for a failed charge (retried once a few days later).")

    class Meta:
        db_table = "payments"
        ordering = ["id"]

    def __str__(self):
        return f"Payment {self.id}"


class SupportTicket(models.Model):
    """A support request; resolved_at is null while it is still open at the window's end."""

    id = models.AutoField(primary_key=True, db_column="ticket_id")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="support_tickets",
        db_column="customer_id",
        help_text="The customer who asked.",
    )
    ticket_category = models.CharField(
        max_length=16,
        choices=TICKET_CATEGORY_CHOICES,
        help_text="Billing, Technical, Onboarding, Account Access or General Inquiry.",
    )
    priority = models.CharField(
        max_length=8,
        choices=PRIORITY_CHOICES,
        default="normal",
        help_text="urgent, high, normal or low; urgent tickets are resolved fastest.",
    )
    created_at = models.DateTimeField(db_index=True, help_text="When the ticket was opened (UTC).")
    resolved_at = models.DateTimeField(null=True, blank=True, help_text="When it was resolved; null if still open.")

    class Meta:
        db_table = "support_tickets"
        ordering = ["id"]

    def __str__(self):
        return f"Ticket {self.id}"


class ChurnEvent(models.Model):
    """A customer leaving: the current subscription is cancelled on churn_date."""

    id = models.AutoField(primary_key=True, db_column="churn_id")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="churn_events",
        db_column="customer_id",
        help_text="The customer who left.",
    )
    churn_date = models.DateField(db_index=True, help_text="Day the subscription was cancelled.")
    churn_reason = models.CharField(
        max_length=20,
        choices=CHURN_REASON_CHOICES,
        help_text="Too expensive, Switched provider, Lack of features, Poor support, Other or Payment failed.",
    )
    churn_type = models.CharField(
        max_length=12,
        choices=[("voluntary", "voluntary"), ("involuntary", "involuntary")],
        default="voluntary",
        help_text="voluntary (the customer cancelled) or involuntary (the fee could not be collected after dunning).",
    )

    class Meta:
        db_table = "churn_events"
        ordering = ["id"]

    def __str__(self):
        return f"Churn of customer {self.customer_id}"


class Location(models.Model):
    """One of Hopify's five office hubs."""

    id = models.AutoField(primary_key=True, db_column="location_id")
    name = models.CharField(max_length=40, help_text="Hub name.")
    address = models.CharField(max_length=80, help_text="Street address.")
    city = models.CharField(max_length=40, help_text="City.")
    state = models.CharField(max_length=4, help_text="State or province code.")
    postal_code = models.CharField(max_length=12, help_text="Postal code.")
    country = models.CharField(max_length=40, help_text="Country.")

    class Meta:
        db_table = "locations"
        ordering = ["id"]

    def __str__(self):
        return self.name


class AppInstall(models.Model):
    """A product deployed at an office hub."""

    id = models.AutoField(primary_key=True, db_column="install_id")
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, related_name="app_installs", db_column="location_id",
        help_text="The hub.",
    )  # fmt: skip
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="app_installs", db_column="product_id",
        help_text="The product installed.",
    )  # fmt: skip
    install_date = models.DateField(help_text="Day of the install (inside the window).")

    class Meta:
        db_table = "app_installs"
        ordering = ["id"]

    def __str__(self):
        return f"{self.product_id} at {self.location_id}"


class MarketingCampaign(models.Model):
    """A campaign behind the acquisition plan's spikes (and the always-on organic programme)."""

    id = models.AutoField(primary_key=True, db_column="campaign_id")
    campaign_name = models.CharField(max_length=60, help_text="Name, with its year.")
    channel = models.CharField(max_length=12, choices=SOURCE_CHOICES, help_text="Acquisition channel it drives.")
    campaign_type = models.CharField(max_length=30, help_text="Seasonal Promotion, Holiday Sale, Partner Campaign...")
    start_date = models.DateField(help_text="First day.")
    end_date = models.DateField(help_text="Last day.")
    total_cost = money("Spend over the campaign, in dollars.", digits=14)

    class Meta:
        db_table = "marketing_campaigns"
        ordering = ["id"]

    def __str__(self):
        return self.campaign_name


class MarketingSpend(models.Model):
    """Monthly marketing budget per segment (CAC = budget / new customers)."""

    id = models.AutoField(primary_key=True, db_column="spend_id")
    segment = models.CharField(max_length=12, choices=SEGMENT_CHOICES, help_text="Segment the budget targets.")
    month = models.DateField(help_text="First day of the month.")
    year_month = models.CharField(
        max_length=7, default="", help_text="The month as YYYY-MM text (the original's form)."
    )
    monthly_budget = money("Budget for that month and segment, in dollars.", digits=14)

    class Meta:
        db_table = "marketing_spend"
        ordering = ["month", "segment"]
        constraints = [models.UniqueConstraint(fields=["segment", "month"], name="hopify_spend_segment_month")]
        verbose_name_plural = "marketing spend"

    def __str__(self):
        return f"{self.segment} {self.month:%Y-%m}"


class WebTraffic(models.Model):
    """Monthly website funnel of one channel: visitors, leads and marketing-qualified leads."""

    id = models.AutoField(primary_key=True, db_column="traffic_id")
    traffic_date = models.DateField(help_text="First day of the month.")
    month = models.CharField(max_length=7, default="", help_text="The month as YYYY-MM text (the original's form).")
    source_channel = models.CharField(
        max_length=12, choices=WEB_CHANNEL_CHOICES, help_text="Paid Search, Social Media or Organic."
    )
    visitors = models.PositiveIntegerField(help_text="Unique visitors.")
    leads = models.PositiveIntegerField(help_text="Visitors who left contact details.")
    mqls = models.PositiveIntegerField(help_text="Leads qualified by marketing.")

    class Meta:
        db_table = "web_traffic"
        ordering = ["id"]
        verbose_name_plural = "web traffic"

    def __str__(self):
        return f"{self.source_channel} {self.traffic_date:%Y-%m}"


class Benchmark(models.Model):
    """A KPI target for one segment, loaded from a CSV (hopify/data/benchmarks.csv or the user's own)."""

    id = models.PositiveIntegerField(primary_key=True, db_column="benchmark_id", help_text="Id from the CSV file.")
    metric_category = models.CharField(max_length=30, help_text="Revenue, Customer, Support or Marketing.")
    segment = models.CharField(max_length=12, choices=SEGMENT_CHOICES, help_text="Segment the target applies to.")
    metric_name = models.CharField(max_length=60, help_text="KPI name, e.g. `Churn Rate` (see docs/hopify.md).")
    target_value = models.FloatField(help_text="Target, in the KPI's unit (percent for rates, dollars for money).")
    description = models.CharField(max_length=200, blank=True, help_text="What the target means.")
    target_period = models.CharField(max_length=10, choices=PERIOD_CHOICES, help_text="monthly, annual or lifetime.")

    class Meta:
        db_table = "benchmarks"
        ordering = ["id"]

    def __str__(self):
        return f"{self.segment} {self.metric_name}"

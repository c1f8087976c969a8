"""cardportfolio schema: `customers` (the 13 columns of the earlier tool's CSV, in its order) and `transactions`."""

from django.db import models

from .constants import CardType, Category, Channel, DeclineType, EmploymentStatus, Segment, Status

SEGMENT_CHOICES = [(segment.value, segment.value) for segment in Segment]
DECLINE_TYPE_CHOICES = [(value.value, value.value) for value in DeclineType]
CARD_TYPE_CHOICES = [(value.value, value.value) for value in CardType]
EMPLOYMENT_CHOICES = [(value.value, value.value) for value in EmploymentStatus]
CATEGORY_CHOICES = [(value.value, value.value) for value in Category]
CHANNEL_CHOICES = [(value.value, value.value) for value in Channel]
STATUS_CHOICES = [(value.value, value.value) for value in Status]


class Customer(models.Model):
    """A cardholder. `customer_segment` (and `decline_type`) is the behaviour the generator gave the customer."""

    customer_id = models.CharField(
        max_length=12, primary_key=True, help_text="CUST followed by 8 digits, sequential from CUST00000001."
    )
    first_name = models.CharField(max_length=60, help_text="Given name.")
    last_name = models.CharField(max_length=60, help_text="Family name.")
    email = models.EmailField(
        max_length=120, unique=True, help_text="Unique e-mail address (reserved example domains)."
    )
    age = models.PositiveSmallIntegerField(help_text="Age in years at the as-of date, 22-75.")
    state = models.CharField(max_length=2, db_index=True, help_text="US state abbreviation (50 states and DC).")
    city = models.CharField(max_length=40, help_text="A real city of `state`.")
    employment_status = models.CharField(
        max_length=16, choices=EMPLOYMENT_CHOICES, help_text="Employed, Self-Employed, Retired or Unemployed."
    )
    card_type = models.CharField(
        max_length=10, choices=CARD_TYPE_CHOICES, help_text="Standard or Premium (Premium: High-Value Travelers only)."
    )
    credit_limit = models.PositiveIntegerField(help_text="Credit limit in dollars, 5,000-50,000 in steps of 1,000.")
    account_open_date = models.DateField(
        db_index=True,
        help_text="Account opening date: 2-5 years before the as-of date, within the last 12 months for New & Growing.",
    )
    customer_segment = models.CharField(
        max_length=24,
        choices=SEGMENT_CHOICES,
        db_index=True,
        help_text="Assigned segment (ground truth of the synthetic data): the behaviour the transactions follow.",
    )
    decline_type = models.CharField(
        max_length=8,
        choices=DECLINE_TYPE_CHOICES,
        null=True,
        blank=True,
        help_text="gradual or sudden for Declining customers, empty (NULL) for every other segment.",
    )

    account_status = models.CharField(
        max_length=8,
        choices=[("Open", "Open"), ("Closed", "Closed")],
        default="Open",
        db_default="Open",
        db_index=True,
        help_text="Open, or Closed when the cardholder closed the account during the window (see closed_date).",
    )
    closed_date = models.DateField(
        null=True, blank=True, help_text="Day the account closed (no transactions after it); null while open."
    )

    class Meta:
        db_table = "customers"
        ordering = ["customer_id"]

    def __str__(self):
        return f"{self.customer_id} {self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Merchant(models.Model):
    """A merchant (the dimension of `transactions`): a real merchant category code and a real place."""

    merchant_id = models.IntegerField(primary_key=True, help_text="Merchant key, 1, 2, ...")
    merchant_name = models.CharField(max_length=40, help_text="Merchant name (invented: a brand-like word and place).")
    merchant_category = models.CharField(max_length=16, choices=CATEGORY_CHOICES, help_text="Merchant category.")
    mcc = models.PositiveSmallIntegerField(help_text="ISO 18245 merchant category code, e.g. 5812 restaurants.")
    city = models.CharField(max_length=40, help_text="A real city.")
    region = models.CharField(max_length=8, help_text="State or province code of the city (US: the state).")
    country = models.CharField(max_length=2, db_index=True, help_text="ISO 3166-1 alpha-2 country code.")
    currency = models.CharField(max_length=3, help_text="ISO 4217 currency the merchant charges in.")

    class Meta:
        db_table = "merchants"
        ordering = ["merchant_id"]

    def __str__(self):
        return self.merchant_name


class Transaction(models.Model):
    """One card transaction. Ids follow date order, so `ORDER BY transaction_id` is chronological."""

    transaction_id = models.CharField(
        max_length=14, primary_key=True, help_text="TXN followed by 11 digits, in date order."
    )
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="transactions",
        db_column="customer_id",
        help_text="The cardholder.",
    )
    transaction_date = models.DateTimeField(db_index=True, help_text="When the card was used (UTC).")
    amount = models.DecimalField(max_digits=10, decimal_places=2, help_text="Amount in dollars (positive).")
    merchant_name = models.CharField(max_length=40, help_text="Merchant (invented names).")
    merchant_category = models.CharField(max_length=16, choices=CATEGORY_CHOICES, help_text="Merchant category.")
    channel = models.CharField(max_length=10, choices=CHANNEL_CHOICES, help_text="Online, In-Store or Mobile.")
    status = models.CharField(
        max_length=10, choices=STATUS_CHOICES, help_text="approved (about 97%) or declined; spend counts approved."
    )
    merchant = models.ForeignKey(
        Merchant,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,  # joins go from transactions to the small dimension; an index would cost ~15% of the file
        related_name="transactions",
        db_column="merchant_id",
        help_text="The merchant (key into merchants); merchant_name and merchant_category repeat its values.",
    )
    currency = models.CharField(
        max_length=3, default="USD", db_default="USD", help_text="Currency charged: USD, or the foreign merchant's."
    )
    original_amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Amount in the foreign currency (null at US merchants); `amount` is it converted to dollars.",
    )
    decline_reason = models.CharField(
        max_length=20,
        null=True,
        blank=True,
        choices=[(r, r) for r in ("insufficient_credit", "suspected_fraud", "other")],
        help_text="Why a declined transaction was declined; null when approved.",
    )

    class Meta:
        db_table = "transactions"
        ordering = ["transaction_id"]

    def __str__(self):
        return self.transaction_id


class MonthlySpend(models.Model):
    """One customer's activity in one calendar month (only months with transactions): a summary of `transactions`.

    Written by the seed from the same generated rows, so its figures equal the aggregates of the transactions
    table; analytics read it instead of scanning 13 million transactions.
    """

    id = models.BigAutoField(primary_key=True)
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="monthly_spend",
        db_column="customer_id",
        help_text="The cardholder.",
    )
    month = models.DateField(db_index=True, help_text="First day of the calendar month.")
    transactions = models.PositiveIntegerField(help_text="Transactions in the month, approved or declined.")
    approved_transactions = models.PositiveIntegerField(help_text="Approved transactions in the month.")
    spend = models.DecimalField(max_digits=12, decimal_places=2, help_text="Approved spend in dollars.")
    travel_spend = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Approved spend in Travel, Hotels and Airlines."
    )
    necessity_spend = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Approved spend in Grocery, Gas and Utilities."
    )

    class Meta:
        db_table = "customer_monthly_spend"
        ordering = ["id"]
        verbose_name = "monthly spend"
        verbose_name_plural = "monthly spend"

    def __str__(self):
        return f"{self.customer_id} {self.month:%Y-%m}"


class Statement(models.Model):
    """One account's monthly statement: previous balance + purchases - payments = new balance (no interest or
    fees, so the identity holds to the cent)."""

    id = models.BigAutoField(primary_key=True, db_column="statement_id")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="statements",
        db_column="customer_id",
        help_text="The cardholder.",
    )
    statement_month = models.DateField(db_index=True, help_text="First day of the month the statement covers.")
    previous_balance = models.DecimalField(max_digits=12, decimal_places=2, help_text="Balance brought forward.")
    purchases = models.DecimalField(max_digits=12, decimal_places=2, help_text="Approved spend in the month.")
    payments = models.DecimalField(max_digits=12, decimal_places=2, help_text="Paid during the month.")
    new_balance = models.DecimalField(max_digits=12, decimal_places=2, help_text="Balance at the statement date.")
    minimum_due = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Minimum payment due next month: 2% of the balance, at least $25."
    )
    utilisation = models.FloatField(help_text="new_balance / credit_limit.")
    days_past_due = models.PositiveSmallIntegerField(
        help_text="0, or 30, 60, ... when the previous minimum due was not paid."
    )

    class Meta:
        db_table = "statements"
        ordering = ["id"]

    def __str__(self):
        return f"{self.customer_id} {self.statement_month:%Y-%m}"

"""minicrm schema: customers, products, orders, order_items, rfm_scores (table and column names as in SQL)."""

from django.db import models

from .constants import PERSONA_LABELS, OrderStatus, Persona, Segment

PERSONA_CHOICES = [(persona.value, PERSONA_LABELS[persona]) for persona in Persona]
STATUS_CHOICES = [(status.value, status.value.title()) for status in OrderStatus]
SEGMENT_CHOICES = [(segment.value, segment.value) for segment in Segment]


class Customer(models.Model):
    """A shop customer. `persona` is the ground truth the generator drew the customer from."""

    id = models.AutoField(primary_key=True, db_column="customer_id")
    first_name = models.CharField(max_length=60, help_text="Given name.")
    last_name = models.CharField(max_length=60, help_text="Family name.")
    email = models.EmailField(
        max_length=120, unique=True, help_text="Unique e-mail address (reserved example domains)."
    )
    phone = models.CharField(max_length=20, help_text="Phone number, North American format.")
    address = models.CharField(max_length=120, help_text="Street address.")
    city = models.CharField(max_length=60, help_text="City.")
    state = models.CharField(max_length=2, help_text="US state abbreviation.")
    postal_code = models.CharField(max_length=10, help_text="ZIP code.")
    created_at = models.DateTimeField(db_index=True, help_text="When the customer signed up (UTC).")
    persona = models.CharField(
        max_length=16,
        choices=PERSONA_CHOICES,
        db_index=True,
        help_text="Ground-truth label of the synthetic data: the persona (Table 4.1) the customer was drawn from. "
        "A real CRM would not know it; use it to check what RFM segmentation recovers.",
    )

    class Meta:
        db_table = "customers"
        ordering = ["id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Product(models.Model):
    """An item of the shop's catalogue."""

    id = models.AutoField(primary_key=True, db_column="product_id")
    name = models.CharField(max_length=100, help_text="Product name.")
    category = models.CharField(max_length=40, help_text="Catalogue category.")
    description = models.TextField(help_text="Short marketing description.")
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="Current list price in dollars.")
    stock = models.PositiveIntegerField(help_text="Units in stock at the end of the window.")

    class Meta:
        db_table = "products"
        ordering = ["id"]

    def __str__(self):
        return self.name


class ProductPrice(models.Model):
    """One period of a product's list price: orders placed between `valid_from` and `valid_to` paid `price`."""

    id = models.AutoField(primary_key=True, db_column="product_price_id")
    product = models.ForeignKey(
        Product,
        on_delete=models.CASCADE,
        related_name="price_history",
        db_column="product_id",
        help_text="The product priced.",
    )
    price = models.DecimalField(max_digits=10, decimal_places=2, help_text="List price in dollars in this period.")
    valid_from = models.DateField(help_text="First day of the period (the window's first day for the oldest).")
    valid_to = models.DateField(null=True, blank=True, help_text="Last day of the period; null for today's price.")

    class Meta:
        db_table = "product_prices"
        ordering = ["product_id", "valid_from"]

    def __str__(self):
        return f"{self.product_id} from {self.valid_from}: {self.price}"


class Order(models.Model):
    """A customer's order. Cancelled and returned (refunded) orders are kept but excluded from RFM."""

    id = models.AutoField(primary_key=True, db_column="order_id")
    customer = models.ForeignKey(
        Customer,
        on_delete=models.CASCADE,
        related_name="orders",
        db_column="customer_id",
        help_text="The customer who placed the order.",
    )
    order_date = models.DateTimeField(db_index=True, help_text="When the order was placed (UTC).")
    status = models.CharField(
        max_length=12,
        choices=STATUS_CHOICES,
        db_index=True,
        help_text="processing, shipped, delivered, cancelled or returned (refunded).",
    )
    total_price = models.DecimalField(
        max_digits=12, decimal_places=2, help_text="Sum of quantity x unit_price over the order's items."
    )

    class Meta:
        db_table = "orders"
        ordering = ["id"]

    def __str__(self):
        return f"Order {self.id}"


class OrderItem(models.Model):
    """One line of an order. `unit_price` is the price paid at order time (prices change over the window)."""

    id = models.AutoField(primary_key=True, db_column="order_item_id")
    order = models.ForeignKey(
        Order,
        on_delete=models.CASCADE,
        related_name="items",
        db_column="order_id",
        help_text="The order this line belongs to.",
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        related_name="order_items",
        db_column="product_id",
        help_text="The product bought.",
    )
    quantity = models.PositiveIntegerField(help_text="Units bought.")
    unit_price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text="Price per unit when the order was placed (snapshot)."
    )

    class Meta:
        db_table = "order_items"
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} x {self.product_id}"


class RFMScore(models.Model):
    """A customer's recency, frequency and monetary values, their 1-5 scores (5 is best) and segment."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="rfm_score",
        db_column="customer_id",
        help_text="The customer scored.",
    )
    recency_days = models.PositiveIntegerField(help_text="Days from the last (non-cancelled) order to the as-of date.")
    frequency = models.PositiveIntegerField(help_text="Number of non-cancelled orders.")
    monetary = models.DecimalField(max_digits=14, decimal_places=2, help_text="Total spent on non-cancelled orders.")
    recency_score = models.PositiveSmallIntegerField(help_text="1-5 quintile score; 5 = most recent.")
    frequency_score = models.PositiveSmallIntegerField(help_text="1-5 quintile score; 5 = most orders.")
    monetary_score = models.PositiveSmallIntegerField(help_text="1-5 quintile score; 5 = highest spend.")
    rfm_code = models.CharField(max_length=3, db_index=True, help_text="The three scores as digits, e.g. '545'.")
    segment = models.CharField(
        max_length=24,
        choices=SEGMENT_CHOICES,
        db_index=True,
        help_text="Named segment from the (R score, mean of F and M) grid.",
    )
    as_of = models.DateField(help_text="The date recency was measured against.")
    calculated_at = models.DateTimeField(help_text="When this score was (re)calculated.")
    is_stale = models.BooleanField(
        default=False,
        db_default=False,
        help_text="True when the customer's orders changed after this score was calculated (through the API); "
        "the next calculate_rfm clears it.",
    )

    class Meta:
        db_table = "rfm_scores"
        ordering = ["customer_id"]
        verbose_name = "RFM score"

    def __str__(self):
        return f"{self.customer_id}: {self.rfm_code} {self.segment}"

"""dvdrental schema: the 15 Sakila tables with Sakila names, the level 3/4 tables and the simulation's ground truth.

Tables and columns carry the names textbook SQL uses (`rental.rental_id`, `film_category`), so queries written for
Sakila run as written. `film_actor` and `film_category` have a surrogate key (Django's admin needs one column) and a
unique pair, so `JOIN film_category USING (film_id)` works as in Sakila.
"""

from django.db import models

from core.models import DataDefectBase

from .constants import ARStatus, BusinessPhase, CopyStatus, PurchaseReason, RentalStatus

RATING_CHOICES = [(r, r) for r in ("G", "PG", "PG-13", "R", "NC-17")]
PHASE_CHOICES = [(p.value, p.value) for p in BusinessPhase]
COPY_STATUS_CHOICES = [(s.value, s.value) for s in CopyStatus]
RENTAL_STATUS_CHOICES = [(s.value, s.value) for s in RentalStatus]
AR_STATUS_CHOICES = [(s.value, s.value) for s in ARStatus]
PURCHASE_REASON_CHOICES = [(r.value, r.value) for r in PurchaseReason]
LAST_UPDATE_HELP = "When the row last changed (simulation clock, UTC)."


def last_update_field():
    return models.DateTimeField(help_text=LAST_UPDATE_HELP)


def money(help_text: str, *, digits: int = 5, **kwargs):
    return models.DecimalField(max_digits=digits, decimal_places=2, help_text=help_text, **kwargs)


class Country(models.Model):
    """A country of the store and customer addresses."""

    id = models.AutoField(primary_key=True, db_column="country_id")
    country = models.CharField(max_length=50, help_text="Country name.")
    last_update = last_update_field()

    class Meta:
        db_table = "country"
        ordering = ["id"]
        verbose_name_plural = "countries"

    def __str__(self):
        return self.country


class City(models.Model):
    """A city, in one country."""

    id = models.AutoField(primary_key=True, db_column="city_id")
    city = models.CharField(max_length=50, help_text="City name.")
    country = models.ForeignKey(
        Country, on_delete=models.PROTECT, db_column="country_id", related_name="cities", help_text="Its country."
    )
    last_update = last_update_field()

    class Meta:
        db_table = "city"
        ordering = ["id"]
        verbose_name_plural = "cities"

    def __str__(self):
        return self.city


class Address(models.Model):
    """A postal address of a store, a staff member or a customer."""

    id = models.AutoField(primary_key=True, db_column="address_id")
    address = models.CharField(max_length=50, help_text="Street address.")
    address2 = models.CharField(max_length=50, null=True, blank=True, help_text="Second address line (mostly NULL).")
    district = models.CharField(max_length=20, help_text="State or district.")
    city = models.ForeignKey(
        City, on_delete=models.PROTECT, db_column="city_id", related_name="addresses", help_text="Its city."
    )
    postal_code = models.CharField(max_length=10, blank=True, help_text="Postal code.")
    phone = models.CharField(max_length=20, help_text="Phone number.")
    last_update = last_update_field()

    class Meta:
        db_table = "address"
        ordering = ["id"]
        verbose_name_plural = "addresses"

    def __str__(self):
        return self.address


class Language(models.Model):
    """A language films are released in."""

    id = models.AutoField(primary_key=True, db_column="language_id")
    name = models.CharField(max_length=20, help_text="Language name.")
    last_update = last_update_field()

    class Meta:
        db_table = "language"
        ordering = ["id"]

    def __str__(self):
        return self.name


class Category(models.Model):
    """A film category; one per genre template (a new template file creates its category)."""

    id = models.AutoField(primary_key=True, db_column="category_id")
    name = models.CharField(max_length=25, unique=True, help_text="Category (genre) name.")
    last_update = last_update_field()

    class Meta:
        db_table = "category"
        ordering = ["id"]
        verbose_name_plural = "categories"

    def __str__(self):
        return self.name


class Actor(models.Model):
    """An actor appearing in films."""

    id = models.AutoField(primary_key=True, db_column="actor_id")
    first_name = models.CharField(max_length=45, help_text="Given name, upper case as in Sakila.")
    last_name = models.CharField(max_length=45, db_index=True, help_text="Family name, upper case as in Sakila.")
    last_update = last_update_field()

    class Meta:
        db_table = "actor"
        ordering = ["id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Film(models.Model):
    """A film title of the catalogue, generated from its genre's template."""

    id = models.AutoField(primary_key=True, db_column="film_id")
    title = models.CharField(max_length=128, db_index=True, help_text="Title, upper case as in Sakila.")
    description = models.TextField(null=True, blank=True, help_text="One-sentence synopsis.")
    release_year = models.PositiveSmallIntegerField(null=True, help_text="Year the film was released.")
    language = models.ForeignKey(
        Language, on_delete=models.PROTECT, db_column="language_id", related_name="films", help_text="Language."
    )
    original_language = models.ForeignKey(
        Language,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="original_language_id",
        related_name="original_language_films",
        help_text="Original language when dubbed (mostly NULL).",
    )
    rental_duration = models.PositiveSmallIntegerField(help_text="Days a rental may last before it is late (3-7).")
    rental_rate = money("Price of one rental in dollars (0.99, 2.99 or 4.99).", digits=4)
    length = models.PositiveSmallIntegerField(null=True, help_text="Running time in minutes.")
    replacement_cost = money("What the store charges for a lost copy, in dollars.")
    rating = models.CharField(max_length=5, choices=RATING_CHOICES, db_index=True, help_text="MPAA rating.")
    special_features = models.CharField(
        max_length=100, null=True, blank=True, help_text="Comma-separated extras (Trailers, Commentaries, ...)."
    )
    last_update = last_update_field()

    class Meta:
        db_table = "film"
        ordering = ["id"]

    def __str__(self):
        return self.title


class FilmActor(models.Model):
    """An actor's part in a film."""

    id = models.AutoField(primary_key=True, db_column="film_actor_id")
    actor = models.ForeignKey(
        Actor, on_delete=models.PROTECT, db_column="actor_id", related_name="film_roles", help_text="The actor."
    )
    film = models.ForeignKey(
        Film, on_delete=models.CASCADE, db_column="film_id", related_name="film_actors", help_text="The film."
    )
    last_update = last_update_field()

    class Meta:
        db_table = "film_actor"
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["actor", "film"], name="film_actor_actor_film_uniq")]

    def __str__(self):
        return f"{self.actor_id} in {self.film_id}"


class FilmPrice(models.Model):
    """A film's price while it was in force: list-price steps and the new-release premium (see
    dvdrental/generation/prices.py). A rental's payment is the rental_rate in force on its rental date."""

    id = models.AutoField(primary_key=True, db_column="price_id")
    film = models.ForeignKey(
        Film, on_delete=models.PROTECT, db_column="film_id", related_name="prices", help_text="The film."
    )
    valid_from = models.DateField(help_text="First day this price applies.")
    valid_to = models.DateField(null=True, help_text="First day the next price applies (NULL: still in force).")
    rental_rate = money("Price of one rental in dollars.", digits=4)
    replacement_cost = money("What the store charges for a lost copy, in dollars.")

    class Meta:
        db_table = "film_price_history"
        ordering = ["film_id", "valid_from"]
        indexes = [models.Index(fields=["film", "valid_from"], name="film_price_film_from")]

    def __str__(self):
        return f"Film {self.film_id} at {self.rental_rate} from {self.valid_from}"


class FilmCategory(models.Model):
    """A film's category: its genre."""

    id = models.AutoField(primary_key=True, db_column="film_category_id")
    film = models.ForeignKey(
        Film, on_delete=models.CASCADE, db_column="film_id", related_name="film_categories", help_text="The film."
    )
    category = models.ForeignKey(
        Category,
        on_delete=models.PROTECT,
        db_column="category_id",
        related_name="film_categories",
        help_text="The film's genre.",
    )
    last_update = last_update_field()

    class Meta:
        db_table = "film_category"
        ordering = ["id"]
        verbose_name_plural = "film categories"
        constraints = [models.UniqueConstraint(fields=["film", "category"], name="film_category_film_category_uniq")]

    def __str__(self):
        return f"{self.film_id}: {self.category_id}"


class Store(models.Model):
    """A rental store with its manager."""

    id = models.AutoField(primary_key=True, db_column="store_id")
    manager_staff = models.OneToOneField(
        "Staff",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="manager_staff_id",
        related_name="managed_store",
        help_text="The store's manager (one store per manager).",
    )
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, db_column="address_id", related_name="+", help_text="Store address."
    )
    last_update = last_update_field()

    class Meta:
        db_table = "store"
        ordering = ["id"]

    def __str__(self):
        return f"Store {self.id}"


class Staff(models.Model):
    """A store employee: one manager and some clerks per store."""

    id = models.AutoField(primary_key=True, db_column="staff_id")
    first_name = models.CharField(max_length=45, help_text="Given name.")
    last_name = models.CharField(max_length=45, help_text="Family name.")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, db_column="address_id", related_name="+", help_text="Home address."
    )
    email = models.CharField(max_length=50, null=True, blank=True, help_text="Work e-mail address.")
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, db_column="store_id", related_name="staff", help_text="Where they work."
    )
    active = models.BooleanField(default=True, help_text="Still employed.")
    username = models.CharField(max_length=16, help_text="Login name at the till.")
    password = models.CharField(max_length=40, null=True, blank=True, help_text="Always NULL in generated data.")
    hired_date = models.DateField(null=True, blank=True, help_text="First working day.")
    left_date = models.DateField(
        null=True, blank=True, help_text="Day they left (NULL: still employed; then active is false)."
    )
    last_update = last_update_field()

    class Meta:
        db_table = "staff"
        ordering = ["id"]
        verbose_name_plural = "staff"

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Customer(models.Model):
    """A member of a store. Segment, join and churn weeks are ground truth in `customer_lifecycle`."""

    id = models.AutoField(primary_key=True, db_column="customer_id")
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, db_column="store_id", related_name="customers", help_text="Home store."
    )
    first_name = models.CharField(max_length=45, help_text="Given name, upper case as in Sakila.")
    last_name = models.CharField(max_length=45, db_index=True, help_text="Family name, upper case as in Sakila.")
    email = models.CharField(max_length=80, unique=True, help_text="Unique e-mail address (example domains).")
    address = models.ForeignKey(
        Address, on_delete=models.PROTECT, db_column="address_id", related_name="+", help_text="Home address."
    )
    active = models.BooleanField(help_text="False when the customer churned and did not come back.")
    create_date = models.DateTimeField(db_index=True, help_text="When the customer joined.")
    last_update = last_update_field()

    class Meta:
        db_table = "customer"
        ordering = ["id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"


class Inventory(models.Model):
    """One physical copy of a film at a store."""

    id = models.AutoField(primary_key=True, db_column="inventory_id")
    film = models.ForeignKey(
        Film, on_delete=models.PROTECT, db_column="film_id", related_name="copies", help_text="The film."
    )
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, db_column="store_id", related_name="inventory", help_text="Its store."
    )
    date_purchased = models.DateField(help_text="When the store bought the copy.")
    status = models.CharField(
        max_length=12,
        choices=COPY_STATUS_CHOICES,
        default="available",
        db_default="available",
        db_index=True,
        help_text="Status at the end of the data (available, rented, damaged, maintenance, missing, written_off): "
        "rentable stock is COUNT(*) WHERE status <> 'written_off'. The history is in inventory_status.",
    )
    last_update = last_update_field()

    class Meta:
        db_table = "inventory"
        ordering = ["id"]
        verbose_name_plural = "inventory"

    def __str__(self):
        return f"Copy {self.id} of film {self.film_id}"


class Rental(models.Model):
    """A copy lent to a customer. `return_date` is NULL while the copy is out (or was never returned)."""

    id = models.AutoField(primary_key=True, db_column="rental_id")
    rental_date = models.DateTimeField(db_index=True, help_text="When the copy was handed out (opening hours).")
    inventory = models.ForeignKey(
        Inventory, on_delete=models.PROTECT, db_column="inventory_id", related_name="rentals", help_text="The copy."
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, db_column="customer_id", related_name="rentals", help_text="Renter."
    )
    return_date = models.DateTimeField(null=True, blank=True, help_text="When it came back; NULL if still out.")
    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        db_column="staff_id",
        related_name="rentals",
        db_index=False,
        help_text="Clerk at the till.",
    )
    last_update = last_update_field()

    class Meta:
        db_table = "rental"
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rental_date", "inventory", "customer"], name="rental_date_inventory_customer_uniq"
            )
        ]

    def __str__(self):
        return f"Rental {self.id}"


class Payment(models.Model):
    """Money received: the rental fee on the rental day, or a late fee paid after the return."""

    id = models.AutoField(primary_key=True, db_column="payment_id")
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, db_column="customer_id", related_name="payments", help_text="Payer."
    )
    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        db_column="staff_id",
        related_name="payments",
        db_index=False,
        help_text="Who took it.",
    )
    rental = models.ForeignKey(
        Rental,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="rental_id",
        related_name="payments",
        help_text="The rental paid for.",
    )
    amount = money("Amount in dollars.")
    payment_date = models.DateTimeField(db_index=True, help_text="When it was paid.")
    last_update = last_update_field()

    class Meta:
        db_table = "payment"
        ordering = ["id"]

    def __str__(self):
        return f"Payment {self.id}"


class CustomerLifecycle(models.Model):
    """Ground truth of the simulation (Sakila has no place for it): segment, join, churn and reactivation weeks."""

    customer = models.OneToOneField(
        Customer,
        on_delete=models.CASCADE,
        primary_key=True,
        db_column="customer_id",
        related_name="lifecycle",
        help_text="The customer.",
    )
    segment = models.CharField(max_length=20, db_index=True, help_text="Segment drawn on joining.")
    activity = models.FloatField(help_text="Relative rental activity of the segment (1.0 = average).")
    max_simultaneous_rentals = models.PositiveSmallIntegerField(help_text="Most copies out at once.")
    lifetime_weeks = models.PositiveIntegerField(help_text="Weeks over which churn_rate applies (0 = never churns).")
    churn_rate = models.FloatField(help_text="Probability of churning within lifetime_weeks.")
    join_week = models.IntegerField(help_text="Simulation week of joining (0 = before the first week).")
    churn_week = models.IntegerField(null=True, blank=True, help_text="Week the customer stopped renting, if any.")
    reactivation_week = models.IntegerField(null=True, blank=True, help_text="Week a churned customer came back.")

    class Meta:
        db_table = "customer_lifecycle"
        ordering = ["customer_id"]

    def __str__(self):
        return f"{self.customer_id}: {self.segment}"


class FilmRelease(models.Model):
    """A film added to the catalogue by a quarterly release (levels 3-4)."""

    id = models.AutoField(primary_key=True, db_column="release_id")
    film = models.OneToOneField(
        Film, on_delete=models.CASCADE, db_column="film_id", related_name="release", help_text="The new film."
    )
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, db_column="category_id", related_name="+", help_text="Its genre."
    )
    release_date = models.DateField(db_index=True, help_text="Day the film reached the stores.")
    release_quarter = models.CharField(max_length=7, help_text="Quarter label, e.g. 2004-Q3.")
    strategy = models.CharField(max_length=12, help_text="Purchasing strategy that stocked it.")
    copies = models.PositiveSmallIntegerField(help_text="Copies bought on release (all stores).")

    class Meta:
        db_table = "film_releases"
        ordering = ["id"]

    def __str__(self):
        return f"{self.film_id} on {self.release_date}"


class InventoryPurchase(models.Model):
    """A purchase of copies of one film for one store."""

    id = models.AutoField(primary_key=True, db_column="purchase_id")
    film = models.ForeignKey(Film, on_delete=models.PROTECT, db_column="film_id", related_name="+", help_text="Film.")
    store = models.ForeignKey(
        Store, on_delete=models.PROTECT, db_column="store_id", related_name="+", help_text="Store."
    )
    purchase_date = models.DateField(db_index=True, help_text="Day of the purchase.")
    quantity = models.PositiveSmallIntegerField(help_text="Copies bought.")
    unit_cost = money("Price paid per copy in dollars.")
    total_cost = money("quantity x unit_cost.", digits=8)
    reason = models.CharField(
        max_length=12, choices=PURCHASE_REASON_CHOICES, help_text="initial, release, restock, replacement."
    )
    strategy = models.CharField(max_length=12, help_text="Purchasing strategy in force.")
    business_phase = models.CharField(max_length=12, choices=PHASE_CHOICES, help_text="Business phase then.")

    class Meta:
        db_table = "inventory_purchases"
        ordering = ["id"]

    def __str__(self):
        return f"{self.quantity} x film {self.film_id}"


class InventoryStatus(models.Model):
    """History of a copy's status: one row per change (rented, available, damaged, missing, maintenance)."""

    id = models.AutoField(primary_key=True, db_column="status_id")
    inventory = models.ForeignKey(
        Inventory, on_delete=models.PROTECT, db_column="inventory_id", related_name="+", help_text="The copy."
    )
    status = models.CharField(max_length=12, choices=COPY_STATUS_CHOICES, help_text="New status.")
    status_date = models.DateTimeField(help_text="When the status changed.")
    rental = models.ForeignKey(
        Rental,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="rental_id",
        related_name="+",
        help_text="The rental that caused the change, if any.",
    )
    staff = models.ForeignKey(
        Staff,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_column="staff_id",
        related_name="+",
        db_index=False,
        help_text="Staff who recorded it.",
    )
    notes = models.CharField(max_length=60, blank=True, help_text="Why.")

    class Meta:
        db_table = "inventory_status"
        ordering = ["id"]
        verbose_name_plural = "inventory status"

    def __str__(self):
        return f"{self.inventory_id} {self.status}"


class LateFee(models.Model):
    """The late fee of one overdue rental: days overdue x daily rate, paid in full, in part or not at all."""

    id = models.AutoField(primary_key=True, db_column="late_fee_id")
    rental = models.OneToOneField(
        Rental, on_delete=models.PROTECT, db_column="rental_id", related_name="late_fee", help_text="The rental."
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.PROTECT, db_column="customer_id", related_name="+", help_text="Who owes it."
    )
    inventory = models.ForeignKey(
        Inventory, on_delete=models.PROTECT, db_column="inventory_id", related_name="+", help_text="The copy."
    )
    days_overdue = models.PositiveIntegerField(help_text="Days past rental_duration (to the return or run end).")
    daily_rate = money("Fee per day in dollars.", digits=4)
    total_fee = money("days_overdue x daily_rate.", digits=8)
    fee_date = models.DateField(db_index=True, help_text="Day the fee was charged (return day, or run end).")
    paid = models.BooleanField(db_index=True, help_text="Paid in full.")
    paid_date = models.DateField(null=True, blank=True, help_text="Day of the payment, if any.")
    paid_amount = money("Amount paid so far.", digits=8)

    class Meta:
        db_table = "late_fees"
        ordering = ["id"]

    def __str__(self):
        return f"Late fee of rental {self.rental_id}"


class CustomerAR(models.Model):
    """Accounts receivable of a customer with late fees, aged against the run's last day."""

    customer = models.OneToOneField(
        Customer, on_delete=models.CASCADE, primary_key=True, db_column="customer_id", related_name="ar",
        help_text="The customer.",
    )  # fmt: skip
    total_owed = money("Sum of late fees charged.", digits=10)
    total_paid = money("Sum paid towards them.", digits=10)
    ar_balance = money("total_owed - total_paid.", digits=10)
    last_payment_date = models.DateField(null=True, blank=True, help_text="Last late-fee payment.")
    days_past_due = models.PositiveIntegerField(help_text="Age in days of the oldest unpaid fee (0 if none).")
    ar_status = models.CharField(
        max_length=14, choices=AR_STATUS_CHOICES, db_index=True, help_text="Aging bucket of the balance."
    )
    as_of_date = models.DateField(help_text="The simulation day the aging was computed for.")

    class Meta:
        db_table = "customer_ar"
        ordering = ["customer_id"]
        verbose_name = "customer AR"
        verbose_name_plural = "customer AR"

    def __str__(self):
        return f"AR of {self.customer_id}"


class RentalStatusTracking(models.Model):
    """Status of every rental as of the run's last day."""

    id = models.AutoField(primary_key=True, db_column="tracking_id")
    rental = models.OneToOneField(
        Rental, on_delete=models.CASCADE, db_column="rental_id", related_name="tracking", help_text="The rental."
    )
    status = models.CharField(max_length=10, choices=RENTAL_STATUS_CHOICES, help_text="Status.")
    expected_return_date = models.DateTimeField(help_text="rental_date + rental_duration days.")
    overdue_days = models.PositiveIntegerField(help_text="Days past the expected return (0 when on time).")

    class Meta:
        db_table = "rental_status_tracking"
        ordering = ["id"]
        verbose_name_plural = "rental status tracking"

    def __str__(self):
        return f"{self.rental_id}: {self.status}"


class SeasonalityLog(models.Model):
    """One row per simulated week: the volume model's inputs and what happened."""

    id = models.AutoField(primary_key=True, db_column="log_id")
    week_number = models.PositiveIntegerField(unique=True, help_text="1 = first simulated week.")
    week_start = models.DateField(db_index=True, help_text="First day of the week.")
    business_phase = models.CharField(max_length=12, choices=PHASE_CHOICES, help_text="Phase of the week.")
    volume_modifier = models.FloatField(help_text="Trend index of the week (1.0 = opening volume).")
    baseline_rentals = models.FloatField(help_text="Trend volume before season and noise (scale x index).")
    seasonal_multiplier = models.FloatField(help_text="Season multiplier applied.")
    target_rentals = models.PositiveIntegerField(help_text="Target rentals after season, noise and spike days.")
    actual_rentals = models.PositiveIntegerField(help_text="Rentals that found a free copy.")
    lost_rentals = models.PositiveIntegerField(help_text="Demand lost: no free copy or customer at their cap.")
    spike_days = models.PositiveSmallIntegerField(help_text="Days with a demand spike.")
    new_customers = models.PositiveIntegerField(help_text="Customers who joined.")
    churned_customers = models.PositiveIntegerField(help_text="Customers who churned.")
    reactivated_customers = models.PositiveIntegerField(help_text="Churned customers who came back.")

    class Meta:
        db_table = "seasonality_log"
        ordering = ["week_number"]

    def __str__(self):
        return f"Week {self.week_number}"


class DataDefect(DataDefectBase):
    """A value damaged on purpose by `--defects light|heavy`, with its clean value: the answer key (see
    `simkit.defects` for the kinds and rates)."""

    class Meta(DataDefectBase.Meta):
        db_table = "data_defects"
        ordering = ["id"]

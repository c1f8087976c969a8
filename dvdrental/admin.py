"""dvdrental admin, sized for 200,000 rentals and a million rows overall.

Every foreign key is a raw-id input, changelists select exactly the related rows they display, filters are on
low-cardinality columns (store, rating, category, active, status) and date hierarchies only on indexed dates.
"""

from django.contrib import admin

from core.admin import LargeTableAdmin, value_list_filter

from .constants import RATINGS
from .models import (
    Actor,
    Address,
    Category,
    City,
    Country,
    Customer,
    CustomerAR,
    CustomerLifecycle,
    DataDefect,
    Film,
    FilmActor,
    FilmCategory,
    FilmPrice,
    FilmRelease,
    Inventory,
    InventoryPurchase,
    InventoryStatus,
    Language,
    LateFee,
    Payment,
    Rental,
    RentalStatusTracking,
    SeasonalityLog,
    Staff,
    Store,
)


class StoreFilter(admin.SimpleListFilter):
    """Stores by id: a handful of rows, read once per changelist."""

    title = "store"
    parameter_name = "store"
    field = "store_id"

    def lookups(self, request, model_admin):
        return [(str(pk), f"Store {pk}") for pk in Store.objects.order_by("id").values_list("id", flat=True)]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(**{self.field: int(self.value())})
        return queryset


class InventoryStoreFilter(StoreFilter):
    field = "inventory__store_id"


class StaffStoreFilter(StoreFilter):
    field = "staff__store_id"


class CategoryFilter(admin.SimpleListFilter):
    title = "category"
    parameter_name = "category"

    def lookups(self, request, model_admin):
        return list(Category.objects.order_by("name").values_list("id", "name"))

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(film_categories__category_id=int(self.value()))
        return queryset


@admin.register(Country)
class CountryAdmin(LargeTableAdmin):
    list_display = ["id", "country", "last_update"]
    search_fields = ["country"]


@admin.register(City)
class CityAdmin(LargeTableAdmin):
    list_display = ["id", "city", "country"]
    list_select_related = ["country"]
    raw_id_fields = ["country"]
    search_fields = ["city"]


@admin.register(Address)
class AddressAdmin(LargeTableAdmin):
    list_display = ["id", "address", "district", "city", "postal_code", "phone"]
    list_select_related = ["city"]
    raw_id_fields = ["city"]
    search_fields = ["address", "postal_code"]


@admin.register(Language)
class LanguageAdmin(LargeTableAdmin):
    list_display = ["id", "name"]


@admin.register(Category)
class CategoryAdmin(LargeTableAdmin):
    list_display = ["id", "name", "last_update"]
    search_fields = ["name"]


@admin.register(Actor)
class ActorAdmin(LargeTableAdmin):
    list_display = ["id", "first_name", "last_name"]
    search_fields = ["first_name", "last_name"]


class FilmCategoryInline(admin.TabularInline):
    model = FilmCategory
    raw_id_fields = ["category"]
    extra = 0


class FilmActorInline(admin.TabularInline):
    model = FilmActor
    raw_id_fields = ["actor"]
    extra = 0


@admin.register(Film)
class FilmAdmin(LargeTableAdmin):
    list_display = ["id", "title", "release_year", "rating", "rental_rate", "rental_duration", "length", "language"]
    list_select_related = ["language"]
    list_filter = [value_list_filter("rating", RATINGS), CategoryFilter]
    raw_id_fields = ["language", "original_language"]
    search_fields = ["title"]
    inlines = [FilmCategoryInline, FilmActorInline]


@admin.register(FilmActor)
class FilmActorAdmin(LargeTableAdmin):
    list_display = ["id", "film", "actor"]
    list_select_related = ["film", "actor"]
    raw_id_fields = ["film", "actor"]


@admin.register(FilmCategory)
class FilmCategoryAdmin(LargeTableAdmin):
    list_display = ["id", "film", "category"]
    list_select_related = ["film", "category"]
    raw_id_fields = ["film", "category"]


@admin.register(Store)
class StoreAdmin(LargeTableAdmin):
    list_display = ["id", "manager_staff", "address"]
    list_select_related = ["manager_staff", "address"]
    raw_id_fields = ["manager_staff", "address"]


@admin.register(Staff)
class StaffAdmin(LargeTableAdmin):
    list_display = ["id", "first_name", "last_name", "store", "email", "active"]
    list_select_related = ["store"]
    list_filter = [StoreFilter, "active"]
    raw_id_fields = ["store", "address"]


@admin.register(Customer)
class CustomerAdmin(LargeTableAdmin):
    list_display = ["id", "first_name", "last_name", "email", "store", "active", "create_date", "segment"]
    list_select_related = ["store", "lifecycle"]
    list_filter = [StoreFilter, "active", "lifecycle__segment"]
    raw_id_fields = ["store", "address"]
    search_fields = ["last_name", "first_name", "email"]
    date_hierarchy = "create_date"

    @admin.display(description="segment", ordering="lifecycle__segment")
    def segment(self, obj: Customer) -> str | None:
        try:
            return obj.lifecycle.segment
        except CustomerLifecycle.DoesNotExist:
            return None


@admin.register(CustomerLifecycle)
class CustomerLifecycleAdmin(LargeTableAdmin):
    list_display = ["customer", "segment", "join_week", "churn_week", "reactivation_week", "max_simultaneous_rentals"]
    list_select_related = ["customer"]
    list_filter = ["segment"]
    raw_id_fields = ["customer"]


@admin.register(Inventory)
class InventoryAdmin(LargeTableAdmin):
    list_display = ["id", "film", "store", "date_purchased"]
    list_select_related = ["film", "store"]
    list_filter = [StoreFilter]
    raw_id_fields = ["film", "store"]
    search_fields = ["film__title"]


@admin.register(Rental)
class RentalAdmin(LargeTableAdmin):
    list_display = ["id", "rental_date", "return_date", "film", "customer", "store", "staff"]
    list_select_related = ["inventory__film", "customer", "staff"]
    list_filter = [InventoryStoreFilter]
    raw_id_fields = ["inventory", "customer", "staff"]
    date_hierarchy = "rental_date"
    # Search by who rented: the matching customers first, then their rentals by the indexed key (core.admin).
    related_search_fields = {"customer": ["first_name", "last_name", "email"]}

    @admin.display(description="film", ordering="inventory__film__title")
    def film(self, obj: Rental) -> str:
        return obj.inventory.film.title

    @admin.display(description="store", ordering="inventory__store_id")
    def store(self, obj: Rental) -> int:
        return obj.inventory.store_id


@admin.register(Payment)
class PaymentAdmin(LargeTableAdmin):
    list_display = ["id", "payment_date", "amount", "customer", "staff", "rental"]
    list_select_related = ["customer", "staff", "rental"]
    list_filter = [StaffStoreFilter]
    raw_id_fields = ["customer", "staff", "rental"]
    date_hierarchy = "payment_date"
    related_search_fields = {"customer": ["first_name", "last_name", "email"]}


@admin.register(FilmRelease)
class FilmReleaseAdmin(LargeTableAdmin):
    list_display = ["id", "film", "category", "release_date", "release_quarter", "strategy", "copies"]
    list_select_related = ["film", "category"]
    list_filter = ["strategy"]
    raw_id_fields = ["film", "category"]
    date_hierarchy = "release_date"


@admin.register(InventoryPurchase)
class InventoryPurchaseAdmin(LargeTableAdmin):
    list_display = ["id", "purchase_date", "film", "store", "quantity", "unit_cost", "reason", "business_phase"]
    list_select_related = ["film", "store"]
    list_filter = ["reason", "business_phase", StoreFilter]
    raw_id_fields = ["film", "store"]
    date_hierarchy = "purchase_date"


@admin.register(InventoryStatus)
class InventoryStatusAdmin(LargeTableAdmin):
    list_display = ["id", "inventory", "status", "status_date", "rental", "staff", "notes"]
    list_select_related = ["inventory", "rental", "staff"]
    list_filter = ["status"]
    raw_id_fields = ["inventory", "rental", "staff"]


@admin.register(LateFee)
class LateFeeAdmin(LargeTableAdmin):
    list_display = ["id", "rental", "customer", "days_overdue", "total_fee", "fee_date", "paid", "paid_amount"]
    list_select_related = ["rental", "customer"]
    list_filter = ["paid"]
    raw_id_fields = ["rental", "customer", "inventory"]
    date_hierarchy = "fee_date"


@admin.register(CustomerAR)
class CustomerARAdmin(LargeTableAdmin):
    list_display = ["customer", "total_owed", "total_paid", "ar_balance", "days_past_due", "ar_status"]
    list_select_related = ["customer"]
    list_filter = ["ar_status"]
    raw_id_fields = ["customer"]


@admin.register(RentalStatusTracking)
class RentalStatusTrackingAdmin(LargeTableAdmin):
    list_display = ["id", "rental", "status", "expected_return_date", "overdue_days"]
    list_select_related = ["rental"]
    list_filter = ["status"]
    raw_id_fields = ["rental"]


@admin.register(SeasonalityLog)
class SeasonalityLogAdmin(LargeTableAdmin):
    list_display = [
        "week_number", "week_start", "business_phase", "volume_modifier", "seasonal_multiplier", "target_rentals",
        "actual_rentals", "lost_rentals", "new_customers", "churned_customers",
    ]  # fmt: skip
    list_filter = ["business_phase"]
    date_hierarchy = "week_start"


@admin.register(DataDefect)
class DataDefectAdmin(LargeTableAdmin):
    list_display = ["id", "table_name", "row_id", "column_name", "kind", "clean_value"]
    list_filter = ["table_name", "kind"]
    search_fields = ["=row_id"]


@admin.register(FilmPrice)
class FilmPriceAdmin(LargeTableAdmin):
    list_display = ["id", "film", "valid_from", "valid_to", "rental_rate", "replacement_cost"]
    list_select_related = ["film"]
    raw_id_fields = ["film"]

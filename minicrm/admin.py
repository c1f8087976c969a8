"""minicrm admin, sized for 100,000 customers and 1.4 million orders.

Every foreign key is a raw-id input (no `<select>` over a whole table), changelists select exactly the related
rows they display, and filters are on low-cardinality columns with known values, so a changelist costs the same
few queries whatever the table size.
"""

from django.contrib import admin

from core.admin import LargeTableAdmin, value_list_filter

from .models import Customer, Order, OrderItem, Product, ProductPrice, RFMScore

SCORES = range(1, 6)


class RFMScoreInline(admin.StackedInline):
    """A customer's RFM score, read-only: scores are recalculated for everyone at once by `rfm_calculate`."""

    model = RFMScore
    can_delete = False
    extra = 0
    max_num = 0
    fields = readonly_fields = [
        "rfm_code", "segment", "recency_days", "frequency", "monetary", "recency_score", "frequency_score",
        "monetary_score", "as_of", "calculated_at",
    ]  # fmt: skip


@admin.register(Customer)
class CustomerAdmin(LargeTableAdmin):
    list_display = ["id", "name", "email", "persona", "segment", "created_at"]
    list_select_related = ["rfm_score"]
    list_filter = ["persona", "rfm_score__segment"]
    search_fields = ["first_name", "last_name", "email"]
    date_hierarchy = "created_at"
    inlines = [RFMScoreInline]

    @admin.display(description="name", ordering="last_name")
    def name(self, obj: Customer) -> str:
        return obj.name

    @admin.display(description="RFM segment", ordering="rfm_score__segment")
    def segment(self, obj: Customer) -> str | None:
        # select_related caches a missing reverse one-to-one as None, so an unscored customer costs no query.
        try:
            return obj.rfm_score.segment
        except RFMScore.DoesNotExist:
            return None


@admin.register(Product)
class ProductAdmin(LargeTableAdmin):
    list_display = ["id", "name", "category", "price", "stock"]
    list_filter = ["category"]
    search_fields = ["name"]


@admin.register(ProductPrice)
class ProductPriceAdmin(LargeTableAdmin):
    list_display = ["product", "price", "valid_from", "valid_to"]
    list_select_related = ["product"]
    raw_id_fields = ["product"]
    search_fields = ["product__name"]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    raw_id_fields = ["product"]
    extra = 0


@admin.register(Order)
class OrderAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "order_date", "status", "total_price"]
    list_select_related = ["customer"]
    list_filter = ["status"]
    # By customer name or email: the matching customers first, then their orders by the indexed key (core.admin).
    related_search_fields = {"customer": ["first_name", "last_name", "email"]}
    raw_id_fields = ["customer"]
    date_hierarchy = "order_date"
    inlines = [OrderItemInline]


@admin.register(OrderItem)
class OrderItemAdmin(LargeTableAdmin):
    list_display = ["id", "order", "product", "quantity", "unit_price"]
    list_select_related = ["order", "product"]
    # The catalogue is small, so a filter listing the products is one cheap query.
    list_filter = ["product"]
    raw_id_fields = ["order", "product"]


@admin.register(RFMScore)
class RFMScoreAdmin(LargeTableAdmin):
    list_display = [
        "customer", "rfm_code", "segment", "recency_days", "frequency", "monetary", "as_of", "calculated_at",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = [
        "segment",
        value_list_filter("recency_score", SCORES),
        value_list_filter("frequency_score", SCORES),
        value_list_filter("monetary_score", SCORES),
    ]
    search_fields = ["customer__email"]
    raw_id_fields = ["customer"]

    # Scores are derived: `rfm_calculate` replaces them all at once, so an edit here would not survive.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""hopify admin, sized for 74,000 customers and 1.6 million payments.

Every foreign key is a raw-id input, changelists select exactly the related rows they display, filters are on
low-cardinality columns with known values (choices), and date_hierarchy only on indexed dates (its navigation comes
from MIN and MAX: core.admin.RangePeriodsQuerySet), so a changelist costs the same few queries whatever the table
size.
"""

from django.contrib import admin

from core.admin import LargeTableAdmin

from .models import (
    AppInstall,
    Benchmark,
    ChurnEvent,
    Customer,
    Discount,
    Location,
    MarketingCampaign,
    MarketingSpend,
    Order,
    OrderDiscount,
    OrderItem,
    Payment,
    Product,
    Subscription,
    SupportTicket,
    WebTraffic,
)


class SubscriptionInline(admin.TabularInline):
    model = Subscription
    extra = 0
    fields = readonly_fields = ["plan_type", "subscription_price", "start_date", "end_date", "status", "change_type"]
    can_delete = False
    max_num = 0


@admin.register(Customer)
class CustomerAdmin(LargeTableAdmin):
    list_display = ["id", "name", "email", "customer_segment", "acquisition_source", "signup_date"]
    list_filter = ["customer_segment", "acquisition_source"]
    search_fields = ["name", "email", "store_slug"]
    date_hierarchy = "signup_date"
    inlines = [SubscriptionInline]


@admin.register(Subscription)
class SubscriptionAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "plan_type", "subscription_price", "start_date", "end_date", "status",
                    "change_type"]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = ["status", "change_type", "plan_type"]
    raw_id_fields = ["customer"]
    search_fields = ["customer__email"]
    date_hierarchy = "start_date"


@admin.register(Product)
class ProductAdmin(LargeTableAdmin):
    list_display = ["id", "name", "category", "price", "revenue_type"]
    list_filter = ["category", "revenue_type"]
    search_fields = ["name"]


class OrderItemInline(admin.TabularInline):
    model = OrderItem
    raw_id_fields = ["product"]
    extra = 0


@admin.register(Order)
class OrderAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "order_date", "order_type", "total_amount", "discount_amount"]
    list_select_related = ["customer"]
    list_filter = ["order_type"]
    raw_id_fields = ["customer"]
    # By customer name or email: the matching customers first, then their rows by the indexed key (core.admin).
    related_search_fields = {"customer": ["name", "email"]}
    date_hierarchy = "order_date"
    inlines = [OrderItemInline]


@admin.register(OrderItem)
class OrderItemAdmin(LargeTableAdmin):
    list_display = ["id", "order", "product", "quantity", "subtotal"]
    list_select_related = ["order", "product"]
    # The catalogue is small (80 products), so a filter listing them is one cheap query.
    list_filter = ["product__category"]
    raw_id_fields = ["order", "product"]


@admin.register(Discount)
class DiscountAdmin(LargeTableAdmin):
    list_display = ["id", "discount_code", "discount_percent", "start_date", "end_date"]
    search_fields = ["discount_code"]


@admin.register(OrderDiscount)
class OrderDiscountAdmin(LargeTableAdmin):
    list_display = ["order", "discount"]
    list_select_related = ["order", "discount"]
    raw_id_fields = ["order", "discount"]


@admin.register(Payment)
class PaymentAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "order", "subscription", "payment_amount", "payment_date", "payment_method",
                    "success"]  # fmt: skip
    list_select_related = ["customer", "order", "subscription"]
    list_filter = ["success", "payment_method"]
    raw_id_fields = ["customer", "order", "subscription"]
    related_search_fields = {"customer": ["name", "email"]}


@admin.register(SupportTicket)
class SupportTicketAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "ticket_category", "created_at", "resolved_at"]
    list_select_related = ["customer"]
    list_filter = ["ticket_category"]
    raw_id_fields = ["customer"]
    search_fields = ["customer__email"]
    date_hierarchy = "created_at"


@admin.register(ChurnEvent)
class ChurnEventAdmin(LargeTableAdmin):
    list_display = ["id", "customer", "churn_date", "churn_reason"]
    list_select_related = ["customer"]
    list_filter = ["churn_reason", "customer__customer_segment"]
    raw_id_fields = ["customer"]
    search_fields = ["customer__email"]
    date_hierarchy = "churn_date"


@admin.register(Location)
class LocationAdmin(LargeTableAdmin):
    list_display = ["id", "name", "city", "state", "country"]


@admin.register(AppInstall)
class AppInstallAdmin(LargeTableAdmin):
    list_display = ["id", "location", "product", "install_date"]
    list_select_related = ["location", "product"]
    list_filter = ["location"]
    raw_id_fields = ["location", "product"]


@admin.register(MarketingCampaign)
class MarketingCampaignAdmin(LargeTableAdmin):
    list_display = ["id", "campaign_name", "channel", "campaign_type", "start_date", "end_date", "total_cost"]
    list_filter = ["channel"]


@admin.register(MarketingSpend)
class MarketingSpendAdmin(LargeTableAdmin):
    list_display = ["id", "segment", "month", "monthly_budget"]
    list_filter = ["segment"]


@admin.register(WebTraffic)
class WebTrafficAdmin(LargeTableAdmin):
    list_display = ["id", "traffic_date", "source_channel", "visitors", "leads", "mqls"]
    list_filter = ["source_channel"]


@admin.register(Benchmark)
class BenchmarkAdmin(LargeTableAdmin):
    list_display = ["id", "segment", "metric_category", "metric_name", "target_value", "target_period"]
    list_filter = ["segment", "metric_category", "target_period"]
    search_fields = ["metric_name"]

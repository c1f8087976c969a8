"""churnlab admin, sized for 100,000 customers and 4 million daily usage rows.

Every foreign key is a raw-id input, changelists join exactly the rows they display and filters are on
low-cardinality columns with known values. The big tables have a month filter whose choices come from MIN and MAX
of the indexed date (two index look-ups; Django's own date_hierarchy once scanned all 4 million usage rows for it,
18 s on SQLite, before core.admin.RangePeriodsQuerySet), and the changelists are ordered newest first along that
index. Search is by customer number, an exact match on the indexed key, never a LIKE over millions of rows. The
ground truth and the pipeline's outputs are read-only: they are regenerated.
"""

import datetime as dt

from django.contrib import admin
from django.db.models import Max, Min

from core.admin import LargeTableAdmin, value_list_filter

from .models import (
    Billing,
    ChurnFeature,
    ChurnTraining,
    ChurnTruth,
    Customer,
    DataQualityCheck,
    SupportTicket,
    UsageDaily,
)


def month_list_filter(field_name: str, *, title: str = "month") -> type[admin.SimpleListFilter]:
    """A filter offering every month between the first and last `field_name`, newest first, as `YYYY-MM`.

    MIN and MAX are asked separately: each is one index look-up, while a single query asking both scans the table
    on SQLite.
    """

    class MonthListFilter(admin.SimpleListFilter):
        parameter_name = field_name

        def lookups(self, request, model_admin):
            rows = model_admin.model.objects.using(model_admin.get_queryset(request).db)
            first = rows.aggregate(day=Min(field_name))["day"]
            last = rows.aggregate(day=Max(field_name))["day"]
            if first is None:
                return []
            months = []
            year, month = last.year, last.month
            while (year, month) >= (first.year, first.month):
                months.append((f"{year:04d}-{month:02d}", f"{year:04d}-{month:02d}"))
                year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            return months

        def queryset(self, request, queryset):
            try:
                start = dt.date.fromisoformat(f"{self.value()}-01")
            except (TypeError, ValueError):
                return queryset  # no or malformed value: ignored rather than sent to the database
            end = dt.date(start.year + start.month // 12, start.month % 12 + 1, 1)
            return queryset.filter(**{f"{field_name}__gte": start, f"{field_name}__lt": end})

    MonthListFilter.title = title
    MonthListFilter.__name__ = f"{field_name.title().replace('_', '')}MonthListFilter"
    return MonthListFilter


class CustomerNumberSearch:
    """Search box taking a customer number: an exact, indexed match (anything else matches nothing)."""

    search_fields = ["customer__id"]
    search_help_text = "Customer number (exact)."
    customer_field = "customer_id"

    def get_search_results(self, request, queryset, search_term):
        term = search_term.strip()
        if not term:
            return queryset, False
        if not term.isdigit():
            return queryset.none(), False
        return queryset.filter(**{self.customer_field: int(term)}), False


class ReadOnlyAdmin(LargeTableAdmin):
    """Rows written by a seed or the pipeline: an edit here would not survive the next run."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Customer)
class CustomerAdmin(CustomerNumberSearch, LargeTableAdmin):
    list_display = ["id", "signup_date", "plan", "region"]
    list_filter = ["plan", "region", month_list_filter("signup_date", title="signup month")]
    search_fields = ["id"]
    customer_field = "id"


@admin.register(UsageDaily)
class UsageDailyAdmin(CustomerNumberSearch, LargeTableAdmin):
    list_display = ["id", "customer", "date", "sessions", "usage_minutes", "feature_events"]
    list_select_related = ["customer"]
    list_filter = [month_list_filter("date")]
    raw_id_fields = ["customer"]
    # Newest first along the date index (the admin appends -pk, which SQLite's index already holds as the rowid).
    ordering = ["-date"]


@admin.register(Billing)
class BillingAdmin(CustomerNumberSearch, LargeTableAdmin):
    list_display = ["id", "customer", "bill_date", "amount", "payment_status"]
    list_select_related = ["customer"]
    list_filter = ["payment_status", month_list_filter("bill_date")]
    raw_id_fields = ["customer"]
    ordering = ["-bill_date"]


@admin.register(SupportTicket)
class SupportTicketAdmin(CustomerNumberSearch, LargeTableAdmin):
    list_display = ["id", "customer", "ticket_date", "category", "priority"]
    list_select_related = ["customer"]
    list_filter = ["category", "priority", month_list_filter("ticket_date")]
    raw_id_fields = ["customer"]
    ordering = ["-ticket_date"]


@admin.register(ChurnTruth)
class ChurnTruthAdmin(CustomerNumberSearch, ReadOnlyAdmin):
    list_display = ["customer", "churned", "churn_date"]
    list_select_related = ["customer"]
    list_filter = ["churned"]
    raw_id_fields = ["customer"]


@admin.register(ChurnFeature)
class ChurnFeatureAdmin(CustomerNumberSearch, ReadOnlyAdmin):
    list_display = [
        "customer", "plan", "region", "tenure_days", "active_days", "avg_usage_minutes", "usage_trend_30d",
        "total_payment_issues", "total_tickets", "recency_days", "churn_label",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = [
        "plan",
        "region",
        value_list_filter("churn_label", (0, 1), title="churn label"),
        month_list_filter("signup_cohort", title="signup cohort"),
    ]
    raw_id_fields = ["customer"]


@admin.register(ChurnTraining)
class ChurnTrainingAdmin(CustomerNumberSearch, ReadOnlyAdmin):
    list_display = [
        "customer", "plan", "region", "tenure_days", "too_new", "active_days_30d", "recency_days",
        "failed_payments_90d", "technical_tickets_90d", "churned_next",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = ["plan", "region", "too_new", value_list_filter("churned_next", (0, 1), title="churned next")]
    raw_id_fields = ["customer"]


@admin.register(DataQualityCheck)
class DataQualityCheckAdmin(ReadOnlyAdmin):
    list_display = ["id", "check_name", "table_name", "failing_rows", "total_rows", "failing_share", "description"]
    list_filter = ["table_name"]

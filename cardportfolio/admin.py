"""cardportfolio admin, sized for 13 million transactions.

The customer of a transaction is a raw-id input, changelists select the customer they display, filters are on
columns with a fixed set of values (no DISTINCT scan), and the transactions changelist pages with a capped count:
Django counts the filtered rows on every page, which is a full scan of 13 million rows on SQLite. Instead of a
date hierarchy (its first level is a DISTINCT over every row's year) transactions get a month filter whose choices
come from the first and last transaction ids, two primary-key lookups.
"""

import datetime as dt

from django.contrib import admin

from core.admin import LargeTableAdmin, LargeTablePaginator

from . import selectors
from .models import Customer, Merchant, MonthlySpend, Statement, Transaction

COUNT_CAP = 10_000


class CappedCountPaginator(LargeTablePaginator):
    """Counts at most COUNT_CAP + 1 rows (`SELECT COUNT(*) FROM (... LIMIT 10001)`): pages past the cap are not
    numbered, every changelist costs the same whatever the table size; the whole table says "about 13.9 million"."""

    @property
    def exact_count_limit(self) -> int:
        return COUNT_CAP


class TransactionMonthFilter(admin.SimpleListFilter):
    title = "month"
    parameter_name = "month"

    def lookups(self, request, model_admin):
        return [(month.isoformat()[:7], month.strftime("%B %Y")) for month in selectors.transaction_months()]

    def queryset(self, request, queryset):
        if not self.value():
            return queryset
        try:
            start = dt.date.fromisoformat(f"{self.value()}-01")
        except ValueError:
            return queryset
        end = (start + dt.timedelta(days=32)).replace(day=1)
        return queryset.filter(
            transaction_date__gte=dt.datetime.combine(start, dt.time.min, tzinfo=dt.UTC),
            transaction_date__lt=dt.datetime.combine(end, dt.time.min, tzinfo=dt.UTC),
        )


@admin.register(Customer)
class CustomerAdmin(LargeTableAdmin):
    list_display = [
        "customer_id", "name", "email", "customer_segment", "decline_type", "card_type", "credit_limit", "state",
        "account_open_date",
    ]  # fmt: skip
    list_filter = ["customer_segment", "decline_type", "card_type", "employment_status"]
    search_fields = ["=customer_id", "email", "last_name"]
    date_hierarchy = "account_open_date"

    @admin.display(description="name", ordering="last_name")
    def name(self, obj: Customer) -> str:
        return obj.name


@admin.register(Transaction)
class TransactionAdmin(LargeTableAdmin):
    list_display = [
        "transaction_id", "customer", "transaction_date", "amount", "merchant_name", "merchant_category", "channel",
        "status",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = [TransactionMonthFilter, "status", "channel", "merchant_category"]
    search_fields = ["=transaction_id", "=customer__customer_id"]
    related_search_fields = {"customer": ["first_name", "last_name", "email"]}
    raw_id_fields = ["customer"]
    paginator = CappedCountPaginator
    ordering = ["-transaction_id"]


@admin.register(MonthlySpend)
class MonthlySpendAdmin(LargeTableAdmin):
    list_display = ["customer", "month", "transactions", "approved_transactions", "spend", "travel_spend"]
    list_select_related = ["customer"]
    list_filter = ["customer__customer_segment"]
    search_fields = ["=customer__customer_id"]
    raw_id_fields = ["customer"]
    date_hierarchy = "month"
    paginator = CappedCountPaginator

    # A summary written by the seed with the transactions: an edit here would contradict them.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Merchant)
class MerchantAdmin(LargeTableAdmin):
    list_display = ["merchant_id", "merchant_name", "merchant_category", "mcc", "city", "region", "country", "currency"]
    list_filter = ["merchant_category", "country"]
    search_fields = ["merchant_name", "city", "=mcc"]


@admin.register(Statement)
class StatementAdmin(LargeTableAdmin):
    list_display = [
        "customer", "statement_month", "previous_balance", "purchases", "payments", "new_balance", "minimum_due",
        "utilisation", "days_past_due",
    ]  # fmt: skip
    list_select_related = ["customer"]
    list_filter = ["days_past_due"]
    search_fields = ["=customer__customer_id"]
    raw_id_fields = ["customer"]
    date_hierarchy = "statement_month"
    paginator = CappedCountPaginator

    # Written by the seed with the transactions (they reconcile): an edit here would break the identity.
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

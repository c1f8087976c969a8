"""Serializers of the hopify tables for the read-only list endpoints."""

from rest_framework import serializers

from hopify.models import ChurnEvent, Customer, MarketingCampaign, Order, Subscription, SupportTicket


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = [
            "id", "name", "email", "billing_address", "shipping_address", "signup_date", "customer_segment",
            "acquisition_source", "store_slug", "store_domain",
        ]  # fmt: skip


class SubscriptionSerializer(serializers.ModelSerializer):
    """A subscription row with its customer's id and segment."""

    # Plain strings in the schema: an enum named `status` would collide with other domains' `status` enums.
    status = serializers.CharField(read_only=True, help_text="active or cancelled.")

    customer_id = serializers.IntegerField(read_only=True)
    customer_segment = serializers.CharField(source="customer.customer_segment", read_only=True)

    class Meta:
        model = Subscription
        fields = [
            "id", "customer_id", "customer_segment", "plan_type", "subscription_price", "start_date", "end_date",
            "status", "change_type",
        ]  # fmt: skip


class OrderSerializer(serializers.ModelSerializer):
    """An order with its customer's name and the discount code it used (null without one)."""

    customer_id = serializers.IntegerField(read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    discount_code = serializers.SerializerMethodField(help_text="Code used, or null.")

    class Meta:
        model = Order
        fields = [
            "id", "customer_id", "customer_name", "order_date", "order_type", "total_amount", "discount_amount",
            "discount_code",
        ]  # fmt: skip

    def get_discount_code(self, order: Order) -> str | None:
        # select_related caches a missing reverse one-to-one as None, so this costs no query.
        try:
            return order.order_discount.discount.discount_code
        except Order.order_discount.RelatedObjectDoesNotExist:
            return None


class ChurnEventSerializer(serializers.ModelSerializer):
    customer_id = serializers.IntegerField(read_only=True)
    customer_segment = serializers.CharField(source="customer.customer_segment", read_only=True)

    class Meta:
        model = ChurnEvent
        fields = ["id", "customer_id", "customer_segment", "churn_date", "churn_reason"]


class SupportTicketSerializer(serializers.ModelSerializer):
    customer_id = serializers.IntegerField(read_only=True)
    customer_segment = serializers.CharField(source="customer.customer_segment", read_only=True)
    resolution_hours = serializers.SerializerMethodField(help_text="Hours from opening to resolution; null if open.")

    class Meta:
        model = SupportTicket
        fields = [
            "id", "customer_id", "customer_segment", "ticket_category", "created_at", "resolved_at",
            "resolution_hours",
        ]  # fmt: skip

    def get_resolution_hours(self, ticket: SupportTicket) -> float | None:
        if ticket.resolved_at is None:
            return None
        return round((ticket.resolved_at - ticket.created_at).total_seconds() / 3600, 2)


class MarketingCampaignSerializer(serializers.ModelSerializer):
    # A plain string in the schema: the same choices are the customers' `acquisition_source` enum.
    channel = serializers.CharField(read_only=True, help_text="Acquisition channel the campaign drives.")

    class Meta:
        model = MarketingCampaign
        fields = ["id", "campaign_name", "channel", "campaign_type", "start_date", "end_date", "total_cost"]

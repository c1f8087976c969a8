"""Serializers of the cardportfolio models. Analytics endpoints keep their serializers nested in the view."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from cardportfolio.models import (
    CARD_TYPE_CHOICES,
    CATEGORY_CHOICES,
    CHANNEL_CHOICES,
    DECLINE_TYPE_CHOICES,
    EMPLOYMENT_CHOICES,
    SEGMENT_CHOICES,
    STATUS_CHOICES,
    Customer,
    Transaction,
)


def choice_field(choices, **kwargs) -> serializers.ChoiceField:
    """A ChoiceField whose enum stays inline in the OpenAPI schema.

    drf-spectacular hoists every property's `enum` into a component named after the property (`status`,
    `segment`), and other domains have properties of those names with other values: the components would collide.
    An enum wrapped in `allOf` is left where it is.
    """
    values = [value for value, _ in choices]
    if kwargs.get("allow_null"):
        values.append(None)
    schema = {"allOf": [{"type": "string", "enum": values}]}
    if kwargs.get("allow_null"):
        schema["nullable"] = True
    field_class = extend_schema_field(schema)(type("InlineChoiceField", (serializers.ChoiceField,), {}))
    return field_class(choices=choices, **kwargs)


class CustomerSerializer(serializers.ModelSerializer):
    """A customer: the 13 columns of the customers table."""

    employment_status = choice_field(EMPLOYMENT_CHOICES, read_only=True)
    card_type = choice_field(CARD_TYPE_CHOICES, read_only=True)
    customer_segment = choice_field(SEGMENT_CHOICES, read_only=True, help_text="Assigned segment.")
    decline_type = choice_field(DECLINE_TYPE_CHOICES, read_only=True, allow_null=True, help_text="Declining only.")

    class Meta:
        model = Customer
        fields = [
            "customer_id", "first_name", "last_name", "email", "age", "state", "city", "employment_status",
            "card_type", "credit_limit", "account_open_date", "customer_segment", "decline_type",
        ]  # fmt: skip


class TransactionSerializer(serializers.ModelSerializer):
    """A transaction with its customer's id."""

    customer_id = serializers.CharField(read_only=True)
    merchant_category = choice_field(CATEGORY_CHOICES, read_only=True)
    channel = choice_field(CHANNEL_CHOICES, read_only=True)
    status = choice_field(STATUS_CHOICES, read_only=True)

    class Meta:
        model = Transaction
        fields = [
            "transaction_id", "customer_id", "transaction_date", "amount", "merchant_name", "merchant_category",
            "channel", "status",
        ]  # fmt: skip


class ObservedCountSerializer(serializers.Serializer):
    """Customers of one assigned segment that the behaviour rule puts in `segment`."""

    segment = choice_field(SEGMENT_CHOICES, help_text="Behaviour-derived (observed) segment.")
    customers = serializers.IntegerField()


class ObservedSegmentRowSerializer(serializers.Serializer):
    """One row of the confusion table: an assigned segment and where its customers were observed."""

    segment = choice_field(SEGMENT_CHOICES, help_text="Assigned segment.")
    customers = serializers.IntegerField()
    recovered = serializers.IntegerField(help_text="Customers whose observed segment is the assigned one.")
    recovery_rate = serializers.FloatField(allow_null=True, help_text="recovered / customers.")
    observed = ObservedCountSerializer(many=True, help_text="Customers per observed segment.")

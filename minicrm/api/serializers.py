"""Serializers of the minicrm models. Analytics endpoints keep their input and output serializers in the view."""

from decimal import Decimal

from django.utils import timezone
from rest_framework import serializers

from minicrm.constants import Persona
from minicrm.models import PERSONA_CHOICES, STATUS_CHOICES, Customer, Order, OrderItem, Product, RFMScore


class CustomerSerializer(serializers.ModelSerializer):
    """A customer with the name spelled out."""

    name = serializers.CharField(read_only=True)

    class Meta:
        model = Customer
        fields = [
            "id", "name", "first_name", "last_name", "email", "phone", "address", "city", "state", "postal_code",
            "created_at", "persona",
        ]  # fmt: skip


class CustomerListSerializer(serializers.ModelSerializer):
    """A customer row of the list, with its RFM segment (null when the customer has no score)."""

    name = serializers.CharField(read_only=True)
    segment = serializers.CharField(read_only=True, allow_null=True, help_text="RFM segment, null if not scored.")

    class Meta:
        model = Customer
        fields = [
            "id", "name", "first_name", "last_name", "email", "phone", "address", "city", "state", "postal_code",
            "created_at", "persona", "segment",
        ]  # fmt: skip


class RFMScoreSerializer(serializers.ModelSerializer):
    """A customer's RFM values, scores and segment, with the customer's name and e-mail."""

    customer_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="customer.name", read_only=True)
    email = serializers.EmailField(source="customer.email", read_only=True)
    # The earlier CRM's names for the same two values.
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    customer_email = serializers.EmailField(source="customer.email", read_only=True)

    class Meta:
        model = RFMScore
        fields = [
            "customer_id", "name", "email", "customer_name", "customer_email", "recency_days", "frequency",
            "monetary", "recency_score", "frequency_score", "monetary_score", "rfm_code", "segment", "as_of",
            "calculated_at", "is_stale",
        ]  # fmt: skip


class RFMScoreDetailSerializer(RFMScoreSerializer):
    """An RFM score with the whole customer nested."""

    customer = CustomerSerializer(read_only=True)

    class Meta(RFMScoreSerializer.Meta):
        fields = [*RFMScoreSerializer.Meta.fields, "customer"]


class CustomerRFMSerializer(serializers.ModelSerializer):
    """The RFM part of a customer's detail."""

    class Meta:
        model = RFMScore
        fields = [
            "recency_days", "frequency", "monetary", "recency_score", "frequency_score", "monetary_score", "rfm_code",
            "segment", "as_of", "calculated_at", "is_stale",
        ]  # fmt: skip


class CustomerDetailSerializer(CustomerSerializer):
    """A customer with its RFM score (null when the customer has no non-cancelled order)."""

    rfm_score = CustomerRFMSerializer(read_only=True, allow_null=True)

    class Meta(CustomerSerializer.Meta):
        fields = [*CustomerSerializer.Meta.fields, "rfm_score"]


class ProductSerializer(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "name", "category", "description", "price", "stock"]


class OrderItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderItem
        fields = ["id", "product_id", "product_name", "quantity", "unit_price"]


class OrderSerializer(serializers.ModelSerializer):
    """An order row of the list: its customer (id, as the earlier CRM gave it, and name) and its lines."""

    customer_id = serializers.IntegerField(read_only=True)
    customer = serializers.IntegerField(source="customer_id", read_only=True, help_text="Customer id.")
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer_id", "customer", "customer_name", "order_date", "status", "total_price", "items"]


class OrderDetailSerializer(OrderSerializer):
    """An order with its customer nested and its lines."""

    customer = CustomerSerializer(read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = OrderSerializer.Meta.fields


class CustomerWriteSerializer(serializers.ModelSerializer):
    """What staff send to create or update a customer. `persona` defaults to `new` (a customer added by hand
    has no generated persona; `new` is what a recent signup looks like)."""

    persona = serializers.ChoiceField(
        choices=PERSONA_CHOICES, default=Persona.NEW.value, help_text="Ground-truth persona (default new)."
    )
    created_at = serializers.DateTimeField(required=False, help_text="Signup time (UTC); default now.")

    class Meta:
        model = Customer
        fields = [
            "id", "first_name", "last_name", "email", "phone", "address", "city", "state", "postal_code",
            "created_at", "persona",
        ]  # fmt: skip
        read_only_fields = ["id"]

    def validate_state(self, value: str) -> str:
        return value.upper()

    def create(self, validated_data):
        validated_data.setdefault("created_at", timezone.now())
        return super().create(validated_data)


class OrderLineInputSerializer(serializers.Serializer):
    product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), help_text="Product id.")
    quantity = serializers.IntegerField(min_value=1, max_value=10_000)
    unit_price = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=Decimal("0.00"),
        required=False,
        help_text="Price paid per unit; default the product's current list price.",
    )


class OrderWriteSerializer(serializers.Serializer):
    """What staff send to create or update an order; the total is computed from the items."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), help_text="Customer id.")
    status = serializers.ChoiceField(choices=STATUS_CHOICES, required=False, help_text="Default processing.")
    order_date = serializers.DateTimeField(required=False, help_text="When placed (UTC); default now.")
    items = OrderLineInputSerializer(many=True, required=False, help_text="Replaces the order's lines when given.")

    def validate(self, attrs):
        if self.instance is None and not attrs.get("items"):
            raise serializers.ValidationError({"items": "An order needs at least one item."})
        if "items" in attrs and not attrs["items"]:
            raise serializers.ValidationError({"items": "An order needs at least one item."})
        return attrs


class ValueRangeSerializer(serializers.Serializer):
    """Minimum, mean and maximum of one value; null when there is nothing to aggregate."""

    min = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)

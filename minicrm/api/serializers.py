"""Serializers of the minicrm models. Analytics endpoints keep their input and output serializers in the view."""

from rest_framework import serializers

from minicrm.models import Customer, Order, OrderItem, Product, RFMScore


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
        fields = ["id", "name", "email", "city", "state", "created_at", "persona", "segment"]


class RFMScoreSerializer(serializers.ModelSerializer):
    """A customer's RFM values, scores and segment, with the customer's name and e-mail."""

    customer_id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(source="customer.name", read_only=True)
    email = serializers.EmailField(source="customer.email", read_only=True)

    class Meta:
        model = RFMScore
        fields = [
            "customer_id", "name", "email", "recency_days", "frequency", "monetary", "recency_score",
            "frequency_score", "monetary_score", "rfm_code", "segment", "as_of", "calculated_at",
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
            "segment", "as_of", "calculated_at",
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


class OrderSerializer(serializers.ModelSerializer):
    """An order row of the list, with its customer's id and name."""

    customer_id = serializers.IntegerField(read_only=True)
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "customer_id", "customer_name", "order_date", "status", "total_price"]


class OrderItemSerializer(serializers.ModelSerializer):
    product_id = serializers.IntegerField(read_only=True)
    product_name = serializers.CharField(source="product.name", read_only=True)

    class Meta:
        model = OrderItem
        fields = ["id", "product_id", "product_name", "quantity", "unit_price"]


class OrderDetailSerializer(OrderSerializer):
    """An order with its customer and its lines."""

    customer = CustomerSerializer(read_only=True)
    items = OrderItemSerializer(many=True, read_only=True)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "customer", "items"]


class ValueRangeSerializer(serializers.Serializer):
    """Minimum, mean and maximum of one value; null when there is nothing to aggregate."""

    min = serializers.FloatField(allow_null=True)
    mean = serializers.FloatField(allow_null=True)
    max = serializers.FloatField(allow_null=True)

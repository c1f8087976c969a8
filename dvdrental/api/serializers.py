"""Serializers of the dvdrental models. Analytics endpoints keep their serializers nested in the view."""

from rest_framework import serializers

from dvdrental.models import Customer, CustomerLifecycle, Film, LateFee, Rental, SeasonalityLog


class FilmSerializer(serializers.ModelSerializer):
    """A film with its category (genre) and language."""

    category = serializers.CharField(source="category_name", read_only=True, allow_null=True, help_text="Genre.")
    language = serializers.CharField(source="language.name", read_only=True)

    class Meta:
        model = Film
        fields = [
            "id", "title", "description", "release_year", "category", "language", "rental_duration", "rental_rate",
            "length", "replacement_cost", "rating", "special_features",
        ]  # fmt: skip


class CustomerSerializer(serializers.ModelSerializer):
    """A customer with home store, city and the simulation's ground-truth segment."""

    city = serializers.CharField(source="address.city.city", read_only=True)
    segment = serializers.SerializerMethodField(help_text="Ground-truth segment (null for customers added by hand).")

    class Meta:
        model = Customer
        fields = ["id", "store_id", "first_name", "last_name", "email", "city", "active", "create_date", "segment"]

    def get_segment(self, obj: Customer) -> str | None:
        # select_related caches a missing reverse one-to-one as None: no extra query either way.
        try:
            return obj.lifecycle.segment
        except CustomerLifecycle.DoesNotExist:
            return None


class RentalSerializer(serializers.ModelSerializer):
    """A rental with the film title, the store and the customer's name."""

    film_id = serializers.IntegerField(source="inventory.film_id", read_only=True)
    title = serializers.CharField(source="inventory.film.title", read_only=True)
    store_id = serializers.IntegerField(source="inventory.store_id", read_only=True)
    customer_name = serializers.SerializerMethodField()

    class Meta:
        model = Rental
        fields = [
            "id", "rental_date", "return_date", "inventory_id", "film_id", "title", "store_id", "customer_id",
            "customer_name", "staff_id",
        ]  # fmt: skip

    def get_customer_name(self, obj: Rental) -> str:
        return f"{obj.customer.first_name} {obj.customer.last_name}"


class WeeklyVolumeSerializer(serializers.ModelSerializer):
    """One simulated week: trend, season, target and what happened."""

    class Meta:
        model = SeasonalityLog
        fields = [
            "week_number", "week_start", "business_phase", "volume_modifier", "baseline_rentals",
            "seasonal_multiplier", "target_rentals", "actual_rentals", "lost_rentals", "spike_days", "new_customers",
            "churned_customers", "reactivated_customers",
        ]  # fmt: skip


class LateFeeSerializer(serializers.ModelSerializer):
    """A late fee with its rental's dates."""

    rental_date = serializers.DateTimeField(source="rental.rental_date", read_only=True)
    return_date = serializers.DateTimeField(source="rental.return_date", read_only=True, allow_null=True)

    class Meta:
        model = LateFee
        fields = [
            "id", "rental_id", "customer_id", "inventory_id", "rental_date", "return_date", "days_overdue",
            "daily_rate", "total_fee", "fee_date", "paid", "paid_date", "paid_amount",
        ]  # fmt: skip

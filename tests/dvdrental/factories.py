"""factory-boy factories for dvdrental behaviour tests (volume tests use the real seed service instead)."""

import datetime as dt
from decimal import Decimal

import factory

from dvdrental.models import (
    Address,
    City,
    Country,
    Customer,
    Film,
    Inventory,
    Language,
    Rental,
    Staff,
    Store,
)

STAMP = dt.datetime(2005, 5, 24, 12, tzinfo=dt.UTC)


class DvdrentalFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True
        database = "dvdrental"

    last_update = STAMP


class CountryFactory(DvdrentalFactory):
    class Meta:
        model = Country

    country = "United States"


class CityFactory(DvdrentalFactory):
    class Meta:
        model = City

    city = factory.Sequence(lambda n: f"City {n}")
    country = factory.SubFactory(CountryFactory)


class AddressFactory(DvdrentalFactory):
    class Meta:
        model = Address

    address = factory.Sequence(lambda n: f"{n} Main Street")
    district = "CA"
    city = factory.SubFactory(CityFactory)
    postal_code = "90210"
    phone = "(555) 010-0000"


class StoreFactory(DvdrentalFactory):
    class Meta:
        model = Store

    address = factory.SubFactory(AddressFactory)


class StaffFactory(DvdrentalFactory):
    class Meta:
        model = Staff

    first_name = "Mike"
    last_name = "Hillyer"
    address = factory.SubFactory(AddressFactory)
    store = factory.SubFactory(StoreFactory)
    username = factory.Sequence(lambda n: f"clerk{n}")


class LanguageFactory(DvdrentalFactory):
    class Meta:
        model = Language

    name = "English"


class FilmFactory(DvdrentalFactory):
    class Meta:
        model = Film

    title = factory.Sequence(lambda n: f"ACADEMY DINOSAUR {n}")
    release_year = 2005
    language = factory.SubFactory(LanguageFactory)
    rental_duration = 5
    rental_rate = Decimal("2.99")
    length = 90
    replacement_cost = Decimal("19.99")
    rating = "PG"


class InventoryFactory(DvdrentalFactory):
    class Meta:
        model = Inventory

    film = factory.SubFactory(FilmFactory)
    store = factory.SubFactory(StoreFactory)
    date_purchased = dt.date(2005, 5, 1)


class CustomerFactory(DvdrentalFactory):
    class Meta:
        model = Customer

    store = factory.SubFactory(StoreFactory)
    first_name = "MARY"
    last_name = "SMITH"
    email = factory.Sequence(lambda n: f"MARY.SMITH{n}@EXAMPLE.COM")
    address = factory.SubFactory(AddressFactory)
    active = True
    create_date = STAMP


class RentalFactory(DvdrentalFactory):
    class Meta:
        model = Rental

    rental_date = STAMP
    inventory = factory.SubFactory(InventoryFactory)
    customer = factory.SubFactory(CustomerFactory, store=factory.SelfAttribute("..inventory.store"))
    staff = factory.SubFactory(StaffFactory, store=factory.SelfAttribute("..inventory.store"))
    return_date = None

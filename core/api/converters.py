"""URL converters shared by the domain APIs."""

# The largest value of a 64-bit signed primary key (BigAutoField) on every backend.
MAX_DATABASE_ID = 2**63 - 1


class DatabaseIdConverter:
    """`<id:pk>`: a non-negative integer a primary key can hold; anything larger is a 404, not a 500.

    Django's `<int:...>` accepts any number of digits, and SQLite raises OverflowError on an integer past 64 bits.
    The OpenAPI schema states the same bounds (SPECTACULAR_SETTINGS["PATH_CONVERTER_OVERRIDES"]).
    """

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_DATABASE_ID:
            raise ValueError(f"{value} is past the largest database id")  # Django: no match, so 404
        return number

    def to_url(self, value) -> str:
        return str(int(value))

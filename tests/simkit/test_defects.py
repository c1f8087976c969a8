import numpy as np
import pytest

from simkit.defects import DefectSpec, apply_defects

N = 5_000
SPEC = DefectSpec(
    table="customer",
    id_column="id",
    names=("last_name",),
    nullable=("email", "amount"),
    ranges={"amount": (0.0, 100.0)},
    dates=("born",),
    late=("last_update",),
    duplicates=True,
)


def _clean():
    rng = np.random.default_rng(0)
    return {
        "id": np.arange(1, N + 1),
        "last_name": np.array(["SMITH", "Jones", "lee", "O'BRIEN"])[rng.integers(0, 4, N)],
        "email": np.strings.add(np.arange(N).astype(str), "@example.com"),
        "amount": np.round(rng.uniform(0, 100, N), 2),
        "born": np.datetime64("1980-01-01") + rng.integers(0, 9000, N).astype("timedelta64[D]"),
        "last_update": np.datetime64("2020-01-01T00:00:00") + rng.integers(0, 10**7, N).astype("timedelta64[s]"),
    }


def test_none_returns_the_input_unchanged():
    clean = _clean()
    damaged, manifest = apply_defects(np.random.default_rng(1), clean, spec=SPEC, level="none", next_id=N + 1)
    assert damaged is clean and len(manifest["row_id"]) == 0


@pytest.mark.parametrize("level", ["light", "heavy"])
def test_every_manifest_row_points_at_a_real_damaged_value(level):
    clean = _clean()
    damaged, manifest = apply_defects(np.random.default_rng(1), clean, spec=SPEC, level=level, next_id=N + 1)
    kinds = set(manifest["kind"])
    assert kinds == {"duplicate", "typo", "casing", "missing", "out_of_range", "impossible_date", "late_arriving"}
    position = {int(i): k for k, i in enumerate(damaged["id"])}
    for row_id, column, kind, clean_value in zip(
        manifest["row_id"], manifest["column_name"], manifest["kind"], manifest["clean_value"], strict=True
    ):
        value = damaged[column][position[int(row_id)]]
        if kind == "duplicate":
            source = position[int(clean_value)]
            assert all(damaged[c][source] == damaged[c][position[int(row_id)]] for c in clean if c != "id")
            continue
        original = clean[column][int(row_id) - 1]
        assert str(original) == clean_value or str(original.astype(object)) == clean_value
        if kind == "missing":
            assert value is None
        elif kind == "out_of_range":
            assert not 0 <= value <= 100
        elif kind == "impossible_date":
            assert (value - original).astype("timedelta64[D]").astype(int) == 36_525  # a century out
        elif kind == "late_arriving":
            assert 30 <= (value - original).astype("timedelta64[D]").astype(int) <= 180
        else:
            assert value != original and value.lower().replace(" ", "") != "" and kind in ("typo", "casing")
            if kind == "casing":
                assert value.lower().strip() == original.lower()
    # rates: light damages ~1% of names by typo, heavy ~5%
    typo_share = np.mean(manifest["kind"] == "typo") * len(manifest["kind"]) / N
    assert typo_share == pytest.approx(0.01 if level == "light" else 0.05, rel=0.3)
    # untouched cells are untouched
    touched = {(int(r), c) for r, c in zip(manifest["row_id"], manifest["column_name"], strict=True)}
    same = [damaged["amount"][i] == clean["amount"][i] for i in range(N) if (i + 1, "amount") not in touched]
    assert all(same)


def test_unknown_level_is_an_error():
    with pytest.raises(ValueError, match="defects must be one of none, light, heavy"):
        apply_defects(np.random.default_rng(1), _clean(), spec=SPEC, level="medium")

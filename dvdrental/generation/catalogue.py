"""Genre templates and the films, actors and places generated from them (pure numpy, no Django).

A template is a JSON file in `dvdrental/data/genres/`: title patterns over word lists, a rating distribution,
length, replacement-cost and rental-duration ranges and description patterns. Each file is one genre and one
category; dropping a new file there adds a genre (and its category) to the next run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..constants import GENRES_DIR, RATINGS

SPECIAL_FEATURES = ("Trailers", "Commentaries", "Deleted Scenes", "Behind the Scenes")
LANGUAGES = ("English", "Italian", "Japanese", "Mandarin", "French", "German")
SEQUEL_SUFFIXES = ("", " II", " III", " IV", " V", " VI", " VII", " VIII", " IX", " X")
COUNTRIES = ("United States", "Canada")
CANADIAN_CITIES = (
    ("Toronto", "ON", "M5V 2T6"), ("Montreal", "QC", "H2Y 1C6"), ("Vancouver", "BC", "V6B 1A1"),
    ("Calgary", "AB", "T2P 1J9"), ("Ottawa", "ON", "K1P 5J2"), ("Winnipeg", "MB", "R3C 0V8"),
)  # fmt: skip


@dataclass(frozen=True)
class GenreTemplate:
    genre: str
    category: str
    title_patterns: tuple[str, ...]
    words: dict[str, np.ndarray]
    ratings: np.ndarray
    rating_p: np.ndarray
    length_minutes: tuple[int, int]
    replacement_cost: tuple[float, float]
    rental_rates: np.ndarray
    rental_rate_p: np.ndarray
    rental_duration_days: tuple[int, int]
    descriptions: tuple[str, ...]


class TemplateError(ValueError):
    """A genre template file that cannot be used (the message names the file and key)."""


def _template_from_json(path: Path) -> GenreTemplate:
    try:
        raw = json.loads(path.read_text())
        ratings = {key: float(value) for key, value in raw["rating_weights"].items()}
        unknown = set(ratings) - set(RATINGS)
        if unknown:
            raise TemplateError(f"{path.name}: unknown rating(s) {', '.join(sorted(unknown))}")
        rates = {float(key): float(value) for key, value in raw["rental_rate_weights"].items()}
        rating_p = np.array(list(ratings.values()))
        rate_p = np.array(list(rates.values()))
        return GenreTemplate(
            genre=raw["genre"],
            category=raw.get("category", raw["genre"]),
            title_patterns=tuple(raw["title_patterns"]),
            words={key: np.array(values, dtype=str) for key, values in raw["words"].items()},
            ratings=np.array(list(ratings), dtype=str),
            rating_p=rating_p / rating_p.sum(),
            length_minutes=tuple(raw["length_minutes"]),
            replacement_cost=tuple(raw["replacement_cost"]),
            rental_rates=np.array(list(rates)),
            rental_rate_p=rate_p / rate_p.sum(),
            rental_duration_days=tuple(raw["rental_duration_days"]),
            descriptions=tuple(raw["descriptions"]),
        )
    except (KeyError, TypeError, ValueError, json.JSONDecodeError) as exc:
        if isinstance(exc, TemplateError):
            raise
        raise TemplateError(f"genre template {path.name} is invalid: {exc!r}") from None


def load_templates(directory: Path = GENRES_DIR) -> list[GenreTemplate]:
    """Every `*.json` genre template of `directory`, sorted by genre name (a stable order for the streams)."""
    templates = [_template_from_json(path) for path in sorted(directory.glob("*.json"))]
    return sorted(templates, key=lambda template: template.genre)


def _fill(rng: np.random.Generator, pattern: str, words: dict[str, np.ndarray], size: int) -> np.ndarray:
    """Fill `{word}` slots of `pattern` for `size` rows at once (`{noun2}` draws a second noun)."""
    out = np.full(size, "", dtype=object).astype(str)
    rest = pattern
    while rest:
        head, brace, tail = rest.partition("{")
        out = np.strings.add(out, head)
        if not brace:
            break
        name, _, rest = tail.partition("}")
        pool = words[name.rstrip("0123456789")]
        out = np.strings.add(out, pool[rng.integers(0, len(pool), size)])
    return out


def generate_films(
    rng: np.random.Generator,
    *,
    templates: list[GenreTemplate],
    genre_index: np.ndarray,
    existing_titles: np.ndarray,
    release_year: np.ndarray,
) -> dict[str, np.ndarray]:
    """Columns of new films, one per entry of `genre_index` (index into `templates`).

    Titles are upper case as in Sakila and unique together with `existing_titles`: a repeated title becomes a
    sequel ("... II").
    """
    n = len(genre_index)
    title = np.empty(n, dtype=object)
    description = np.empty(n, dtype=object)
    rating = np.empty(n, dtype=object)
    length = np.zeros(n, dtype=np.int64)
    cost = np.zeros(n)
    rate = np.zeros(n)
    duration = np.zeros(n, dtype=np.int64)
    for g, template in enumerate(templates):
        rows = np.flatnonzero(genre_index == g)
        k = len(rows)
        if k == 0:
            continue
        pattern = rng.integers(0, len(template.title_patterns), k)
        titles = np.empty(k, dtype=object)
        for p, text in enumerate(template.title_patterns):
            chosen = pattern == p
            titles[chosen] = _fill(rng, text, template.words, int(chosen.sum()))
        title[rows] = titles
        which = rng.integers(0, len(template.descriptions), k)
        texts = np.empty(k, dtype=object)
        for d, text in enumerate(template.descriptions):
            chosen = which == d
            texts[chosen] = _fill(rng, text, template.words, int(chosen.sum()))
        description[rows] = texts
        rating[rows] = template.ratings[rng.choice(len(template.ratings), k, p=template.rating_p)]
        length[rows] = rng.integers(template.length_minutes[0], template.length_minutes[1] + 1, k)
        low, high = template.replacement_cost
        cost[rows] = np.floor(rng.uniform(low, high + 1, k)) + 0.99
        cost[rows] = np.minimum(cost[rows], high)
        rate[rows] = template.rental_rates[rng.choice(len(template.rental_rates), k, p=template.rental_rate_p)]
        duration[rows] = rng.integers(template.rental_duration_days[0], template.rental_duration_days[1] + 1, k)
    base_title = np.strings.upper(title.astype(str))
    title = _unique_titles(np.asarray(existing_titles, dtype=str), base_title)
    features = rng.integers(1, 16, n)
    feature_text = np.array(
        [",".join(f for bit, f in enumerate(SPECIAL_FEATURES) if mask >> bit & 1) for mask in range(16)], dtype=object
    )
    return {
        "title": title,
        "base_title": base_title,
        "description": np.strings.add(description.astype(str), "."),
        "release_year": np.asarray(release_year, dtype=np.int64),
        "rental_duration": duration,
        "rental_rate": rate,
        "length": length,
        "replacement_cost": cost,
        "rating": rating.astype(str),
        "special_features": feature_text[features].astype(str),
    }


def _unique_titles(existing: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Append sequel numbers to titles already taken (`existing` holds the titles before their suffixes)."""
    allt = np.concatenate([existing, new]) if len(existing) else new
    _, inverse = np.unique(allt, return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    sorted_groups = inverse[order]
    starts = np.r_[0, np.flatnonzero(np.diff(sorted_groups)) + 1]
    rank_sorted = np.arange(len(allt)) - np.repeat(starts, np.diff(np.r_[starts, len(allt)]))
    rank = np.empty(len(allt), dtype=np.int64)
    rank[order] = rank_sorted
    rank_new = rank[len(existing) :]
    suffix = np.where(
        rank_new < len(SEQUEL_SUFFIXES),
        np.array(SEQUEL_SUFFIXES, dtype=object)[np.minimum(rank_new, len(SEQUEL_SUFFIXES) - 1)],
        np.strings.add(" ", (rank_new + 1).astype(str)).astype(object),
    )
    return np.strings.add(new, suffix.astype(str))

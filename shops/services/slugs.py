"""Unique slugs made from a name, shared by the services of the shops app.

ASCII, accents dropped, "&" read as "dan", and "-2", "-3"… appended when the slug is taken; shops and
products both use them.
"""

import re

from django.db.models import Model
from django.utils.text import slugify


def slug_base(text: str, *, max_length: int, fallback: str) -> str:
    """`Kopi & Teh Bu Made` → `kopi-dan-teh-bu-made`, cut to `max_length`; `fallback` when nothing is left."""
    text = re.sub(r"\s*&\s*", " dan ", text)
    base = slugify(text)[:max_length].strip("-")
    return base or fallback


def slug_free(model: type[Model], base: str, *, field: str = "slug") -> str:
    """`base`, or `base-<n>` with the smallest n ≥ 2 that no row of `model` uses yet.

    A read, not a reservation: insert inside a savepoint and try again on IntegrityError."""
    taken = set(model._default_manager.filter(**{f"{field}__startswith": base}).values_list(field, flat=True))
    return first_free(base, taken=taken)


def first_free(base: str, *, taken: set[str]) -> str:
    """`base` if it is not in `taken`, else `base-<n>` with the smallest n ≥ 2 that is not."""
    if base not in taken:
        return base
    number = 2
    while f"{base}-{number}" in taken:
        number += 1
    return f"{base}-{number}"

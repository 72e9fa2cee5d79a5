from decimal import Decimal

import pytest
from django.template import Context, Template

from marketplace.core.money import format_rupiah


@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (0, "Rp 0"),
        (500, "Rp 500"),
        (15000, "Rp 15.000"),
        (1250000, "Rp 1.250.000"),
        (1_000_000_000, "Rp 1.000.000.000"),
        (-2500, "-Rp 2.500"),
        (Decimal("15000"), "Rp 15.000"),
        (Decimal("15000.00"), "Rp 15.000"),
        ("15000", "Rp 15.000"),
    ],
)
def test_format_rupiah_uses_dot_thousands_and_whole_rupiah(amount, expected):
    assert format_rupiah(amount) == expected


@pytest.mark.parametrize("amount", [15000.0, Decimal("15000.5"), "12.5", "lima ribu", True])
def test_format_rupiah_refuses_fractions_floats_and_non_numbers(amount):
    with pytest.raises(ValueError, match=r"(whole numbers|Not a rupiah amount)"):
        format_rupiah(amount)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(15000, "Rp 15.000"), (None, ""), ("", ""), ("bukan angka", ""), (Decimal("0.5"), "")],
)
def test_rupiah_template_filter(value, expected):
    rendered = Template("{% load money %}{{ value|rupiah }}").render(Context({"value": value}))
    assert rendered == expected

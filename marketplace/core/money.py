"""Money is whole rupiah, stored as integers. This module is the one place that formats it."""

from decimal import Decimal, InvalidOperation


def format_rupiah(amount: int | Decimal | str) -> str:
    """Format whole rupiah as users read it: `Rp 15.000`, `-Rp 2.500`, `Rp 0`.

    Raises ValueError for amounts with a fractional part or that are not numbers: rupiah has no minor
    unit here, and rounding silently would hide a bug upstream. Floats are refused outright.
    """
    if isinstance(amount, (bool, float)):
        raise ValueError(f"Rupiah amounts must be whole numbers, not {type(amount).__name__}: {amount!r}")
    try:
        value = Decimal(amount.strip()) if isinstance(amount, str) else Decimal(amount)
    except InvalidOperation as error:
        raise ValueError(f"Not a rupiah amount: {amount!r}") from error
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"Rupiah amounts must be whole numbers: {amount!r}")
    whole = int(value)
    grouped = f"{abs(whole):,}".replace(",", ".")
    return f"-Rp {grouped}" if whole < 0 else f"Rp {grouped}"

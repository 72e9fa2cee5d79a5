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


def basis_points_of(amount: int, basis_points: int) -> int:
    """`basis_points` / 10,000 of `amount`, rounded half up to whole rupiah (the commission fee, DESIGN §4); the
    seller's net is `amount - fee`, so the two always add up to the amount."""
    if amount < 0 or not 0 <= basis_points <= 10_000:
        raise ValueError(f"Not a rupiah amount and a rate in basis points: {amount!r}, {basis_points!r}")
    return (amount * basis_points + 5_000) // 10_000


def to_stripe_amount(rupiah: int) -> int:
    """Whole rupiah to the amount Stripe's API takes: IDR is a two-decimal currency there (Rp 15.000 → 1500000).
    The one place rupiah cross into Stripe's units."""
    if isinstance(rupiah, bool) or not isinstance(rupiah, int) or rupiah < 0:
        raise ValueError(f"Not a whole rupiah amount: {rupiah!r}")
    return rupiah * 100


def from_stripe_amount(amount: int) -> int:
    """An amount from Stripe's API back to whole rupiah; refuses a fraction of a rupiah rather than rounding it."""
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0 or amount % 100:
        raise ValueError(f"Not a whole rupiah amount in Stripe's units: {amount!r}")
    return amount // 100

"""Statistical disclosure control for everything the programme publishes (issue 9): the public page, the open
data downloads and their API.

Rules (pure functions, no database):

- **Primary suppression**: a published cell that counts shops or people and is smaller than `THRESHOLD` (5) is
  suppressed — zero included, "fewer than 5" is literal. Exactly 5 is published.
- **Complementary suppression**: where cells add up to a published total, one suppressed cell in the group
  could be derived by subtraction, so the smallest other cell of the group is suppressed too (the total when the
  group has no other cell). Groups are the rows of a table with a total column and the columns of a table with a
  total row (the total row and the total column are groups too); suppression repeats until no group holds exactly
  one suppressed cell.
- **Rates and shares** whose numerator or denominator is suppressed are suppressed (`share`).

A suppressed cell is shown as "< 5" on the page and in CSV; in JSON its value is `null` and its column is
listed in the row's `"suppressed"` list (documented in each dataset's data dictionary).
"""

from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

THRESHOLD = 5
SUPPRESSED_LABEL = "< 5"
SUPPRESSED_KEY = "suppressed"


def is_small(value: int | None) -> bool:
    """A count that must not be published: fewer than `THRESHOLD` (0 included)."""
    return value is not None and value < THRESHOLD


def suppression_mask(
    grid: Sequence[Sequence[int]], *, total_row: bool = False, total_column: bool = False
) -> list[list[bool]]:
    """Which cells of `grid` (rows of counts, all rows the same length) to suppress.

    With `total_row` the last row holds each column's total; with `total_column` the last column holds each
    row's total. Without either there are no groups, so only primary suppression applies.
    """
    mask = [[is_small(value) for value in row] for row in grid]
    if not grid or not grid[0]:
        return mask
    height, width = len(grid), len(grid[0])
    groups: list[tuple[list[tuple[int, int]], tuple[int, int]]] = []
    if total_column and width > 1:
        for r in range(height):
            groups.append(([(r, c) for c in range(width - 1)], (r, width - 1)))
    if total_row and height > 1:
        for c in range(width):
            groups.append(([(r, c) for r in range(height - 1)], (height - 1, c)))
    changed = True
    while changed:
        changed = False
        for parts, total in groups:
            members = [*parts, total]
            if sum(mask[r][c] for r, c in members) != 1:
                continue
            candidates = [(grid[r][c], r, c) for r, c in parts if not mask[r][c]]
            if candidates:
                _value, r, c = min(candidates)
            else:
                r, c = total
            mask[r][c] = True
            changed = True
    return mask


def suppress_rows(
    rows: list[dict], columns: Sequence[str], *, total_row: bool = False, total_column: str | None = None
) -> list[dict]:
    """The rows (dicts) with their counted `columns` suppressed: a suppressed value becomes None and its column is
    listed in the row's `"suppressed"` list (always present, empty when nothing is hidden). `total_row`: the last
    row holds the totals of the rows above. `total_column`: one of `columns` holds the total of the others in its
    row. Columns not named are copied as they are."""
    names = list(columns)
    if total_column is not None:
        names = [name for name in names if name != total_column] + [total_column]
    grid = [[row[name] for name in names] for row in rows]
    mask = suppression_mask(grid, total_row=total_row, total_column=total_column is not None)
    published = []
    for row, hidden in zip(rows, mask, strict=True):
        out = dict(row)
        suppressed = [name for name, flag in zip(names, hidden, strict=True) if flag]
        for name in suppressed:
            out[name] = None
        out[SUPPRESSED_KEY] = [name for name in columns if name in suppressed]
        published.append(out)
    return published


def share(numerator: int | None, denominator: int | None, *, places: int = 1) -> float | None:
    """`numerator / denominator` as a percentage rounded to `places` decimals, or None when either is suppressed
    (None) or the denominator is zero."""
    if numerator is None or denominator is None or denominator == 0:
        return None
    exponent = Decimal(1).scaleb(-places)
    return float((Decimal(numerator) * 100 / Decimal(denominator)).quantize(exponent, rounding=ROUND_HALF_UP))


def display(row: dict, column: str):
    """A published row's value as shown on the page and in CSV: "< 5" for a suppressed cell, "" for no value."""
    if column in row.get(SUPPRESSED_KEY, ()):
        return SUPPRESSED_LABEL
    value = row.get(column)
    return "" if value is None else value

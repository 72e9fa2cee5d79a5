"""Server-rendered SVG charts: light enough for a cheap phone, no JavaScript, no CDN.

`bar_chart` draws one series as bars with a zero line and the largest value marked. The SVG is `role="img"`
with a `<title>` (and each bar its own `<title>` for a tooltip); every text is escaped. Pages show the same
figures in a table next to the chart, for screen readers and for reading exact numbers.
"""

from collections.abc import Callable, Sequence
from itertools import count

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
HEIGHT = 220
LEFT = 8
RIGHT = 8
TOP = 22
BOTTOM = 28
MAX_LABELS = 8

_ids = count(1)


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    title: str,
    labels: Sequence[str],
    values: Sequence[int],
    value_format: Callable[[int], str] = str,
    css_class: str = "chart",
    color: str = "#0f766e",
) -> SafeString:
    """An accessible inline SVG bar chart of `values` (one per label)."""
    chart_id = f"chart-{next(_ids)}"
    n = max(len(values), 1)
    top = max(max(values, default=0), 0)
    plot_width = WIDTH - LEFT - RIGHT
    plot_height = HEIGHT - TOP - BOTTOM
    step = plot_width / n
    bar = max(step * 0.7, 1)
    baseline = TOP + plot_height
    every = max(1, -(-n // MAX_LABELS))  # ceil: at most MAX_LABELS labels under the bars
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{escape(css_class)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="{chart_id}-title">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<text x="{LEFT}" y="14" font-size="12" fill="#475569">{escape(value_format(top))}</text>',
        f'<line x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}" stroke="#e2e8f0" stroke-dasharray="4 4"/>',
    ]
    for index, (label, value) in enumerate(zip(labels, values, strict=False)):
        height = (value / top * plot_height) if top else 0
        x = LEFT + index * step + (step - bar) / 2
        y = baseline - height
        parts.append(
            f'<rect x="{_number(x)}" y="{_number(y)}" width="{_number(bar)}" height="{_number(height)}" '
            f'fill="{escape(color)}"><title>{escape(label)}: {escape(value_format(value))}</title></rect>'
        )
        if index % every == 0:
            parts.append(
                f'<text x="{_number(LEFT + index * step + step / 2)}" y="{HEIGHT - 8}" font-size="11" '
                f'text-anchor="middle" fill="#475569">{escape(label)}</text>'
            )
    parts.append(f'<line x1="{LEFT}" y1="{baseline}" x2="{WIDTH - RIGHT}" y2="{baseline}" stroke="#94a3b8"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above is escaped

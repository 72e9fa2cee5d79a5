"""Small server-rendered charts for the trainer's pages: inline SVG, no JavaScript, no chart library.

`funnel_svg` draws the cohort funnel of `workshops.selectors.progress_funnel`: one horizontal bar per step, its
length proportional to the number of participants who reached the step, with the step's label, count and percent.
The SVG is an image to assistive technology (`role="img"`, `<title>`, `<desc>`); the page shows the same numbers in
a table beside it. Every piece of text is escaped, so the result is returned marked safe for a template.
"""

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext

WIDTH = 320  # viewBox units; the SVG scales to the width of its container
ROW_HEIGHT = 42
LABEL_Y = 15  # baseline of the label line inside a row
BAR_Y = 21
BAR_HEIGHT = 14
BAR_COLOUR = "#0f766e"
TRACK_COLOUR = "#e5e7eb"
TEXT_COLOUR = "#1f2937"


def _number(value) -> int:
    try:
        return max(int(value), 0)
    except (TypeError, ValueError):
        return 0


def funnel_svg(funnel: list[dict], *, title: str | None = None, id_prefix: str = "funnel") -> str:
    """An inline `<svg>` of the funnel rows ({"key", "label", "count", "percent"}), bars proportional to `count`
    (the longest bar is the largest count; all bars empty when nobody is counted)."""
    title = title if title is not None else gettext("How far the participants got")
    prefix = escape(id_prefix)
    counts = [_number(step.get("count")) for step in funnel]
    largest = max(counts, default=0)
    height = max(len(funnel), 1) * ROW_HEIGHT
    summary = "; ".join(
        gettext("%(label)s: %(count)s (%(percent)s%%)")
        % {"label": step.get("label", ""), "count": count, "percent": _number(step.get("percent"))}
        for step, count in zip(funnel, counts, strict=True)
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="funnel-chart" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" aria-labelledby="{prefix}-title {prefix}-desc">',
        f'<title id="{prefix}-title">{escape(title)}</title>',
        f'<desc id="{prefix}-desc">{escape(summary)}</desc>',
    ]
    for index, (step, count) in enumerate(zip(funnel, counts, strict=True)):
        top = index * ROW_HEIGHT
        bar_width = round(WIDTH * count / largest, 2) if largest else 0
        percent = _number(step.get("percent"))
        figures = gettext("%(count)s · %(percent)s%%") % {"count": count, "percent": percent}
        parts.append(
            f'<g class="funnel-step" data-step="{escape(step.get("key", ""))}" data-count="{count}">'
            f'<text x="0" y="{top + LABEL_Y}" font-size="12" fill="{TEXT_COLOUR}">'
            f"{escape(step.get('label', ''))}</text>"
            f'<text x="{WIDTH}" y="{top + LABEL_Y}" font-size="12" font-weight="700" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(figures)}</text>'
            f'<rect class="track" x="0" y="{top + BAR_Y}" width="{WIDTH}" height="{BAR_HEIGHT}" rx="3" '
            f'fill="{TRACK_COLOUR}"/>'
            f'<rect class="bar" x="0" y="{top + BAR_Y}" width="{bar_width:g}" height="{BAR_HEIGHT}" rx="3" '
            f'fill="{BAR_COLOUR}"/>'
            "</g>"
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text and attribute value is escaped above

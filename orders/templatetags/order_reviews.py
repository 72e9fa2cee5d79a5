"""`{% load order_reviews %}`: stars for a rating (a review's, or an average)."""

from django import template

from ..services.reviews import MAX_RATING

register = template.Library()


@register.filter
def stars(rating) -> str:
    """`{{ 4.5|stars }}` → "★★★★★", `{{ 3|stars }}` → "★★★☆☆": the rating rounded half up, as filled stars out of
    five. Decoration only: show the number next to it (with `aria-hidden` on the stars). Empty for no rating."""
    if rating is None or rating == "":
        return ""
    try:
        filled = max(0, min(MAX_RATING, int(float(rating) + 0.5)))
    except (TypeError, ValueError):
        return ""
    return "★" * filled + "☆" * (MAX_RATING - filled)

from django import template

from marketplace.core.money import format_rupiah

register = template.Library()


@register.filter
def rupiah(amount):
    """`{{ product.price|rupiah }}` → `Rp 15.000`. Empty for None; an invalid amount renders empty too,
    so a bad value never breaks a page (it is a bug to fix where the value comes from)."""
    if amount is None or amount == "":
        return ""
    try:
        return format_rupiah(amount)
    except (ValueError, TypeError):
        return ""

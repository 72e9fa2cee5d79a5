"""`{% load payments_tags %}`: payment details for order pages."""

from django import template

from marketplace.core.money import format_rupiah
from payments.selectors import bank_transfer_for_order

register = template.Library()


@register.simple_tag
def order_bank_transfer(order):
    """`{% order_bank_transfer order as payment %}`: the order's bank-transfer payment, or None (no query when
    `order.payments` is prefetched, as `orders.selectors.orders` does)."""
    if order is None:
        return None
    return bank_transfer_for_order(order=order)


@register.filter
def amount_parts(amount):
    """`Rp 92.417` split as ("Rp 92.", "417"): the last three digits, which the shopper must match exactly."""
    try:
        text = format_rupiah(amount)
    except (TypeError, ValueError):
        return ("", "")
    if amount is None or int(amount) < 1000:
        prefix_length = len("Rp ")
        return (text[:prefix_length], text[prefix_length:])
    return (text[:-3], text[-3:])

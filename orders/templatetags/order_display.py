from django import template

from ..timeline import event_label as _event_label

register = template.Library()


@register.filter
def event_label(event) -> str:
    """`{{ event|event_label }}` → "Shipped", "Payment received"…"""
    return _event_label(event)

"""`{% load rich_text %}{{ product.description|rich_text }}`: stored rich text, sanitised again on the way out."""

from django import template

from marketplace.core.richtext import render_rich_text

register = template.Library()


@register.filter(name="rich_text")
def rich_text(value):
    return render_rich_text(value)

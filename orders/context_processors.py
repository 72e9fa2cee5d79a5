"""Template values every storefront page needs from the orders app."""

from django.utils.functional import SimpleLazyObject

from orders.selectors.cart import cart_count_for_request


def cart(request):
    """`cart_count` for the header's badge, counted only when a template shows it (a view may pass its own,
    as the cart page does). No query for a session without a cart token."""
    return {"cart_count": SimpleLazyObject(lambda: cart_count_for_request(request))}

"""Orders: cart, checkout, orders split per shop, fulfilment, reviews."""

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def _claim_cart_on_login(sender, request, user, **kwargs):
    # The one signal the orders app listens to: Django's login is where an anonymous session meets its user,
    # whichever way they logged in (allauth's pages, its headless API, a password reset). The merge itself is
    # an explicit service call.
    from orders.services.cart import cart_claim_on_login

    cart_claim_on_login(request=request, user=user)


class OrdersConfig(AppConfig):
    name = "orders"
    verbose_name = _("Orders")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_claim_cart_on_login, dispatch_uid="orders_claim_cart_on_login")

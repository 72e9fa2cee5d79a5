"""Factories of the orders app's carts (other parts of the orders app keep their factories in their own
modules)."""

import factory

from orders.models import Cart, CartLine

from .shops import ProductVariantFactory


class CartFactory(factory.django.DjangoModelFactory):
    """An anonymous cart; `CartFactory(user=user)` for a signed-in shopper's."""

    user = None

    class Meta:
        model = Cart


class CartLineFactory(factory.django.DjangoModelFactory):
    """A line at the variant's price today: `CartLineFactory(cart=cart, variant=variant, quantity=2)`."""

    cart = factory.SubFactory(CartFactory)
    variant = factory.SubFactory(ProductVariantFactory)
    quantity = 1
    price_when_added = factory.LazyAttribute(lambda line: line.variant.price)

    class Meta:
        model = CartLine

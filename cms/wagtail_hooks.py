"""The storefront's editor tools in the Wagtail admin: the choosers the home page's blocks use."""

from wagtail import hooks

from .choosers import category_chooser_viewset, product_chooser_viewset, shop_chooser_viewset


@hooks.register("register_admin_viewset")
def register_storefront_choosers():
    return [product_chooser_viewset, shop_chooser_viewset, category_chooser_viewset]

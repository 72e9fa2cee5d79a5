"""The storefront's editor tools in the Wagtail admin (the choosers the home page's blocks use), and the
anonymous page cache's opt-in for every page Wagtail serves."""

from wagtail import hooks

from marketplace.core.pagecache import allow_page_cache

from .choosers import category_chooser_viewset, product_chooser_viewset, shop_chooser_viewset
from .reports import hooks as report_hooks  # noqa: F401  (the operators' reports register themselves)


@hooks.register("register_admin_viewset")
def register_storefront_choosers():
    return [product_chooser_viewset, shop_chooser_viewset, category_chooser_viewset]


@hooks.register("before_serve_page")
def cache_pages_for_anonymous_visitors(page, request, serve_args, serve_kwargs):
    """Wagtail pages may be kept by the anonymous page cache. Private pages are safe: Wagtail answers their
    login or password form instead (a redirect or a form with a CSRF cookie, neither of which is stored), and
    a visitor who passed a password has a session, which the cache never serves nor fills."""
    allow_page_cache(request)

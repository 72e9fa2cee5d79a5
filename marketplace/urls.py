from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from cms import views_seo as cms_views_seo
from marketplace.core import views as core_views
from payments import webhooks as payment_webhooks

# Language-neutral endpoints: machines and operators.
urlpatterns = [
    path("health/", core_views.health, name="health"),
    path("payments/stripe/webhook/", payment_webhooks.stripe_webhook, name="stripe_webhook"),
    path("v/", include("shops.views_counter")),  # the product page view beacon
    path("robots.txt", cms_views_seo.robots_txt, name="robots_txt"),
    path("sitemap.xml", cms_views_seo.sitemap_xml, name="sitemap"),
    path("sitemap-<slug:section>.xml", cms_views_seo.sitemap_section, name="sitemap_section"),
    path("data/", include("cms.programme.urls")),  # open data downloads + DCAT; the page /data/ is Wagtail's
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("api/v1/", include("marketplace.api_urls")),
    path("_allauth/", include("allauth.headless.urls")),
    path("cms/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("django-admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]

# Pages people read: Indonesian at the root, English under /en/ (DESIGN §9).
urlpatterns += i18n_patterns(
    path("akun/", include("accounts.urls")),
    path("akun/", include("allauth.urls")),
    path("keranjang/", include("orders.urls_cart")),
    path("checkout/", include("orders.urls_checkout")),
    path("pesanan/", include("orders.urls_reviews")),
    path("pesanan/", include("orders.urls_my_orders")),
    path("akun/alamat/", include("orders.urls_addresses")),
    path("penjual/pesanan/", include("orders.urls_seller_orders")),
    path("penjual/pengiriman/", include("orders.urls_shipping")),
    path("dokumen/", include("orders.urls_documents")),
    path("pembayaran/", include("payments.urls")),
    path("penjual/ulasan/", include("orders.urls_seller_reviews")),
    path("penjual/saldo/", include("payments.urls_seller")),
    path("penjual/statistik/", include("orders.urls_seller_statistics")),
    path("penjual/", include("shops.urls")),
    path("pelatihan/", include("workshops.urls")),
    path("pelatih/", include("workshops.urls_trainer")),
    path("", include("cms.catalogue.urls")),
    # Wagtail's catch-all comes last.
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns

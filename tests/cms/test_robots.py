"""`/robots.txt`: the storefront is crawlable, private and machine paths are not, and the sitemap is named."""

from urllib.robotparser import RobotFileParser

import pytest

SITE = "https://pasar.example"


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def robots(client, db):
    response = client.get("/robots.txt", HTTP_HOST="attacker.example")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    parser = RobotFileParser()
    parser.parse(response.content.decode().splitlines())
    return parser


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/en/",
        "/kategori/makanan/",
        "/en/kategori/makanan/?page=2",
        "/produk/keripik-pisang/",
        "/en/produk/keripik-pisang/",
        "/toko/warung-made/",
        "/tentang-kami/",
        "/static/marketplace/css/site.css",
        "/media/products/renditions/keripik-detail.webp",
    ],
)
def test_storefront_pages_and_their_pictures_may_be_crawled(robots, path):
    assert robots.can_fetch("*", f"{SITE}{path}")
    assert robots.can_fetch("Googlebot", f"{SITE}{path}")


@pytest.mark.parametrize(
    "path",
    [
        "/cms/",
        "/cms/pages/",
        "/django-admin/",
        "/penjual/",
        "/en/penjual/produk/",
        "/akun/login/",
        "/en/akun/login/",
        "/api/v1/products/",
        "/_allauth/app/v1/auth/login",
        "/media/imports/3f2a.csv",
        "/keranjang/",
        "/en/keranjang/",
        "/checkout/",
        "/en/checkout/",
        "/pesanan/",
        "/en/pesanan/PU-0001/",
    ],
)
def test_private_pages_machine_endpoints_and_import_files_may_not_be_crawled(robots, path):
    assert not robots.can_fetch("*", f"{SITE}{path}")


def test_robots_names_the_sitemap_on_site_url_whatever_the_host(robots):
    assert robots.site_maps() == [f"{SITE}/sitemap.xml"]


def test_robots_txt_is_cached_for_a_day_and_answers_get_only(client, db):
    response = client.get("/robots.txt")

    assert response["Cache-Control"] == "public, max-age=86400"
    assert client.post("/robots.txt").status_code == 405

"""Standard pages (about, how to sell, FAQ): the FAQ's JSON-LD, and operators creating pages in the Wagtail admin
within the page-type rules."""

import json
import re

import pytest
from django.utils import translation
from django.utils.translation import gettext
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.models import Page

from accounts.models import User
from cms.demo import seed_accounts, seed_home_page
from cms.models import HomePage, NewsArticlePage, NewsIndexPage, StandardPage

pytestmark = pytest.mark.django_db

FAQ_ITEMS = [
    {"question": "Apakah buka toko gratis?", "answer": "<p>Ya, gratis.</p>"},
    {"question": "Bisa bayar </script><script>alert(1)</script>?", "answer": "<p>Tidak <b>bisa</b>.</p>"},
]


@pytest.fixture
def home():
    return seed_home_page()


@pytest.fixture
def operator_client(client, home):
    seed_accounts()
    client.force_login(User.objects.get(email="operator@pasarumkm.test"))
    return client


def add_standard_page(home, body, slug="faq") -> StandardPage:
    page = home.add_child(instance=StandardPage(title="Tanya jawab", slug=slug, intro="Pertanyaan umum.", body=body))
    page.save_revision().publish()
    return page


def json_ld_blocks(html: str) -> list[str]:
    return re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S)


def test_faq_page_emits_faqpage_json_ld_with_every_question(client, home):
    add_standard_page(home, [{"type": "faq", "value": {"heading": "Umum", "items": FAQ_ITEMS}}])

    response = client.get("/faq/")

    assert response.status_code == 200
    html = response.content.decode()
    scripts = json_ld_blocks(html)
    assert len(scripts) == 1
    data = json.loads(scripts[0])
    assert data["@type"] == "FAQPage"
    assert [entry["name"] for entry in data["mainEntity"]] == [item["question"] for item in FAQ_ITEMS]
    assert data["mainEntity"][0]["acceptedAnswer"] == {"@type": "Answer", "text": "<p>Ya, gratis.</p>"}
    # A question cannot close the script element: "</" is written "<\/" (still the same JSON string).
    assert "</script><script>alert(1)" not in scripts[0]
    assert "<\\/script><script>alert(1)<\\/script>" in scripts[0]
    # The questions are shown to people too, as an accordion.
    assert "<summary" in html
    assert "Apakah buka toko gratis?" in html


def test_page_without_questions_has_no_json_ld(client, home):
    add_standard_page(home, [{"type": "rich_text", "value": "<p>Tentang kami.</p>"}], slug="tentang")

    response = client.get("/tentang/")

    assert response.status_code == 200
    assert json_ld_blocks(response.content.decode()) == []
    assert "Tentang kami." in response.content.decode()


def test_repeated_question_is_refused(home):
    block = StandardPage.body.field.stream_block.child_blocks["faq"]
    value = block.to_python({"heading": "", "items": [FAQ_ITEMS[0], FAQ_ITEMS[0]]})

    with pytest.raises(StructBlockValidationError) as refused:
        block.clean(value)

    with translation.override("id"):
        expected = gettext("Each question may appear only once.")
    assert expected in str(refused.value.block_errors["items"])


def test_operator_creates_a_standard_page_through_the_admin(operator_client, home):
    url = f"/cms/pages/add/cms/standardpage/{home.pk}/"
    assert operator_client.get(url).status_code == 200

    response = operator_client.post(
        url,
        {
            "title": "Cara berjualan",
            "slug": "cara-berjualan",
            "intro": "Buka toko gratis.",
            "body-count": "0",
            "action-publish": "publish",
        },
    )

    assert response.status_code == 302
    page = StandardPage.objects.get(slug="cara-berjualan")
    assert page.live
    assert page.get_parent().pk == home.pk
    assert operator_client.get("/cara-berjualan/").status_code == 200


def test_page_type_rules_refuse_a_news_article_under_the_home_page(operator_client, home):
    url = f"/cms/pages/add/cms/newsarticlepage/{home.pk}/"
    pages_before = Page.objects.count()

    # Wagtail answers a refused page type by sending the editor back to the dashboard with a message.
    refused = operator_client.get(url)
    assert (refused.status_code, refused["Location"]) == (302, "/cms/")
    response = operator_client.post(url, {"title": "Berita", "slug": "berita", "body-count": "0"})

    assert (response.status_code, response["Location"]) == (302, "/cms/")
    assert Page.objects.count() == pages_before
    assert not NewsArticlePage.objects.exists()


def test_page_type_rules_in_the_models(home):
    root = home.get_parent()
    news = home.add_child(instance=NewsIndexPage(title="Berita", slug="berita"))
    about = home.add_child(instance=StandardPage(title="Tentang", slug="tentang"))

    assert StandardPage.can_create_at(home)
    assert NewsIndexPage.can_create_at(home) is False
    assert not StandardPage.can_create_at(root)
    assert not NewsArticlePage.can_create_at(home)
    assert not NewsArticlePage.can_create_at(about)
    assert NewsArticlePage.can_create_at(news)
    assert not HomePage.can_create_at(root)  # one home page per site

"""News: the index lists its live articles newest first, ten per page; articles show their date and body."""

from datetime import date, timedelta

import pytest

from cms.demo import seed_home_page
from cms.models import NEWS_PER_PAGE, NewsArticlePage, NewsIndexPage

pytestmark = pytest.mark.django_db


@pytest.fixture
def news():
    home = seed_home_page()
    index = home.add_child(instance=NewsIndexPage(title="Berita", slug="berita", intro="Kabar program."))
    index.save_revision().publish()
    return index


def add_article(news, number: int, day: date, *, live: bool = True) -> NewsArticlePage:
    article = news.add_child(
        instance=NewsArticlePage(
            title=f"Kabar {number}",
            slug=f"kabar-{number}",
            date=day,
            intro=f"Ringkasan {number}.",
            body=[{"type": "rich_text", "value": f"<p>Isi kabar {number}.</p>"}],
            live=live,
        )
    )
    if live:
        article.save_revision().publish()
    return article


def titles(response) -> list[str]:
    return [article.title for article in response.context["articles"]]


def test_index_lists_live_articles_newest_first(client, news):
    start = date(2026, 11, 1)
    add_article(news, 1, start)
    add_article(news, 2, start + timedelta(days=5))
    add_article(news, 3, start + timedelta(days=2))
    add_article(news, 4, start + timedelta(days=9), live=False)

    response = client.get("/berita/")

    assert response.status_code == 200
    assert titles(response) == ["Kabar 2", "Kabar 3", "Kabar 1"]
    html = response.content.decode()
    assert 'href="/berita/kabar-2/"' in html
    assert "Kabar 4" not in html


def test_index_is_paginated_and_forgives_bad_page_numbers(client, news, django_assert_max_num_queries):
    start = date(2026, 1, 1)
    for number in range(NEWS_PER_PAGE + 3):
        add_article(news, number, start + timedelta(days=number))

    first = client.get("/berita/")
    second = client.get("/berita/", {"page": "2"})
    nonsense = client.get("/berita/", {"page": "abc"})
    beyond = client.get("/berita/", {"page": "99"})

    assert len(titles(first)) == NEWS_PER_PAGE
    assert titles(first)[0] == f"Kabar {NEWS_PER_PAGE + 2}"
    assert titles(second) == ["Kabar 2", "Kabar 1", "Kabar 0"]
    assert 'rel="next" href="?page=2"' in first.content.decode()
    assert titles(nonsense) == titles(first)
    assert titles(beyond) == titles(second)
    with django_assert_max_num_queries(10):
        assert client.get("/berita/", {"page": "2"}).status_code == 200


def test_article_page_shows_date_intro_body_and_the_way_back(client, news):
    add_article(news, 7, date(2026, 11, 20))

    response = client.get("/berita/kabar-7/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'datetime="2026-11-20"' in html
    assert "Ringkasan 7." in html
    assert "Isi kabar 7." in html
    assert 'href="/berita/"' in html


def test_only_one_news_index_per_parent(news):
    assert not NewsIndexPage.can_create_at(news.get_parent())

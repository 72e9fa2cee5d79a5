"""The search service picks the backend: Elasticsearch when configured and answering, the database whenever it
cannot (an error, a timeout, a missing index), through a circuit breaker that logs its switches and tries the
server again after a pause. Shoppers and API clients never get an error because the search server is down."""

import socket
import threading
import time

import pytest

from search import breaker, indexing
from search.query import SearchQuery
from search.service import search_products, suggest_products
from tests.factories.shops import ApprovedShopFactory, ProductFactory

pytestmark = pytest.mark.django_db

UNREACHABLE = "http://127.0.0.1:9"


@pytest.fixture
def catalogue():
    shop = ApprovedShopFactory(name="Kopi Pak Wayan")
    return [ProductFactory(shop=shop, title=title) for title in ("Kopi Bali Kintamani", "Kopi Luwak Bubuk")]


@pytest.fixture
def silent_server():
    """A TCP server that accepts connections and never answers: the search server hangs."""
    listener = socket.create_server(("127.0.0.1", 0))
    accepted = []
    stop = threading.Event()

    def accept():
        listener.settimeout(0.1)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join()
    for connection in accepted:
        connection.close()
    listener.close()


def test_without_a_search_server_the_database_answers(catalogue, settings):
    settings.ELASTICSEARCH_URL = ""
    result = search_products(SearchQuery(text="kopi"))
    assert (result.backend, result.total) == ("database", 2)


def test_elasticsearch_answers_when_it_can(search_server, catalogue):
    indexing.rebuild_index()
    result = search_products(SearchQuery(text="kopi"))
    assert (result.backend, result.total) == ("elasticsearch", 2)
    titles, backend = suggest_products("kop")
    assert backend == "elasticsearch"
    assert sorted(titles) == ["Kopi Bali Kintamani", "Kopi Luwak Bubuk"]


def test_an_unreachable_server_opens_the_breaker_once_and_it_closes_when_the_server_is_back(
    search_server, catalogue, settings, caplog, monkeypatch
):
    indexing.rebuild_index()
    server_url = settings.ELASTICSEARCH_URL
    settings.ELASTICSEARCH_URL = UNREACHABLE
    settings.SEARCH_BREAKER_PAUSE = 0.3

    first = search_products(SearchQuery(text="kopi"))
    assert (first.backend, first.total) == ("database", 2)
    assert breaker.is_open()
    assert caplog.text.count("Search server failed") == 1

    from search.backends import elasticsearch

    tried = []
    monkeypatch.setattr(elasticsearch.ElasticsearchBackend, "search", lambda self, query: tried.append(query))
    assert search_products(SearchQuery(text="kopi")).backend == "database"  # during the pause: not even tried
    assert tried == []
    monkeypatch.undo()

    settings.ELASTICSEARCH_URL = server_url
    time.sleep(0.35)
    back = search_products(SearchQuery(text="kopi"))
    assert (back.backend, back.total) == ("elasticsearch", 2)
    assert not breaker.is_open()
    assert "Search server answers again" in caplog.text


def test_a_server_that_hangs_times_out_into_the_database(search_server, catalogue, settings, silent_server):
    settings.ELASTICSEARCH_URL = silent_server
    settings.ELASTICSEARCH_TIMEOUT = 0.3
    started = time.monotonic()
    result = search_products(SearchQuery(text="kopi"))
    assert result.backend == "database"
    assert time.monotonic() - started < 2
    assert suggest_products("kop")[1] == "database"  # the breaker is open: no second wait


def test_a_missing_index_falls_back_to_the_database(search_server, catalogue):
    result = search_products(SearchQuery(text="kopi"))  # the alias was never built
    assert (result.backend, result.total) == ("database", 2)


def test_the_api_and_the_page_answer_from_the_database_when_the_server_is_down(
    search_server, catalogue, settings, client
):
    settings.ELASTICSEARCH_URL = UNREACHABLE
    answer = client.get("/api/v1/search/", {"q": "kopi"})
    assert answer.status_code == 200
    assert answer.json()["backend"] == "database"
    assert answer.json()["count"] == 2
    page = client.get("/cari/", {"q": "kopi"})
    assert page.status_code == 200
    assert "Bali Kintamani" in page.content.decode()

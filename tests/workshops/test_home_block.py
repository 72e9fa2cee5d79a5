"""The home page's "upcoming workshops" block (cms.blocks.UpcomingWorkshopsBlock): the next published workshops
as cards linking to their pages, a bounded number of queries, and a cached home page refreshed when workshops
change (workshops.cms_signals)."""

import re
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from cms.blocks import UpcomingWorkshopsBlock
from cms.demo import seed_home_page
from marketplace.core import pagecache
from tests.factories.accounts import VerifiedUserFactory
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, Workshop, WorkshopSession
from workshops.services import registration_check_in, registration_create, workshop_publish

pytestmark = pytest.mark.django_db

CARD = re.compile(r"<li class=\"shop-card workshop-card\" data-workshop-card>.*?</li>", re.S)


def home_with_block(count: int = 3, heading: str = ""):
    home = seed_home_page()
    home.body = [{"type": "upcoming_workshops", "value": {"heading": heading, "count": count}}]
    home.save_revision().publish()
    return home


def cards(client, url: str = "/") -> list[str]:
    response = client.get(url)
    assert response.status_code == 200
    return CARD.findall(response.content.decode())


def starting_in(days: int, **fields) -> Workshop:
    item = workshop(**fields)
    starts = timezone.now() + timedelta(days=days)
    WorkshopSession.objects.filter(workshop=item).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    Workshop.objects.filter(pk=item.pk).update(registration_deadline=starts - timedelta(days=1))
    item.refresh_from_db()
    return item


def test_the_block_shows_the_next_published_workshops_soonest_first_with_date_place_and_seats(client):
    home_with_block(count=2)
    later = starting_in(20, title="Foto Produk Pakai HP", capacity=25)
    sooner = starting_in(3, title="Jualan Online untuk Pemula", capacity=10)
    starting_in(30, title="Yang Ketiga")  # beyond the block's count
    starting_in(1, title="Masih Draf", status=Workshop.Status.DRAFT)
    starting_in(2, title="Dibatalkan", status=Workshop.Status.CANCELLED)
    for _ in range(3):
        Registration.objects.create(workshop=sooner, user=VerifiedUserFactory(), status="registered")
    Registration.objects.create(workshop=sooner, user=VerifiedUserFactory(), status="waitlisted")

    found = cards(client)

    assert len(found) == 2
    assert "Jualan Online untuk Pemula" in found[0]
    assert "Foto Produk Pakai HP" in found[1]
    assert f'href="{reverse("workshops:detail", args=[sooner.slug])}"' in found[0]
    assert f'href="{reverse("workshops:detail", args=[later.slug])}"' in found[1]
    assert 'data-seats-left="7"' in found[0]
    assert 'data-seats-left="25"' in found[1]
    assert "Aula Kecamatan Kuta Utara" in found[0]
    starts_at = sooner.sessions.get().starts_at
    assert f"{starts_at.astimezone(ZoneInfo('Asia/Makassar')):%H:%M} WITA" in found[0]
    assert f'datetime="{starts_at.astimezone(UTC):%Y-%m-%dT%H:%M}' in found[0]
    html = client.get("/").content.decode()
    assert f'href="{reverse("workshops:list")}" data-all-workshops' in html


def test_an_online_workshop_says_online_and_a_full_one_says_so(client):
    home_with_block()
    online = starting_in(5, title="Kelas Daring", online_url="https://meet.example/kelas")
    Workshop.objects.filter(pk=online.pk).update(venue_name="", venue_address="")
    full = starting_in(6, title="Sudah Penuh", capacity=1)
    Registration.objects.create(workshop=full, user=VerifiedUserFactory(), status="registered")

    with translation.override("en"):
        found = cards(client, "/en/")

    assert "Kelas Daring" in found[0]
    assert "Online" in found[0]
    assert f'/pelatihan/{online.slug}/"' in found[0]
    assert 'data-seats-left="0"' in found[1]
    assert "Full" in found[1]


def test_without_workshops_the_block_says_none_is_scheduled_and_still_links_to_the_list(client):
    home_with_block()
    starting_in(-3, title="Sudah Lewat")  # over: not upcoming

    with translation.override("en"):
        html = client.get("/en/").content.decode()

    assert "No workshop is scheduled yet" in html
    assert "Sudah Lewat" not in html
    assert "data-all-workshops" in html


def test_the_home_page_queries_do_not_grow_with_the_number_of_workshops(client):
    home_with_block(count=12)
    starting_in(3)
    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as one:
        assert len(cards(client)) == 1

    for days in range(4, 12):
        starting_in(days)
    cache.clear()
    with CaptureQueriesContext(connection) as nine:
        assert len(cards(client)) == 9

    assert len(nine.captured_queries) == len(one.captured_queries)
    # Once read, the cards come from the cache under the page cache's generation: no workshop query at all.
    with CaptureQueriesContext(connection) as cached:
        assert len(cards(client)) == 9
    assert not any("workshops_" in query["sql"] for query in cached.captured_queries)
    assert len(cached.captured_queries) == len(nine.captured_queries) - 3  # workshops, sessions, trainers


def test_two_workshop_blocks_read_the_workshops_once(client):
    home = seed_home_page()
    home.body = [
        {"type": "upcoming_workshops", "value": {"heading": "Pelatihan", "count": 2}},
        {"type": "upcoming_workshops", "value": {"heading": "Lagi", "count": 5}},
    ]
    home.save_revision().publish()
    for days in range(3, 7):
        starting_in(days)

    client.get("/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert len(cards(client)) == 2 + 4

    workshop_queries = [query for query in captured.captured_queries if '"workshops_workshop"' in query["sql"]]
    assert len(workshop_queries) == 1


@pytest.fixture
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 300
    pagecache._outage_until = 0.0
    yield
    pagecache._outage_until = 0.0


def test_publishing_a_workshop_refreshes_the_cached_home_page_at_once(
    client, page_cache_on, django_capture_on_commit_callbacks
):
    home_with_block()
    draft = starting_in(5, title="Segera Terbit", status=Workshop.Status.DRAFT, trainers=[trainer()])
    assert cards(client) == []
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        workshop_publish(workshop=draft, user=draft.trainers.get())

    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert "Segera Terbit" in response.content.decode()


def test_a_new_registration_refreshes_the_seats_left_on_the_cached_home_page(
    client, page_cache_on, django_capture_on_commit_callbacks
):
    home_with_block()
    item = starting_in(5, title="Kursi Terbatas", capacity=5)
    assert 'data-seats-left="5"' in cards(client)[0]
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        registration_create(workshop=item, user=VerifiedUserFactory())

    assert 'data-seats-left="4"' in cards(client)[0]


def test_checking_a_participant_in_leaves_the_cached_pages_alone(
    client, page_cache_on, django_capture_on_commit_callbacks
):
    home_with_block()
    coach = trainer()
    item = starting_in(5, title="Hadir Tanpa Kosongkan Cache", capacity=5, trainers=[coach])
    registration = registration_create(workshop=item, user=VerifiedUserFactory())
    assert client.get("/")["X-Page-Cache"] in ("hit", "miss")
    assert client.get("/")["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        registration_check_in(workshop=item, code=registration.short_code, trainer=coach)

    assert client.get("/")["X-Page-Cache"] == "hit"


def test_the_block_renders_on_its_own_in_the_editors_preview():
    starting_in(4, title="Pratinjau Pelatihan")
    block = UpcomingWorkshopsBlock()

    html = block.render(block.to_python({"heading": "Jadwal", "count": 3}))

    assert "Jadwal" in html
    assert "Pratinjau Pelatihan" in html

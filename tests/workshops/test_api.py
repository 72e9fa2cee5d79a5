"""The workshops API (`/api/v1/workshops/`, `/api/v1/trainer/workshops/`): every endpoint's happy path, its
errors, constant query counts for the lists, the schema, and who may do what (every refusal changes nothing)."""

from datetime import timedelta

import pytest
import yaml
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from tests.factories.accounts import DEFAULT_PASSWORD, UserFactory, VerifiedUserFactory
from tests.factories.shops import DistrictFactory
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, Workshop, WorkshopInvitation, WorkshopSession
from workshops.services import registration_create

pytestmark = pytest.mark.django_db
API = "/api/v1"


def client_for(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def snapshot() -> dict:
    """Everything a workshop endpoint could change."""
    return {
        "workshops": list(Workshop.objects.order_by("pk").values_list("pk", "status", "title", "capacity")),
        "sessions": list(WorkshopSession.objects.order_by("pk").values_list("pk", "starts_at", "ends_at")),
        "registrations": list(
            Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at", "answers")
        ),
        "invitations": WorkshopInvitation.objects.count(),
        "mails": len(mail.outbox),
    }


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# --- Public: list and one workshop -----------------------------------------------------------------------------


def test_public_list_shows_published_upcoming_workshops_and_never_the_online_link():
    coach = trainer()
    district = DistrictFactory()
    venue = workshop(trainers=[coach], district=district, map_url="https://maps.example/kuta")
    online = workshop(trainers=[coach], title="Foto Produk", online_url="https://meet.example/rahasia")
    workshop(status=Workshop.Status.DRAFT)
    ended = workshop()
    ended.sessions.update(starts_at=timezone.now() - timedelta(days=2), ends_at=timezone.now() - timedelta(days=1))
    registration_create(workshop=venue, user=VerifiedUserFactory())

    response = client_for().get(f"{API}/workshops/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {row["id"] for row in body["results"]} == {venue.pk, online.pk}
    row = next(row for row in body["results"] if row["id"] == venue.pk)
    assert row["slug"] == venue.slug
    assert row["status"] == "published"
    assert row["district"] == "Kuta Utara"
    assert row["map_url"] == "https://maps.example/kuta"
    assert row["is_online"] is False
    assert row["capacity"] == 3
    assert row["seats_left"] == 2
    assert row["waitlist_count"] == 0
    assert row["registration_open"] is True
    assert row["trainers"] == ["Kadek Pelatih"]
    assert [question["key"] for question in row["questions"]] == ["business", "online"]
    assert row["questions"][1]["choices"] == []
    assert len(row["sessions"]) == 1
    assert set(row["sessions"][0]) == {"starts_at", "ends_at"}
    assert row["url"] == f"http://testserver/pelatihan/{venue.slug}/"
    assert row["my_registration"] is None
    online_row = next(row for row in body["results"] if row["id"] == online.pk)
    assert online_row["is_online"] is True
    assert online_row["district"] is None
    assert "online_url" not in online_row
    assert "rahasia" not in response.content.decode()


def test_public_list_shows_the_callers_registration_in_constant_queries():
    user = VerifiedUserFactory()
    client = client_for(user)
    first = workshop(trainers=[trainer()], capacity=1)
    registration_create(workshop=first, user=VerifiedUserFactory())
    queries_for_one = count_queries(client, f"{API}/workshops/")

    for _ in range(4):
        more = workshop(trainers=[trainer()], capacity=1)
        registration_create(workshop=more, user=VerifiedUserFactory())
        registration_create(workshop=more, user=user)  # waitlisted
    registration_create(workshop=first, user=user)

    assert count_queries(client, f"{API}/workshops/") == queries_for_one
    rows = client.get(f"{API}/workshops/").json()["results"]
    assert len(rows) == 5
    mine = [row["my_registration"] for row in rows]
    assert {item["status"] for item in mine} == {"waitlisted"}
    assert {item["waitlist_position"] for item in mine} == {1}
    assert all(item["online_url"] == "" for item in mine)


def test_one_workshop_with_my_registration_and_drafts_are_not_found():
    item = workshop(capacity=1, online_url="https://meet.example/kelas")
    draft = workshop(status=Workshop.Status.DRAFT)
    user = VerifiedUserFactory()
    registration = registration_create(workshop=item, user=user)

    response = client_for(user).get(f"{API}/workshops/{item.pk}/")

    assert response.status_code == 200
    assert response.json()["my_registration"] == {
        "id": registration.pk,
        "status": "registered",
        "short_code": registration.short_code,
        "waitlist_position": None,
        "online_url": "https://meet.example/kelas",
    }
    assert response.json()["seats_left"] == 0
    assert client_for().get(f"{API}/workshops/{item.pk}/").json()["my_registration"] is None
    assert client_for(user).get(f"{API}/workshops/{draft.pk}/").status_code == 404
    assert client_for().get(f"{API}/workshops/999999/").status_code == 404


def test_a_cancelled_workshop_is_still_shown_but_closed():
    item = workshop(status=Workshop.Status.CANCELLED)

    body = client_for().get(f"{API}/workshops/{item.pk}/").json()

    assert body["status"] == "cancelled"
    assert body["registration_open"] is False


# --- Registering and cancelling --------------------------------------------------------------------------------


def test_register_answers_201_then_200_with_the_same_registration():
    item = workshop(capacity=1)
    user = VerifiedUserFactory()
    client = client_for(user)

    first = client.post(
        f"{API}/workshops/{item.pk}/register/", {"answers": {"business": "makanan", "x": "y"}}, format="json"
    )
    again = client.post(f"{API}/workshops/{item.pk}/register/", {}, format="json")

    assert first.status_code == 201
    registration = Registration.objects.get()
    assert first.json() == {
        "id": registration.pk,
        "status": "registered",
        "short_code": registration.short_code,
        "waitlist_position": None,
        "online_url": "",
    }
    assert registration.answers == {"business": "makanan"}
    assert again.status_code == 200
    assert again.json()["id"] == registration.pk
    assert Registration.objects.count() == 1

    waiting = client_for(VerifiedUserFactory()).post(f"{API}/workshops/{item.pk}/register/", format="json")
    assert waiting.status_code == 201
    assert waiting.json()["status"] == "waitlisted"
    assert waiting.json()["waitlist_position"] == 1


def test_register_refusals_change_nothing():
    item = workshop()
    closed = workshop(deadline_days=-1)
    draft = workshop(status=Workshop.Status.DRAFT)
    client = client_for(VerifiedUserFactory())
    before = snapshot()

    bad_answer = client.post(f"{API}/workshops/{item.pk}/register/", {"answers": {"business": "mobil"}}, format="json")
    not_a_dict = client.post(f"{API}/workshops/{item.pk}/register/", {"answers": ["makanan"]}, format="json")
    too_late = client.post(f"{API}/workshops/{closed.pk}/register/", {}, format="json")
    not_public = client.post(f"{API}/workshops/{draft.pk}/register/", {}, format="json")
    anonymous = client_for().post(f"{API}/workshops/{item.pk}/register/", {}, format="json")

    assert bad_answer.status_code == 400
    assert list(bad_answer.json()) == ["answers"]
    assert list(bad_answer.json()["answers"]) == ["business"]
    assert not_a_dict.status_code == 400
    assert "answers" in not_a_dict.json()
    assert too_late.status_code == 409
    assert "detail" in too_late.json()
    assert not_public.status_code == 404
    assert anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == "X-Session-Token"
    assert snapshot() == before


def test_cancel_registration_gives_the_seat_to_the_waiting_list():
    item = workshop(capacity=1)
    user, next_in_line = VerifiedUserFactory(), VerifiedUserFactory()
    seat = registration_create(workshop=item, user=user)
    registration_create(workshop=item, user=next_in_line)

    response = client_for(user).post(f"{API}/workshops/{item.pk}/cancel-registration/")

    assert response.status_code == 200
    assert response.json()["id"] == seat.pk
    assert response.json()["status"] == "cancelled"
    assert Registration.objects.get(user=next_in_line).status == "registered"
    assert client_for(user).post(f"{API}/workshops/{item.pk}/cancel-registration/").status_code == 200
    again = client_for(user).post(f"{API}/workshops/{item.pk}/register/", format="json")
    assert again.status_code == 201
    assert (again.json()["id"], again.json()["status"]) == (seat.pk, "waitlisted")


def test_cancel_registration_without_one_is_not_found_and_changes_nothing():
    item = workshop()
    registration_create(workshop=item, user=VerifiedUserFactory())
    before = snapshot()

    assert client_for(VerifiedUserFactory()).post(f"{API}/workshops/{item.pk}/cancel-registration/").status_code == 404
    assert client_for().post(f"{API}/workshops/{item.pk}/cancel-registration/").status_code == 401
    assert snapshot() == before


# --- Trainer: workshops ----------------------------------------------------------------------------------------


def _new_workshop_body(**changes) -> dict:
    starts = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    body = {
        "title": "Jualan di Marketplace",
        "description": "Dari foto produk sampai pengiriman.",
        "venue_name": "Balai Banjar Tegal",
        "venue_address": "Jl. Raya Canggu 5",
        "district": "51.03.06",
        "capacity": 20,
        "registration_deadline": (starts - timedelta(days=1)).isoformat(),
        "questions": [{"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": ["a", "b"]}],
        "sessions": [
            {"starts_at": (starts + timedelta(days=1)).isoformat(), "ends_at": (starts + timedelta(days=1, hours=2))},
            {"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=3)).isoformat()},
        ],
    }
    body.update(changes)
    return body


def test_a_trainer_creates_a_draft_workshop_with_co_trainers():
    DistrictFactory()
    coach, colleague = trainer(), trainer()

    response = client_for(coach).post(
        f"{API}/trainer/workshops/", _new_workshop_body(trainer_ids=[colleague.pk]), format="json"
    )

    assert response.status_code == 201, response.json()
    body = response.json()
    created = Workshop.objects.get()
    assert body["id"] == created.pk
    assert body["status"] == "draft"
    assert body["url"] is None
    assert body["district"] == {"code": "51.03.06", "name": "Kuta Utara"}
    assert {trainer["id"] for trainer in body["trainers"]} == {coach.pk, colleague.pk}
    assert body["questions"][0]["choices"] == ["a", "b"]
    assert created.created_by == coach
    assert created.district_id == "51.03.06"
    assert created.sessions.count() == 2
    assert body["sessions"][0]["starts_at"] < body["sessions"][1]["starts_at"]


def test_creating_with_bad_input_answers_field_errors_and_writes_nothing():
    DistrictFactory()
    client = client_for(trainer())
    before = snapshot()

    no_venue = client.post(f"{API}/trainer/workshops/", _new_workshop_body(venue_name=""), format="json")
    late_deadline = client.post(
        f"{API}/trainer/workshops/",
        _new_workshop_body(registration_deadline=(timezone.now() + timedelta(days=30)).isoformat()),
        format="json",
    )
    bad_types = client.post(
        f"{API}/trainer/workshops/",
        _new_workshop_body(capacity="banyak", district="99.99.99", sessions=[{"starts_at": "besok"}]),
        format="json",
    )
    not_a_trainer = client.post(
        f"{API}/trainer/workshops/", _new_workshop_body(trainer_ids=[UserFactory().pk]), format="json"
    )
    empty = client.post(f"{API}/trainer/workshops/", {}, format="json")

    assert no_venue.status_code == 400
    assert "venue_name" in no_venue.json()
    assert late_deadline.status_code == 400
    assert "registration_deadline" in late_deadline.json()
    assert bad_types.status_code == 400
    assert {"capacity", "district", "sessions"} <= set(bad_types.json())
    assert not_a_trainer.status_code == 400
    assert list(not_a_trainer.json()) == ["trainers"]
    assert empty.status_code == 400
    assert {"title", "capacity", "registration_deadline", "sessions"} <= set(empty.json())
    assert snapshot() == before


def test_the_trainer_list_holds_own_workshops_in_constant_queries_and_operators_see_all():
    coach = trainer()
    mine = workshop(trainers=[coach])
    theirs = workshop(trainers=[trainer()])
    client = client_for(coach)
    queries_for_one = count_queries(client, f"{API}/trainer/workshops/")
    for _ in range(4):
        registration_create(workshop=workshop(trainers=[coach, trainer()]), user=VerifiedUserFactory())

    assert count_queries(client, f"{API}/trainer/workshops/") == queries_for_one
    rows = client.get(f"{API}/trainer/workshops/").json()["results"]
    assert len(rows) == 5
    assert theirs.pk not in {row["id"] for row in rows}
    row = next(row for row in rows if row["id"] == mine.pk)
    assert row["online_url"] == ""
    assert row["seats_taken"] == 0
    operator_rows = client_for(make_operator()).get(f"{API}/trainer/workshops/").json()
    assert operator_rows["count"] == 6


def test_patch_changes_fields_and_replaces_sessions():
    coach = trainer()
    item = workshop(trainers=[coach])
    starts = (timezone.now() + timedelta(days=20)).replace(microsecond=0)
    body = {
        "title": "Jualan Online Lanjutan",
        "capacity": 5,
        "sessions": [{"starts_at": starts.isoformat(), "ends_at": (starts + timedelta(hours=2)).isoformat()}],
    }

    response = client_for(coach).patch(f"{API}/trainer/workshops/{item.pk}/", body, format="json")

    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.title == "Jualan Online Lanjutan"
    assert item.capacity == 5
    assert list(item.sessions.values_list("starts_at", flat=True)) == [starts]
    assert response.json()["title"] == "Jualan Online Lanjutan"
    assert client_for(coach).get(f"{API}/trainer/workshops/{item.pk}/").json()["capacity"] == 5


def test_patch_refusals_change_nothing():
    coach = trainer()
    item = workshop(trainers=[coach], capacity=2)
    done = workshop(trainers=[coach], status=Workshop.Status.COMPLETED)
    registration_create(workshop=item, user=VerifiedUserFactory())
    registration_create(workshop=item, user=VerifiedUserFactory())
    client = client_for(coach)
    before = snapshot()

    too_small = client.patch(f"{API}/trainer/workshops/{item.pk}/", {"capacity": 1}, format="json")
    completed = client.patch(f"{API}/trainer/workshops/{done.pk}/", {"title": "Baru"}, format="json")

    assert too_small.status_code == 400
    assert "capacity" in too_small.json()
    assert completed.status_code == 409
    assert "detail" in completed.json()
    assert snapshot() == before


def test_publish_cancel_and_complete():
    coach = trainer()
    draft = workshop(trainers=[coach], status=Workshop.Status.DRAFT)
    client = client_for(coach)

    published = client.post(f"{API}/trainer/workshops/{draft.pk}/publish/")
    assert published.status_code == 200
    assert published.json()["status"] == "published"
    assert published.json()["url"].endswith(f"/pelatihan/{draft.slug}/")

    not_started = client.post(f"{API}/trainer/workshops/{draft.pk}/complete/")
    assert not_started.status_code == 409
    registration_create(workshop=draft, user=VerifiedUserFactory())
    mail.outbox.clear()

    cancelled = client.post(f"{API}/trainer/workshops/{draft.pk}/cancel/", {"reason": "Hujan deras"}, format="json")
    assert cancelled.status_code == 200
    assert cancelled.json()["status"] == "cancelled"
    assert len(mail.outbox) == 1
    assert "Hujan deras" in mail.outbox[0].body
    assert client.post(f"{API}/trainer/workshops/{draft.pk}/publish/").status_code == 409

    started = workshop(trainers=[coach])
    started.sessions.update(starts_at=timezone.now() - timedelta(hours=1))
    completed = client.post(f"{API}/trainer/workshops/{started.pk}/complete/")
    assert completed.status_code == 200
    assert completed.json()["status"] == "completed"


# --- Trainer: participants, funnel, invitations, check-in ----------------------------------------------------


def test_participants_with_progress_answers_to_own_questions_only_and_no_contact_details():
    coach = trainer()
    item = workshop(trainers=[coach])
    people = [VerifiedUserFactory(phone="+6281234567890") for _ in range(2)]
    for person in people:
        registration_create(workshop=item, user=person, answers={"business": "kerajinan", "online": "yes"})
    Registration.objects.filter(user=people[0]).update(answers={"business": "kerajinan", "secret": "jangan"})
    client = client_for(coach)

    response = client.get(f"{API}/trainer/workshops/{item.pk}/participants/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["registration"] == Registration.objects.get(user=people[0]).pk
    assert first["name"] == people[0].full_name
    assert first["step"] == "email_verified"
    assert first["step_index"] == 1
    assert first["answers"] == {"business": "kerajinan"}
    assert first["checked_in_at"] is None
    assert set(first) == {
        "registration",
        "name",
        "shop_name",
        "shop_slug",
        "district",
        "step",
        "step_label",
        "step_index",
        "since",
        "stuck_days",
        "checked_in_at",
        "answers",
    }
    text = response.content.decode()
    for person in people:
        assert person.email not in text
        assert "81234567890" not in text


def test_participants_list_costs_the_same_queries_for_more_people():
    coach = trainer()
    item = workshop(trainers=[coach], capacity=30)
    registration_create(workshop=item, user=VerifiedUserFactory())
    client = client_for(coach)
    queries_for_one = count_queries(client, f"{API}/trainer/workshops/{item.pk}/participants/")
    for _ in range(5):
        registration_create(workshop=item, user=VerifiedUserFactory())

    assert count_queries(client, f"{API}/trainer/workshops/{item.pk}/participants/") == queries_for_one


def test_funnel_counts_each_step():
    coach = trainer()
    item = workshop(trainers=[coach])
    registration_create(workshop=item, user=VerifiedUserFactory())
    registration_create(workshop=item, user=UserFactory())

    response = client_for(coach).get(f"{API}/trainer/workshops/{item.pk}/funnel/")

    assert response.status_code == 200
    steps = response.json()
    assert [step["key"] for step in steps][:3] == ["registered", "email_verified", "shop_created"]
    assert len(steps) == 9
    assert (steps[0]["count"], steps[0]["percent"]) == (2, 100)
    assert (steps[1]["count"], steps[1]["percent"]) == (1, 50)


def test_adding_participants_by_email():
    coach = trainer()
    item = workshop(trainers=[coach], capacity=1)
    client = client_for(coach)
    verified, second = VerifiedUserFactory(), VerifiedUserFactory()

    registered = client.post(f"{API}/trainer/workshops/{item.pk}/participants/", {"email": verified.email})
    waitlisted = client.post(f"{API}/trainer/workshops/{item.pk}/participants/", {"email": second.email})
    invited = client.post(f"{API}/trainer/workshops/{item.pk}/participants/", {"email": "baru@contoh.id"})

    assert (registered.status_code, registered.json()) == (201, {"result": "registered"})
    assert (waitlisted.status_code, waitlisted.json()) == (201, {"result": "waitlisted"})
    assert (invited.status_code, invited.json()) == (201, {"result": "invited"})
    assert Registration.objects.get(user=verified).added_by == coach
    assert WorkshopInvitation.objects.get().email == "baru@contoh.id"


def test_adding_a_participant_refusals_change_nothing():
    coach = trainer()
    item = workshop(trainers=[coach])
    draft = workshop(trainers=[coach], status=Workshop.Status.DRAFT)
    client = client_for(coach)
    before = snapshot()

    bad = client.post(f"{API}/trainer/workshops/{item.pk}/participants/", {"email": "bukan-email"})
    not_published = client.post(f"{API}/trainer/workshops/{draft.pk}/participants/", {"email": "a@contoh.id"})

    assert bad.status_code == 400
    assert list(bad.json()) == ["email"]
    assert not_published.status_code == 409
    assert snapshot() == before


def test_check_in_by_short_code_or_qr_secret():
    coach = trainer()
    item = workshop(trainers=[coach])
    person = VerifiedUserFactory()
    registration = registration_create(workshop=item, user=person)
    client = client_for(coach)

    first = client.post(f"{API}/trainer/workshops/{item.pk}/check-in/", {"code": registration.short_code.lower()})
    again = client.post(f"{API}/trainer/workshops/{item.pk}/check-in/", {"code": registration.qr_secret})

    assert first.status_code == 200
    assert first.json() == {"result": "ok", "registration": registration.pk, "name": person.full_name}
    assert again.json()["result"] == "already"
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert registration.checked_in_by == coach


def test_check_in_refusals_answer_under_code_and_change_nothing():
    coach = trainer()
    item = workshop(trainers=[coach], capacity=1)
    other = workshop(trainers=[coach])
    registration_create(workshop=item, user=VerifiedUserFactory())
    waiting = registration_create(workshop=item, user=VerifiedUserFactory())
    elsewhere = registration_create(workshop=other, user=VerifiedUserFactory())
    client = client_for(coach)
    before = snapshot()

    for code in ("", "ZZZZZZ", elsewhere.qr_secret, waiting.short_code):
        response = client.post(f"{API}/trainer/workshops/{item.pk}/check-in/", {"code": code})
        assert response.status_code == 400, code
        assert list(response.json()) == ["code"]
    assert snapshot() == before


# --- Who may do what -------------------------------------------------------------------------------------------

# (name, method, path after trainer/workshops/{id}/, body, what the trainer or an operator gets)
TRAINER_ENDPOINTS = [
    ("detail", "get", "", None, 200),
    ("update", "patch", "", {"title": "Diganti"}, 200),
    ("publish", "post", "publish/", None, 200),
    ("cancel", "post", "cancel/", {"reason": "x"}, 200),
    ("complete", "post", "complete/", None, 409),
    ("participants", "get", "participants/", None, 200),
    ("add participant", "post", "participants/", {"email": "baru@contoh.id"}, 201),
    ("funnel", "get", "funnel/", None, 200),
    ("check-in", "post", "check-in/", {"code": "{code}"}, 200),
]
ROLES = {"anonymous": 401, "shopper": 403, "participant": 403, "other_trainer": 404, "trainer": None, "operator": None}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("method", "suffix", "body", "allowed"),
    [endpoint[1:] for endpoint in TRAINER_ENDPOINTS],
    ids=[endpoint[0] for endpoint in TRAINER_ENDPOINTS],
)
def test_trainer_endpoint_permissions(role, method, suffix, body, allowed):
    coach = trainer()
    item = workshop(trainers=[coach])
    participant = VerifiedUserFactory()
    registration = registration_create(workshop=item, user=participant)
    users = {
        "shopper": VerifiedUserFactory(),
        "participant": participant,
        "other_trainer": trainer(),
        "trainer": coach,
        "operator": make_operator(),
    }
    client = client_for(users.get(role))
    if body and "code" in body:
        body = {"code": registration.short_code}
    before = snapshot()

    response = getattr(client, method)(f"{API}/trainer/workshops/{item.pk}/{suffix}", body, format="json")

    expected = ROLES[role] or allowed
    assert response.status_code == expected, response.content
    if ROLES[role] is not None:
        assert "detail" in response.json()
        assert snapshot() == before


@pytest.mark.parametrize("role", ["anonymous", "shopper"])
def test_the_trainer_list_and_create_refuse_non_trainers(role):
    DistrictFactory()
    workshop(trainers=[trainer()])
    client = client_for(None if role == "anonymous" else VerifiedUserFactory())
    before = snapshot()

    listed = client.get(f"{API}/trainer/workshops/")
    created = client.post(f"{API}/trainer/workshops/", _new_workshop_body(), format="json")

    expected = 401 if role == "anonymous" else 403
    assert (listed.status_code, created.status_code) == (expected, expected)
    assert snapshot() == before


def test_a_revoked_trainer_is_refused():
    coach = trainer()
    item = workshop(trainers=[coach])
    coach.trainer_profile.is_active = False
    coach.trainer_profile.save()

    assert client_for(coach).get(f"{API}/trainer/workshops/{item.pk}/").status_code == 403


def test_an_operator_creates_a_workshop_for_trainers():
    DistrictFactory()
    coach = trainer()

    response = client_for(make_operator()).post(
        f"{API}/trainer/workshops/", _new_workshop_body(trainer_ids=[coach.pk]), format="json"
    )

    assert response.status_code == 201, response.json()
    assert [row["id"] for row in response.json()["trainers"]] == [coach.pk]


def test_an_app_signs_in_with_the_session_token():
    coach = trainer()
    item = workshop(trainers=[coach])
    app = APIClient()
    login = app.post("/_allauth/app/v1/auth/login", {"email": coach.email, "password": DEFAULT_PASSWORD}, format="json")
    token = login.json()["meta"]["session_token"]

    response = app.get(f"{API}/trainer/workshops/{item.pk}/", headers={"X-Session-Token": token})

    assert response.status_code == 200
    assert response.json()["id"] == item.pk


# --- Schema ----------------------------------------------------------------------------------------------------


def test_the_schema_documents_every_workshop_endpoint():
    schema = yaml.safe_load(client_for().get("/api/schema/").content)
    paths = schema["paths"]

    expected = {
        "/api/v1/workshops/": {"get"},
        "/api/v1/workshops/{id}/": {"get"},
        "/api/v1/workshops/{id}/register/": {"post"},
        "/api/v1/workshops/{id}/cancel-registration/": {"post"},
        "/api/v1/trainer/workshops/": {"get", "post"},
        "/api/v1/trainer/workshops/{id}/": {"get", "patch"},
        "/api/v1/trainer/workshops/{id}/publish/": {"post"},
        "/api/v1/trainer/workshops/{id}/cancel/": {"post"},
        "/api/v1/trainer/workshops/{id}/complete/": {"post"},
        "/api/v1/trainer/workshops/{id}/participants/": {"get", "post"},
        "/api/v1/trainer/workshops/{id}/funnel/": {"get"},
        "/api/v1/trainer/workshops/{id}/check-in/": {"post"},
    }
    for path, methods in expected.items():
        assert path in paths, path
        assert methods <= set(paths[path]), path
    public = schema["components"]["schemas"]["PublicWorkshopOutput"]["properties"]
    assert "online_url" not in public
    participant = schema["components"]["schemas"]["ParticipantOutput"]["properties"]
    assert not {"email", "phone"} & set(participant)

"""The trainer's pages at /pelatih/ (workshops.views_trainer): creating, editing and publishing a workshop, the
participant list with each participant's step, its CSV, check-in at the door, and the permission matrix of every
page (anonymous → login, plain user → 403, another trainer → 404, nothing changed; operator → allowed)."""

import csv
import io
import json
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from shops.models import Shop
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopFactory, SubmittedShopFactory
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, Workshop, WorkshopInvitation, WorkshopSession
from workshops.selectors import workshop_list_public
from workshops.services import registration_check_in, registration_create

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")


# --- Builders -------------------------------------------------------------------------------------------------


def form_data(
    *,
    title="Jualan Online di Marketplace",
    capacity=20,
    deadline=None,
    sessions=None,
    questions=None,
    trainers=(),
    **fields,
):
    """The POST of the workshop form: sessions as (date, "HH:MM", "HH:MM") in WITA, questions as dicts."""
    day = (timezone.now() + timedelta(days=10)).astimezone(WITA).date()
    if sessions is None:
        sessions = [(day, "09:00", "12:00")]
    if deadline is None:
        deadline = f"{day - timedelta(days=2)}T17:00"
    if questions is None:
        questions = [
            {"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": "Makanan & minuman, Kerajinan"},
            {"key": "", "label": "Sudah jualan online?", "kind": "yes_no", "choices": ""},
        ]
    data = {
        "title": title,
        "description": "Belajar memotret produk dan membuka toko.",
        "venue_name": "Aula Kecamatan Kuta Utara",
        "venue_address": "Jl. Raya Kerobokan No. 1",
        "district": "",
        "map_url": "",
        "online_url": "",
        "capacity": str(capacity),
        "registration_deadline": deadline,
        "trainers": [str(user.pk) for user in trainers],
        "sessions-TOTAL_FORMS": str(len(sessions) + 1),
        "sessions-INITIAL_FORMS": "0",
        "sessions-MIN_NUM_FORMS": "0",
        "sessions-MAX_NUM_FORMS": "1000",
        "questions-TOTAL_FORMS": str(len(questions) + 1),
        "questions-INITIAL_FORMS": "0",
        "questions-MIN_NUM_FORMS": "0",
        "questions-MAX_NUM_FORMS": "1000",
    }
    for index, (date, start, end) in enumerate(sessions):
        data.update(
            {f"sessions-{index}-date": str(date), f"sessions-{index}-start": start, f"sessions-{index}-end": end}
        )
    data.update({f"sessions-{len(sessions)}-{name}": "" for name in ("date", "start", "end")})
    for index, question in enumerate(questions):
        data.update({f"questions-{index}-{name}": value for name, value in question.items()})
    data.update({f"questions-{len(questions)}-{name}": "" for name in ("key", "label", "choices")})
    data[f"questions-{len(questions)}-kind"] = "text"
    data.update(fields)
    return data


def form_errors(response) -> dict:
    """The errors of the workshop form and its formsets, for an assertion's message."""
    context = response.context or {}
    errors = {}
    if context.get("form") is not None:
        errors["form"] = context["form"].errors
    for name in ("sessions", "questions"):
        if context.get(name) is not None:
            errors[name] = [context[name].errors, context[name].non_form_errors(), context[name].service_errors]
    return errors


def snapshot():
    """Everything a trainer page could change, to assert that a refused request changed nothing."""
    return (
        list(Workshop.objects.order_by("pk").values()),
        list(WorkshopSession.objects.order_by("pk").values()),
        list(Registration.objects.order_by("pk").values()),
        list(WorkshopInvitation.objects.order_by("pk").values()),
        sorted(Workshop.trainers.through.objects.values_list("workshop_id", "user_id")),
        len(mail.outbox),
    )


def steps_on_page(html: str) -> dict[int, str]:
    return {int(pk): step for pk, step in re.findall(r'data-participant="(\d+)" data-step="(\w+)"', html)}


def register(item, **fields):
    user = VerifiedUserFactory(**fields)
    return registration_create(workshop=item, user=user, answers={"business": "makanan", "online": "yes"})


@pytest.fixture
def owner():
    return trainer()


@pytest.fixture
def logged_in(client, owner):
    client.force_login(owner)
    return client


# --- Create, edit, publish, cancel ----------------------------------------------------------------------------


def test_a_trainer_creates_a_draft_then_publishes_it_and_it_is_public(logged_in, owner):
    co_trainer = trainer()
    response = logged_in.post(reverse("trainer:workshop-create"), form_data(trainers=[co_trainer]))

    assert response.status_code == 302
    created = Workshop.objects.get()
    assert response["Location"] == reverse("trainer:workshop", args=[created.pk])
    assert created.status == Workshop.Status.DRAFT
    assert created.slug == "jualan-online-di-marketplace"
    assert set(created.trainers.all()) == {owner, co_trainer}
    assert created.created_by == owner
    (session,) = created.sessions.all()
    day = (timezone.now() + timedelta(days=10)).astimezone(WITA).date()
    # 09:00-12:00 WITA is 01:00-04:00 UTC.
    assert session.starts_at == datetime(day.year, day.month, day.day, 9, tzinfo=WITA)
    assert (session.starts_at.astimezone(UTC).hour, session.ends_at.astimezone(UTC).hour) == (1, 4)
    assert created.registration_deadline.astimezone(WITA).strftime("%H:%M") == "17:00"
    assert created.questions == [
        {"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": ["Makanan & minuman", "Kerajinan"]},
        {"key": "sudah_jualan_online", "label": "Sudah jualan online?", "kind": "yes_no"},
    ]
    assert created not in workshop_list_public()

    response = logged_in.post(reverse("trainer:workshop-publish", args=[created.pk]))

    assert response.status_code == 302
    created.refresh_from_db()
    assert created.status == Workshop.Status.PUBLISHED
    assert created in workshop_list_public()
    dashboard = logged_in.get(reverse("trainer:dashboard"))
    assert f'data-workshop="{created.pk}" data-status="published"' in dashboard.content.decode()


def test_the_new_workshop_form_offers_the_programmes_three_questions(logged_in):
    response = logged_in.get(reverse("trainer:workshop-create"))

    assert response.status_code == 200
    initial = response.context["questions"].initial
    assert [(question["key"], question["kind"]) for question in initial] == [
        ("business", "choice"),
        ("district", "text"),
        ("sells_online", "yes_no"),
    ]
    assert len(initial[0]["choices"].split(",")) == 5
    html = response.content.decode()
    assert 'name="questions-0-label"' in html
    assert 'name="sessions-2-date"' in html


def test_a_form_without_any_session_is_refused(logged_in):
    response = logged_in.post(reverse("trainer:workshop-create"), form_data(sessions=[]))

    assert response.status_code == 400
    assert Workshop.objects.count() == 0


def test_the_services_errors_come_back_on_the_form_and_nothing_is_written(logged_in):
    # Neither a venue nor an online link: the service refuses, the error sits on the venue field.
    response = logged_in.post(reverse("trainer:workshop-create"), form_data(venue_name="", venue_address=""))

    assert response.status_code == 400
    assert response.context["form"].errors["venue_name"]
    assert Workshop.objects.count() == 0
    assert WorkshopSession.objects.count() == 0


def bad_edits(item):
    day = (timezone.now() + timedelta(days=10)).astimezone(WITA).date()  # the day of form_data's session
    return {
        "end before start": (form_data(sessions=[(day, "12:00", "09:00")]), "sessions"),
        "deadline after the first session": (form_data(deadline=f"{day + timedelta(days=1)}T09:00"), "form"),
        "capacity below the seats taken": (form_data(capacity=1), "form"),
    }


@pytest.mark.parametrize(
    "case", ["end before start", "deadline after the first session", "capacity below the seats taken"]
)
def test_an_edit_with_bad_input_is_refused_and_changes_nothing(logged_in, owner, case):
    item = workshop(capacity=3, trainers=[owner])
    register(item)
    register(item)
    before = snapshot()

    data, where = bad_edits(item)[case]
    response = logged_in.post(reverse("trainer:workshop-edit", args=[item.pk]), data)

    assert response.status_code == 400
    assert snapshot() == before
    if where == "sessions":
        assert response.context["sessions"].forms[0].errors["end"]
    elif case.startswith("deadline"):
        assert response.context["form"].errors["registration_deadline"]
    else:
        assert response.context["form"].errors["capacity"]


def test_an_edit_keeps_the_question_keys_and_replaces_the_sessions(logged_in, owner):
    item = workshop(capacity=3, trainers=[owner])
    form = logged_in.get(reverse("trainer:workshop-edit", args=[item.pk]))
    assert form.status_code == 200
    assert [q["key"] for q in form.context["questions"].initial] == ["business", "online"]
    day = (timezone.now() + timedelta(days=8)).astimezone(WITA).date()
    questions = [
        {"key": "business", "label": "Usaha apa?", "kind": "choice", "choices": "makanan, kerajinan, jasa"},
        {"key": "online", "label": "Sudah jualan online?", "kind": "yes_no", "choices": ""},
        {"key": "", "label": "Usaha apa?", "kind": "text", "choices": ""},
    ]

    response = logged_in.post(
        reverse("trainer:workshop-edit", args=[item.pk]),
        form_data(
            title="Foto Produk",
            capacity=5,
            deadline=f"{day - timedelta(days=1)}T12:00",
            sessions=[(day, "13:00", "15:00"), (day, "09:00", "11:00")],
            questions=questions,
        ),
    )

    assert response.status_code == 302, form_errors(response)
    item.refresh_from_db()
    assert (item.title, item.capacity, item.slug) == ("Foto Produk", 5, "jualan-online-1")
    assert [q["key"] for q in item.questions] == ["business", "online", "usaha_apa"]
    assert item.questions[0]["choices"] == ["makanan", "kerajinan", "jasa"]
    assert [s.starts_at.astimezone(WITA).hour for s in item.sessions.all()] == [9, 13]


def test_a_cancelled_workshop_can_no_longer_be_edited(logged_in, owner):
    item = workshop(trainers=[owner], status=Workshop.Status.CANCELLED)
    before = snapshot()

    page = logged_in.get(reverse("trainer:workshop-edit", args=[item.pk]))
    response = logged_in.post(reverse("trainer:workshop-edit", args=[item.pk]), form_data())

    assert "data-not-editable" in page.content.decode()
    assert response.status_code == 409
    assert snapshot() == before


def test_cancelling_mails_everyone_registered_and_waitlisted(logged_in, owner):
    item = workshop(capacity=1, trainers=[owner])
    seated = register(item)
    waiting = register(item)
    assert waiting.status == Registration.Status.WAITLISTED
    mail.outbox.clear()

    unconfirmed = logged_in.post(reverse("trainer:workshop-cancel", args=[item.pk]), {"reason": "Hujan"})
    assert unconfirmed.status_code == 400
    item.refresh_from_db()
    assert item.status == Workshop.Status.PUBLISHED
    assert mail.outbox == []

    response = logged_in.post(
        reverse("trainer:workshop-cancel", args=[item.pk]), {"reason": "Aula dipakai rapat desa", "confirm": "on"}
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == Workshop.Status.CANCELLED
    assert sorted(message.to[0] for message in mail.outbox) == sorted([seated.user.email, waiting.user.email])
    assert all("Aula dipakai rapat desa" in message.body for message in mail.outbox)


def test_a_workshop_that_has_not_started_cannot_be_completed(logged_in, owner):
    item = workshop(trainers=[owner])
    before = snapshot()

    response = logged_in.post(reverse("trainer:workshop-complete", args=[item.pk]))

    assert response.status_code == 409
    assert "data-conflict" in response.content.decode()
    assert snapshot() == before


def test_publishing_a_workshop_whose_session_has_started_is_refused(logged_in, owner):
    item = workshop(trainers=[owner], status=Workshop.Status.DRAFT)
    item.sessions.update(starts_at=timezone.now() - timedelta(hours=1), ends_at=timezone.now() + timedelta(hours=1))
    before = snapshot()

    response = logged_in.post(reverse("trainer:workshop-publish", args=[item.pk]))

    assert response.status_code == 400
    assert snapshot() == before


def test_the_overview_shows_the_counts_and_the_funnel(logged_in, owner):
    item = workshop(capacity=2, trainers=[owner])
    first = register(item)
    register(item)
    register(item)
    registration_check_in(workshop=item, code=first.short_code, trainer=owner)

    response = logged_in.get(reverse("trainer:workshop", args=[item.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<strong data-seats>2/2</strong>" in html
    assert "<strong data-waitlist>1</strong>" in html
    assert "<strong data-checked-in-count>1</strong>" in html
    assert 'role="img"' in html
    assert 'data-step="email_verified" data-count="2"' in html
    assert 'data-funnel-step="registered"' in html
    assert 'data-action="publish"' not in html
    assert 'data-action="cancel"' in html


# --- Participants ---------------------------------------------------------------------------------------------


def test_the_participant_list_shows_each_participants_step_and_no_contact_details(logged_in, owner):
    item = workshop(capacity=10, trainers=[owner])
    unverified = registration_create(workshop=item, user=UserFactory(full_name="Wayan Baru"))
    verified = register(item, full_name="Ketut Terverifikasi")
    with_shop = register(item, full_name="Made Punya Toko")
    ShopFactory(owner=with_shop.user, name="Warung Draf")
    submitted = register(item, full_name="Nyoman Mengajukan")
    SubmittedShopFactory(owner=submitted.user)
    approved = register(item, full_name="Putu Disetujui")
    shop = ApprovedShopFactory(owner=approved.user, name="Toko Putu", slug="toko-putu", reviewed_at=timezone.now())

    response = logged_in.get(reverse("trainer:participants", args=[item.pk]))

    assert response.status_code == 200
    html = response.content.decode()
    assert steps_on_page(html) == {
        unverified.pk: "registered",
        verified.pk: "email_verified",
        with_shop.pk: "shop_created",
        submitted.pk: "shop_submitted",
        approved.pk: "shop_approved",
    }
    assert f'href="/toko/{shop.slug}/"' in html
    assert "Kuta Utara" in html  # the shop's district
    for registration in (unverified, verified, with_shop, submitted, approved):
        assert registration.user.email not in html
        assert registration.short_code not in html
        assert registration.qr_secret not in html
    assert "Jenis usaha" in html
    assert "makanan" in html


def test_a_participant_stuck_for_more_than_two_weeks_is_highlighted(logged_in, owner):
    item = workshop(capacity=10, trainers=[owner])
    stuck = register(item)
    fresh = register(item)
    long_ago = timezone.now() - timedelta(days=20)
    Registration.objects.filter(pk=stuck.pk).update(created_at=long_ago)
    type(stuck.user).objects.filter(pk=stuck.user.pk).update(date_joined=long_ago)

    html = logged_in.get(reverse("trainer:participants", args=[item.pk])).content.decode()

    assert re.search(rf'data-participant="{stuck.pk}"[^>]*data-stuck', html)
    assert not re.search(rf'data-participant="{fresh.pk}"[^>]*data-stuck', html)
    assert 'data-stuck-days="20"' in html


def test_the_waiting_list_and_open_invitations_are_listed(logged_in, owner):
    item = workshop(capacity=1, trainers=[owner])
    register(item)
    first_waiting = register(item, full_name="Gede Menunggu")
    second_waiting = register(item, full_name="Komang Menunggu")
    WorkshopInvitation.objects.create(workshop=item, email="calon@contoh.id", invited_by=owner)

    html = logged_in.get(reverse("trainer:participants", args=[item.pk])).content.decode()

    assert f'data-waitlisted="{first_waiting.pk}" data-position="1"' in html
    assert f'data-waitlisted="{second_waiting.pk}" data-position="2"' in html
    assert "calon@contoh.id" in html


def test_adding_participants_by_email_registers_waitlists_or_invites(logged_in, owner):
    item = workshop(capacity=1, trainers=[owner])
    first, second = VerifiedUserFactory(), VerifiedUserFactory()
    url = reverse("trainer:participant-add", args=[item.pk])

    responses = [logged_in.post(url, {"email": email}) for email in (first.email, second.email, "Baru@Contoh.id")]

    assert [response.status_code for response in responses] == [302, 302, 302]
    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "registered", second.pk: "waitlisted"}
    assert Registration.objects.get(user=first).added_by == owner
    assert list(WorkshopInvitation.objects.values_list("email", flat=True)) == ["baru@contoh.id"]
    before = snapshot()
    bad = logged_in.post(url, {"email": "bukan-email"})
    assert bad.status_code == 400
    assert snapshot() == before


def test_adding_to_a_draft_is_a_conflict_and_changes_nothing(logged_in, owner):
    item = workshop(trainers=[owner], status=Workshop.Status.DRAFT)
    before = snapshot()

    response = logged_in.post(reverse("trainer:participant-add", args=[item.pk]), {"email": "x@contoh.id"})

    assert response.status_code == 409
    assert snapshot() == before


def test_cancelling_a_participant_gives_the_seat_to_the_waiting_list(logged_in, owner):
    item = workshop(capacity=1, trainers=[owner])
    seated = register(item)
    waiting = register(item)

    response = logged_in.post(reverse("trainer:participant-cancel", args=[item.pk, seated.pk]))

    assert response.status_code == 302
    assert dict(Registration.objects.values_list("pk", "status")) == {seated.pk: "cancelled", waiting.pk: "registered"}


def test_csv_lists_the_participants_with_answers_and_guards_against_formulas(logged_in, owner):
    item = workshop(capacity=10, trainers=[owner], slug="foto-produk")
    plain = register(item, full_name="Ayu Lestari")
    formula = registration_create(
        workshop=item, user=VerifiedUserFactory(full_name='=HYPERLINK("http://x")'), answers={"online": "no"}
    )
    ApprovedShopFactory(owner=plain.user, name="@Toko Ayu")
    registration_check_in(workshop=item, code=plain.short_code, trainer=owner)

    response = logged_in.get(reverse("trainer:participants-csv", args=[item.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="peserta-foto-produk.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert len(rows) == 3
    assert len(rows[0]) == 7 + 2
    assert rows[0][7:] == ["Jenis usaha", "Sudah jualan online?"]
    ayu, hyperlink = rows[1], rows[2]
    assert ayu[0] == "Ayu Lestari"
    assert ayu[1] == "'@Toko Ayu"
    assert ayu[2] == "Kuta Utara"
    assert ayu[4] == timezone.localtime(plain.created_at, WITA).strftime("%Y-%m-%d")
    assert ayu[5] == "0"
    assert ayu[6] != ""
    assert ayu[7] == "makanan"
    assert hyperlink[0] == '\'=HYPERLINK("http://x")'
    assert hyperlink[6] == ""
    assert hyperlink[8] != ""
    assert hyperlink[7] == ""
    assert plain.user.email not in response.content.decode()
    assert formula.user.email not in response.content.decode()


# --- Check-in -------------------------------------------------------------------------------------------------


def test_check_in_by_short_code_then_again_is_already(logged_in, owner):
    item = workshop(trainers=[owner])
    registration = register(item, full_name="Ni Luh Hadir")
    url = reverse("trainer:check-in", args=[item.pk])

    page = logged_in.get(url)
    first = logged_in.post(url, {"code": registration.short_code.lower()})
    again = logged_in.post(url, {"code": registration.short_code})

    html = page.content.decode()
    assert 'autocomplete="off"' in html
    assert "autofocus" in html
    assert "checkin.js" in html
    assert "defer" in html
    assert first.status_code == 200
    assert 'data-check-in-result="ok"' in first.content.decode()
    assert "Ni Luh Hadir" in first.content.decode()
    assert again.status_code == 200
    assert 'data-check-in-result="already"' in again.content.decode()
    registration.refresh_from_db()
    assert registration.checked_in_by == owner
    assert registration.certificate_code


def test_check_in_by_qr_secret_answers_json_to_the_script(logged_in, owner):
    item = workshop(trainers=[owner])
    registration = register(item, full_name="Kadek Scan")
    url = reverse("trainer:check-in", args=[item.pk])

    response = logged_in.post(url, {"code": registration.qr_secret}, HTTP_ACCEPT="application/json")
    again = logged_in.post(url, {"code": registration.qr_secret}, HTTP_ACCEPT="application/json")

    assert response.status_code == 200
    answer = json.loads(response.content)
    assert answer["result"] == "ok"
    assert answer["name"] == "Kadek Scan"
    assert answer["message"]
    assert json.loads(again.content)["result"] == "already"
    registration.refresh_from_db()
    assert registration.checked_in_at is not None


def test_another_workshops_code_is_refused_and_changes_nothing(logged_in, owner):
    item = workshop(trainers=[owner])
    other = workshop(trainers=[owner], title="Pelatihan Lain")
    stranger = register(other)
    url = reverse("trainer:check-in", args=[item.pk])
    before = snapshot()

    page = logged_in.post(url, {"code": stranger.qr_secret})
    answer = logged_in.post(url, {"code": "ZZZZZZ"}, HTTP_ACCEPT="application/json")
    empty = logged_in.post(url, {"code": ""})

    assert page.status_code == 400
    assert 'data-check-in-result="error"' in page.content.decode()
    assert "Pelatihan Lain" in page.content.decode()
    assert answer.status_code == 400
    assert json.loads(answer.content)["result"] == "error"
    assert empty.status_code == 400
    assert snapshot() == before


def test_manual_check_in_marks_the_participant_present(logged_in, owner):
    item = workshop(trainers=[owner])
    registration = register(item)

    response = logged_in.post(reverse("trainer:check-in-manual", args=[item.pk, registration.pk]))
    again = logged_in.post(reverse("trainer:check-in-manual", args=[item.pk, registration.pk]))

    assert response.status_code == 302
    assert again.status_code == 302
    registration.refresh_from_db()
    assert registration.checked_in_by == owner
    html = logged_in.get(reverse("trainer:participants", args=[item.pk])).content.decode()
    assert re.search(rf'data-participant="{registration.pk}"[^>]*data-checked-in', html)


def test_manual_check_in_of_a_waitlisted_person_is_refused(logged_in, owner):
    item = workshop(capacity=1, trainers=[owner])
    register(item)
    waiting = register(item)
    before = snapshot()

    response = logged_in.post(reverse("trainer:check-in-manual", args=[item.pk, waiting.pk]))

    assert response.status_code == 400
    assert snapshot() == before


def test_nobody_is_checked_in_to_a_cancelled_workshop(logged_in, owner):
    item = workshop(trainers=[owner])
    registration = register(item)
    Workshop.objects.filter(pk=item.pk).update(status=Workshop.Status.CANCELLED)
    before = snapshot()

    page = logged_in.post(reverse("trainer:check-in", args=[item.pk]), {"code": registration.short_code})
    answer = logged_in.post(
        reverse("trainer:check-in", args=[item.pk]), {"code": registration.qr_secret}, HTTP_ACCEPT="application/json"
    )
    manual = logged_in.post(reverse("trainer:check-in-manual", args=[item.pk, registration.pk]))

    assert page.status_code == 409
    assert 'data-check-in-result="error"' in page.content.decode()
    assert (answer.status_code, json.loads(answer.content)["result"]) == (409, "error")
    assert manual.status_code == 409
    assert "data-conflict" in manual.content.decode()
    assert snapshot() == before


# --- Who may do what ------------------------------------------------------------------------------------------


def trainer_urls(item, registration):
    """Every trainer page: (name, method, args, POST data that would succeed)."""
    return [
        ("trainer:dashboard", "get", [], None),
        ("trainer:workshop-create", "get", [], None),
        ("trainer:workshop-create", "post", [], form_data()),
        ("trainer:workshop", "get", [item.pk], None),
        ("trainer:workshop-edit", "get", [item.pk], None),
        ("trainer:workshop-edit", "post", [item.pk], form_data(title="Diubah")),
        ("trainer:participants", "get", [item.pk], None),
        ("trainer:participants-csv", "get", [item.pk], None),
        ("trainer:participant-add", "post", [item.pk], {"email": "baru@contoh.id"}),
        ("trainer:check-in-manual", "post", [item.pk, registration.pk], {}),
        ("trainer:check-in", "get", [item.pk], None),
        ("trainer:check-in", "post", [item.pk], {"code": registration.short_code}),
        ("trainer:participant-cancel", "post", [item.pk, registration.pk], {}),
        ("trainer:workshop-complete", "post", [item.pk], {}),
        ("trainer:workshop-publish", "post", [item.pk], {}),
        ("trainer:workshop-cancel", "post", [item.pk], {"confirm": "on"}),
    ]


GLOBAL_PAGES = {"trainer:dashboard", "trainer:workshop-create"}


def call(client, method, url, data):
    return client.post(url, data) if method == "post" else client.get(url)


def test_permission_matrix(client, owner):
    """Anonymous → login, a signed-in non-trainer → 403, a trainer of other workshops → 404; nothing changes."""
    item = workshop(capacity=5, trainers=[owner])
    registration = register(item)
    plain_user = VerifiedUserFactory()
    other_trainer = trainer()
    workshop(trainers=[other_trainer], title="Punya Pelatih Lain")
    for name, method, args, data in trainer_urls(item, registration):
        url = reverse(name, args=args)
        before = snapshot()

        client.logout()
        anonymous = call(client, method, url, data)
        assert anonymous.status_code == 302, (name, method)
        assert anonymous["Location"].startswith(reverse("account_login") + "?next="), (name, method)
        assert snapshot() == before, (name, method)

        client.force_login(plain_user)
        assert call(client, method, url, data).status_code == 403, (name, method)
        assert snapshot() == before, (name, method)

        if name in GLOBAL_PAGES:
            continue  # not about one workshop: any trainer may open them
        client.force_login(other_trainer)
        assert call(client, method, url, data).status_code == 404, (name, method)
        assert snapshot() == before, (name, method)


def test_an_inactive_trainer_is_refused(client, owner):
    item = workshop(trainers=[owner])
    owner.trainer_profile.is_active = False
    owner.trainer_profile.save()
    client.force_login(owner)
    before = snapshot()

    assert client.get(reverse("trainer:dashboard")).status_code == 403
    assert client.post(reverse("trainer:workshop-publish", args=[item.pk])).status_code == 403
    assert snapshot() == before


def test_an_operator_reaches_every_workshop(client, owner):
    operator = make_operator()
    item = workshop(capacity=5, trainers=[owner])
    registration = register(item)
    client.force_login(operator)
    expected = {
        "trainer:workshop-create": {"post": 302},
        "trainer:workshop-edit": {"post": 302},
        "trainer:participant-add": {"post": 302},
        "trainer:check-in-manual": {"post": 302},
        "trainer:check-in": {"post": 200},
        "trainer:participant-cancel": {"post": 302},
        "trainer:workshop-complete": {"post": 409},  # not started yet: the status refuses, not the role
        "trainer:workshop-publish": {"post": 302},
        "trainer:workshop-cancel": {"post": 302},
    }
    for name, method, args, data in trainer_urls(item, registration):
        if name in ("trainer:workshop-create", "trainer:workshop-edit") and method == "post":
            data = form_data(title="Diubah", trainers=[owner])  # an operator who is no trainer names one
        response = call(client, method, reverse(name, args=args), data)
        assert response.status_code == expected.get(name, {}).get(method, 200), (name, method, form_errors(response))
    item.refresh_from_db()
    assert item.status == Workshop.Status.CANCELLED
    assert item.title == "Diubah"
    others = workshop(trainers=[trainer()], title="Punya Pelatih Lain")
    dashboard = client.get(reverse("trainer:dashboard")).content.decode()
    assert f'data-workshop="{item.pk}"' in dashboard
    assert f'data-workshop="{others.pk}"' in dashboard


def test_a_trainer_sees_only_their_own_workshops(logged_in, owner):
    mine = workshop(trainers=[owner], title="Punya Saya")
    theirs = workshop(trainers=[trainer()], title="Punya Orang")

    html = logged_in.get(reverse("trainer:dashboard")).content.decode()

    assert f'data-workshop="{mine.pk}"' in html
    assert f'data-workshop="{theirs.pk}"' not in html


def test_the_pages_are_indonesian_at_the_root_and_english_under_en(logged_in, owner):
    item = workshop(trainers=[owner])

    indonesian = logged_in.get(reverse("trainer:workshop", args=[item.pk]))
    with translation.override("en"):
        english_url = reverse("trainer:workshop", args=[item.pk])
    english = logged_in.get(english_url)

    assert english_url == f"/en/pelatih/pelatihan/{item.pk}/"
    assert english.status_code == 200
    assert "How far the participants got" in english.content.decode()
    assert "How far the participants got" not in indonesian.content.decode()


# --- Query budgets --------------------------------------------------------------------------------------------


def test_the_dashboard_reads_a_fixed_number_of_queries(logged_in, owner, django_assert_max_num_queries):
    item = workshop(trainers=[owner])
    register(item)
    url = reverse("trainer:dashboard")
    logged_in.get(url)
    with CaptureQueriesContext(connection) as one:
        logged_in.get(url)
    for number in range(4):
        other = workshop(trainers=[owner], status=Workshop.Status.COMPLETED if number % 2 else Workshop.Status.DRAFT)
        register(workshop(trainers=[owner]))
        WorkshopSession.objects.create(
            workshop=other, starts_at=timezone.now() - timedelta(days=3), ends_at=timezone.now() - timedelta(days=2)
        )

    with django_assert_max_num_queries(len(one)):
        response = logged_in.get(url)

    assert response.content.decode().count("data-workshop=") == 9


def test_the_participant_list_reads_a_fixed_number_of_queries(logged_in, owner, django_assert_max_num_queries):
    # One of each kind of row first (participants with shops, one waiting, one invited), then many more.
    item = workshop(capacity=3, trainers=[owner])
    for _ in range(4):
        ApprovedShopFactory(owner=register(item).user)
    WorkshopInvitation.objects.create(workshop=item, email="a@contoh.id", invited_by=owner)
    url = reverse("trainer:participants", args=[item.pk])
    logged_in.get(url)
    with CaptureQueriesContext(connection) as few:
        logged_in.get(url)
    item.capacity = 8
    item.save()
    for _ in range(8):
        registration = register(item)
        shop = ShopFactory(owner=registration.user)
        Shop.objects.filter(pk=shop.pk).update(status=Shop.Status.APPROVED)
    WorkshopInvitation.objects.create(workshop=item, email="b@contoh.id", invited_by=owner)

    with django_assert_max_num_queries(len(few)):
        response = logged_in.get(url)

    assert len(steps_on_page(response.content.decode())) == 8
    assert response.content.decode().count("data-waitlisted=") == 4

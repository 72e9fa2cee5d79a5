"""The public workshop pages at /pelatihan/: the list, a workshop's page with the registration form, registering
(seat, waiting list, refusals), the participant's registration page with the check-in code, cancelling, and
"my workshops"."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import DistrictFactory
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, Workshop, WorkshopSession
from workshops.services import registration_check_in, registration_create

pytestmark = pytest.mark.django_db
Status = Registration.Status

ANSWERS = {"answer-business": "makanan", "answer-online": "yes"}


def _workshop(*, venue_name=None, venue_address=None, questions=None, **fields):
    """The shared builder, with its venue and questions replaced where given."""
    item = workshop(**fields)
    changes = {
        key: value
        for key, value in {"venue_name": venue_name, "venue_address": venue_address, "questions": questions}.items()
        if value is not None
    }
    if changes:
        Workshop.objects.filter(pk=item.pk).update(**changes)
        item.refresh_from_db()
    return item


def _register(item, user=None):
    return registration_create(workshop=item, user=user or VerifiedUserFactory())


def _past_workshop(**fields):
    item = workshop(**fields)
    item.sessions.all().delete()
    starts = timezone.now() - timedelta(days=3)
    WorkshopSession.objects.create(workshop=item, starts_at=starts, ends_at=starts + timedelta(hours=2))
    return item


def _snapshot():
    return sorted(Registration.objects.values_list("pk", "user_id", "status", "answers", "cancelled_at"))


# --- The list ---------------------------------------------------------------------------------------------


def test_the_list_shows_coming_published_workshops_with_seats_left_and_where(client):
    open_one = workshop(capacity=3, title="Foto Produk dengan HP", district=DistrictFactory())
    _register(open_one)
    full = workshop(capacity=1, title="Jualan di Marketplace")
    _register(full)
    online = _workshop(title="Kelas Daring", venue_name="", venue_address="", online_url="https://meet.example/abc")
    workshop(status=Workshop.Status.DRAFT, title="Draf Rahasia")
    workshop(status=Workshop.Status.CANCELLED, title="Batal")
    _past_workshop(title="Sudah Lewat")

    response = client.get("/en/pelatihan/")

    assert response.status_code == 200
    html = response.content.decode()
    assert [card["workshop"].pk for card in response.context["cards"]] == [open_one.pk, full.pk, online.pk]
    assert html.count('class="ws-card"') == 3
    assert f'data-workshop="{open_one.slug}"' in html
    assert 'data-seats-left="2"' in html
    assert 'data-seats-left="0"' in html
    assert "Full — join the waiting list" in html
    assert "Aula Kecamatan Kuta Utara, Kuta Utara" in html
    assert "Online" in html
    assert "WITA" in html
    assert "Register by" in html
    for hidden in ("Draf Rahasia", "Batal", "Sudah Lewat"):
        assert hidden not in html


def test_the_list_shows_every_session_of_a_workshop_in_wita(client):
    item = workshop()
    item.sessions.all().delete()
    # 01:00 and 02:00 UTC the next days are 09:00 and 10:00 WITA.
    day = (timezone.now() + timedelta(days=10)).replace(hour=1, minute=0, second=0, microsecond=0)
    WorkshopSession.objects.create(workshop=item, starts_at=day, ends_at=day + timedelta(hours=3))
    WorkshopSession.objects.create(
        workshop=item, starts_at=day + timedelta(days=1, hours=1), ends_at=day + timedelta(days=1, hours=4)
    )
    html = client.get("/en/pelatihan/").content.decode()
    assert "09:00-12:00 WITA" in html
    assert "10:00-13:00 WITA" in html


def test_the_list_needs_the_same_number_of_queries_for_many_workshops(client):
    coach = trainer()
    workshop(trainers=[coach])
    with CaptureQueriesContext(connection) as few:
        assert client.get("/pelatihan/").status_code == 200
    district = DistrictFactory()
    for _index in range(6):
        item = workshop(trainers=[coach, trainer()], district=district)
        _register(item)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/pelatihan/")
    assert len(response.context["cards"]) == 7
    assert len(many) == len(few)


def test_the_list_query_budget(client, django_assert_max_num_queries):
    for _index in range(12):
        _register(workshop(district=DistrictFactory()))
    with django_assert_max_num_queries(12):
        assert client.get("/pelatihan/").status_code == 200


def test_the_list_is_paginated_by_12(client):
    for _index in range(13):
        workshop()
    first = client.get("/pelatihan/")
    second = client.get("/pelatihan/?page=2")
    assert len(first.context["cards"]) == 12
    assert len(second.context["cards"]) == 1
    assert 'rel="next"' in first.content.decode()


def test_the_list_says_so_when_nothing_is_scheduled(client):
    workshop(status=Workshop.Status.DRAFT)
    response = client.get("/pelatihan/")
    assert response.status_code == 200
    assert "data-empty" in response.content.decode()
    assert response.context["cards"] == []


# --- A workshop's page ------------------------------------------------------------------------------------


def test_drafts_and_unknown_workshops_are_404(client):
    draft = workshop(status=Workshop.Status.DRAFT)
    client.force_login(VerifiedUserFactory())
    assert client.get(f"/pelatihan/{draft.slug}/").status_code == 404
    assert client.get("/pelatihan/tidak-ada/").status_code == 404
    assert client.post(f"/pelatihan/{draft.slug}/daftar/", ANSWERS).status_code == 404
    assert not Registration.objects.exists()


def test_the_page_escapes_the_description_keeps_its_line_breaks_and_names_the_trainers(client):
    coach = trainer()
    item = workshop(
        trainers=[coach],
        description="Bawa HP.\n<script>alert('x')</script>",
        map_url="https://maps.example/aula",
        district=DistrictFactory(),
    )
    response = client.get(f"/en/pelatihan/{item.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Bawa HP.<br>&lt;script&gt;" in html
    assert "<script>alert" not in html
    assert "Jl. Raya Kerobokan No. 1" in html
    assert 'href="https://maps.example/aula" rel="noopener noreferrer"' in html
    assert "Kadek Pelatih" in html
    assert coach.email not in html


def test_an_anonymous_visitor_is_asked_to_sign_in_and_comes_back(client):
    item = workshop()
    html = client.get(f"/pelatihan/{item.slug}/").content.decode()
    assert "data-login-link" in html
    assert f"/akun/login/?next=%2Fpelatihan%2F{item.slug}%2F" in html
    assert "data-registration-form" not in html


def test_a_signed_in_visitor_gets_the_form_built_from_the_questions(client):
    item = _workshop(
        questions=[
            {"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": ["makanan", "kerajinan"]},
            {"key": "online", "label": "Sudah jualan online?", "kind": "yes_no"},
            {"key": "product", "label": "Produk utama", "kind": "text"},
        ]
    )
    client.force_login(VerifiedUserFactory())
    html = client.get(f"/pelatihan/{item.slug}/").content.decode()
    assert "data-registration-form" in html
    assert html.count('type="radio" name="answer-business"') == 2
    assert html.count('type="radio" name="answer-online"') == 2
    assert 'name="answer-product"' in html
    assert 'maxlength="300"' in html
    assert "<legend>Jenis usaha</legend>" in html


def test_the_online_link_is_shown_only_to_someone_with_a_seat(client):
    item = workshop(capacity=1, online_url="https://meet.example/rahasia")
    seated, waiting = VerifiedUserFactory(), VerifiedUserFactory()
    _register(item, seated)
    _register(item, waiting)
    url = f"/pelatihan/{item.slug}/"
    assert "meet.example/rahasia" not in client.get(url).content.decode()
    client.force_login(waiting)
    html = client.get(url).content.decode()
    assert "meet.example/rahasia" not in html
    assert 'data-registration-status="waitlisted"' in html
    assert "data-waitlist-position>1<" in html
    client.force_login(seated)
    html = client.get(url).content.decode()
    assert "meet.example/rahasia" in html
    assert 'data-registration-status="registered"' in html
    assert "data-registration-form" not in html


@pytest.mark.parametrize(
    ("status", "notice"),
    [(Workshop.Status.CANCELLED, "cancelled"), (Workshop.Status.COMPLETED, "completed")],
)
def test_a_cancelled_or_completed_workshop_shows_a_notice_and_no_form(client, status, notice):
    item = workshop(status=status)
    client.force_login(VerifiedUserFactory())
    response = client.get(f"/pelatihan/{item.slug}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert f'data-notice="{notice}"' in html
    assert "data-registration-form" not in html


def test_after_the_deadline_the_page_says_registration_closed_and_shows_no_form(client):
    item = workshop(deadline_days=-1)
    client.force_login(VerifiedUserFactory())
    html = client.get(f"/pelatihan/{item.slug}/").content.decode()
    assert 'data-notice="closed"' in html
    assert "data-registration-form" not in html


def test_a_cancelled_registration_may_register_again(client):
    item = workshop()
    user = VerifiedUserFactory()
    registration = _register(item, user)
    Registration.objects.filter(pk=registration.pk).update(status=Status.CANCELLED, cancelled_at=timezone.now())
    client.force_login(user)
    html = client.get(f"/pelatihan/{item.slug}/").content.decode()
    assert 'data-registration-status="cancelled"' in html
    assert "data-registration-form" in html


# --- Registering ------------------------------------------------------------------------------------------


def test_registering_takes_a_seat_and_leads_to_the_registration_page(client):
    item = workshop(capacity=2)
    user = UserFactory()  # signing in is enough: no verified address needed to register
    client.force_login(user)
    response = client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS)
    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/pelatihan/pendaftaran/{registration.pk}/"
    assert registration.user == user
    assert registration.status == Status.REGISTERED
    assert registration.answers == {"business": "makanan", "online": "yes"}


def test_registering_for_a_full_workshop_joins_the_waiting_list(client):
    item = workshop(capacity=1)
    _register(item)
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/pelatihan/{item.slug}/daftar/", {}, follow=True)
    registration = Registration.objects.get(status=Status.WAITLISTED)
    assert response.redirect_chain == [(f"/pelatihan/pendaftaran/{registration.pk}/", 302)]
    assert 'data-registration-status="waitlisted"' in response.content.decode()
    assert "data-qr" not in response.content.decode()


@pytest.mark.parametrize(
    "answers",
    [
        {"answer-business": "tambang"},
        {"answer-online": "mungkin"},
        {"answer-business": "makanan", "answer-online": "tidak tahu"},
    ],
)
def test_a_bad_answer_is_refused_with_400_and_nothing_changes(client, answers):
    item = workshop()
    _register(item)
    before = _snapshot()
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/pelatihan/{item.slug}/daftar/", answers)
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    assert "data-registration-form" in response.content.decode()
    assert _snapshot() == before


def test_a_too_long_text_answer_is_refused(client):
    item = _workshop(questions=[{"key": "product", "label": "Produk", "kind": "text"}])
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/pelatihan/{item.slug}/daftar/", {"answer-product": "x" * 301})
    assert response.status_code == 400
    assert not Registration.objects.exists()


def test_a_choice_stored_as_a_number_is_answered_with_that_number(client):
    item = _workshop(questions=[{"key": "staff", "label": "Karyawan", "kind": "choice", "choices": [1, 5, 10]}])
    client.force_login(VerifiedUserFactory())
    assert client.post(f"/pelatihan/{item.slug}/daftar/", {"answer-staff": "5"}).status_code == 302
    assert Registration.objects.get().answers == {"staff": 5}


def test_a_field_error_of_the_service_is_shown_on_its_question_with_400(client, monkeypatch):
    item = workshop()

    def refuse(**kwargs):
        raise ValidationError({"business": ["Pilih salah satu."]})

    monkeypatch.setattr("workshops.views.services.registration_create", refuse)
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS)
    assert response.status_code == 400
    assert response.context["form"].errors == {"business": ["Pilih salah satu."]}
    assert not Registration.objects.exists()


def test_registering_after_the_deadline_answers_409_and_changes_nothing(client):
    item = workshop(deadline_days=-1)
    client.force_login(VerifiedUserFactory())
    response = client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS)
    assert response.status_code == 409
    assert "data-conflict" in response.content.decode()
    assert not Registration.objects.exists()


def test_registering_for_a_cancelled_workshop_answers_409(client):
    item = workshop(status=Workshop.Status.CANCELLED)
    client.force_login(VerifiedUserFactory())
    assert client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS).status_code == 409
    assert not Registration.objects.exists()


def test_an_anonymous_visitor_is_sent_to_sign_in_and_nothing_is_registered(client):
    item = workshop()
    response = client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS)
    assert response.status_code == 302
    assert response["Location"] == f"/akun/login/?next=/pelatihan/{item.slug}/"
    assert not Registration.objects.exists()


def test_registering_twice_finds_the_same_registration(client):
    item = workshop()
    client.force_login(VerifiedUserFactory())
    first = client.post(f"/pelatihan/{item.slug}/daftar/", ANSWERS)
    second = client.post(f"/pelatihan/{item.slug}/daftar/", {"answer-business": "kerajinan"})
    registration = Registration.objects.get()
    assert first["Location"] == second["Location"] == f"/pelatihan/pendaftaran/{registration.pk}/"
    assert registration.answers == {"business": "makanan", "online": "yes"}


def test_the_register_url_takes_posts_only(client):
    item = workshop()
    client.force_login(VerifiedUserFactory())
    assert client.get(f"/pelatihan/{item.slug}/daftar/").status_code == 405


# --- The registration page --------------------------------------------------------------------------------


def test_the_registration_page_shows_the_qr_code_and_short_code_to_its_owner(client):
    item = workshop()
    user = VerifiedUserFactory()
    registration = _register(item, user)
    client.force_login(user)
    response = client.get(f"/pelatihan/pendaftaran/{registration.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<figure class="ws-qr" data-qr>' in html
    assert "<svg" in html
    assert f'data-short-code="{registration.short_code}"' in html
    assert 'data-registration-status="registered"' in html
    assert "data-cancel-form" in html
    assert "data-certificate-link" not in html


def test_another_persons_registration_is_404_and_anonymous_visitors_sign_in(client):
    registration = _register(workshop())
    url = f"/pelatihan/pendaftaran/{registration.pk}/"
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/akun/login/?next={url}"
    client.force_login(VerifiedUserFactory())
    response = client.get(url)
    assert response.status_code == 404
    assert registration.short_code not in response.content.decode()
    assert client.get("/pelatihan/pendaftaran/999999/").status_code == 404


def test_a_waitlisted_participant_sees_their_position_and_no_code(client):
    item = workshop(capacity=1)
    _register(item)
    _register(item)
    user = VerifiedUserFactory()
    registration = _register(item, user)
    client.force_login(user)
    html = client.get(f"/pelatihan/pendaftaran/{registration.pk}/").content.decode()
    assert "data-waitlist-position>2<" in html
    assert "data-qr" not in html
    assert "data-short-code" not in html


def test_no_check_in_code_for_a_cancelled_workshop(client):
    item = workshop()
    user = VerifiedUserFactory()
    registration = _register(item, user)
    Workshop.objects.filter(pk=item.pk).update(status=Workshop.Status.CANCELLED)
    client.force_login(user)
    html = client.get(f"/pelatihan/pendaftaran/{registration.pk}/").content.decode()
    assert 'data-notice="cancelled"' in html
    assert "data-qr" not in html
    assert "data-cancel-form" not in html


def test_the_message_after_registering_says_seat_or_waiting_list(client):
    item = workshop(capacity=1)
    client.force_login(VerifiedUserFactory())
    seated = client.post(f"/en/pelatihan/{item.slug}/daftar/", ANSWERS, follow=True).content.decode()
    assert "You have a seat at Jualan Online untuk Pemula" in seated
    client.force_login(VerifiedUserFactory())
    waiting = client.post(f"/en/pelatihan/{item.slug}/daftar/", ANSWERS, follow=True).content.decode()
    assert "you are number 1 on the waiting list" in waiting


def test_once_checked_in_the_page_offers_the_certificate(client):
    coach = trainer()
    item = workshop(trainers=[coach])
    user = VerifiedUserFactory()
    registration = _register(item, user)
    registration_check_in(workshop=item, code=registration.short_code, trainer=coach)
    client.force_login(user)
    html = client.get(f"/en/pelatihan/pendaftaran/{registration.pk}/").content.decode()
    assert "Present since" in html
    assert f'href="/en/pelatihan/pendaftaran/{registration.pk}/sertifikat.pdf" data-certificate-link' in html
    assert "data-cancel-form" not in html


# --- Cancelling -------------------------------------------------------------------------------------------


def test_the_participant_cancels_and_the_next_on_the_waiting_list_gets_the_seat(client):
    item = workshop(capacity=1)
    user = VerifiedUserFactory()
    registration = _register(item, user)
    waiting = _register(item)
    client.force_login(user)
    response = client.post(f"/pelatihan/pendaftaran/{registration.pk}/batal/")
    assert response.status_code == 302
    assert response["Location"] == f"/pelatihan/pendaftaran/{registration.pk}/"
    registration.refresh_from_db()
    waiting.refresh_from_db()
    assert registration.status == Status.CANCELLED
    assert waiting.status == Status.REGISTERED
    assert waiting.promoted_at is not None


def test_nobody_else_cancels_a_registration(client):
    item = workshop(capacity=1)
    registration = _register(item)
    _register(item)
    before = _snapshot()
    url = f"/pelatihan/pendaftaran/{registration.pk}/batal/"
    assert client.post(url).status_code == 302  # anonymous: to the login page
    client.force_login(VerifiedUserFactory())
    assert client.post(url).status_code == 404
    assert client.get(url).status_code == 405
    assert _snapshot() == before


# --- My workshops -----------------------------------------------------------------------------------------


def test_my_workshops_lists_mine_only_coming_first(client):
    user = VerifiedUserFactory()
    past = _past_workshop(title="Kelas Lama")
    Registration.objects.create(workshop=past, user=user, status=Status.REGISTERED)
    later = workshop(title="Kelas Nanti")
    later.sessions.update(starts_at=timezone.now() + timedelta(days=20), ends_at=timezone.now() + timedelta(days=21))
    soon = workshop(title="Kelas Segera")
    later_registration = _register(later, user)
    soon_registration = _register(soon, user)
    _register(workshop(title="Kelas Orang Lain"))
    client.force_login(user)
    response = client.get("/pelatihan/saya/")
    assert response.status_code == 200
    assert [item["registration"].pk for item in response.context["upcoming"]] == [
        soon_registration.pk,
        later_registration.pk,
    ]
    assert [item["workshop"].pk for item in response.context["past"]] == [past.pk]
    assert "Kelas Orang Lain" not in response.content.decode()


def test_my_workshops_needs_a_login_and_a_fixed_number_of_queries(client):
    assert client.get("/pelatihan/saya/").status_code == 302
    user = VerifiedUserFactory()
    _register(workshop(), user)
    client.force_login(user)
    with CaptureQueriesContext(connection) as few:
        client.get("/pelatihan/saya/")
    for _index in range(4):
        _register(workshop(), user)
    with CaptureQueriesContext(connection) as many:
        response = client.get("/pelatihan/saya/")
    assert len(response.context["upcoming"]) == 5
    assert len(many) == len(few)

"""A workshop's life through workshops.services: created as a draft by a trainer, edited, published, cancelled or
completed, and its participants checked in; every refusal leaves the database as it was."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.selectors import user_roles
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, TrainerProfile, Workshop, WorkshopSession
from workshops.selectors import certificate_get
from workshops.services import (
    WorkshopStateError,
    registration_cancel,
    registration_check_in,
    registration_check_in_manual,
    registration_create,
    trainer_revoke,
    workshop_cancel,
    workshop_complete,
    workshop_create,
    workshop_publish,
    workshop_update,
)

pytestmark = pytest.mark.django_db

CERTIFICATE_CODE = re.compile(
    r"^[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{4}$"
)


def in_days(days: float, *, hour: int | None = None):
    moment = timezone.now() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0) if hour is not None else moment


def workshop_data(**overrides) -> dict:
    data = {
        "title": "  Jualan Online & Foto Produk  ",
        "description": "Membuka toko di Pasar UMKM, memotret produk dengan ponsel.",
        "venue_name": "Aula Kecamatan Kuta Utara",
        "venue_address": "Jl. Raya Kerobokan No. 1",
        "district": None,
        "map_url": "",
        "online_url": "",
        "capacity": 20,
        "registration_deadline": in_days(5),
        "questions": [
            {"key": "business", "label": "Jenis usaha", "kind": "choice", "choices": ["makanan", "kerajinan"]},
            {"key": "online", "label": "Sudah jualan online?", "kind": "yes_no"},
        ],
    }
    data.update(overrides)
    return data


def sessions(*starts_in_days: float, hours: int = 3) -> list[dict]:
    result = []
    for days in starts_in_days:
        starts = in_days(days)
        result.append({"starts_at": starts, "ends_at": starts + timedelta(hours=hours)})
    return result


def assert_nothing_written():
    assert Workshop.objects.count() == 0
    assert WorkshopSession.objects.count() == 0


# --- workshop_create ------------------------------------------------------------------------------------


def test_a_trainer_creates_a_draft_with_a_slug_from_the_title_and_is_one_of_its_trainers():
    coach = trainer()
    colleague = trainer()

    item = workshop_create(user=coach, data=workshop_data(), sessions=sessions(8, 7), trainer_ids=[colleague.pk])

    item.refresh_from_db()
    assert item.status == Workshop.Status.DRAFT
    assert item.title == "Jualan Online & Foto Produk"
    assert item.slug == "jualan-online-dan-foto-produk"
    assert item.created_by == coach
    assert set(item.trainers.all()) == {coach, colleague}
    assert item.capacity == 20
    # Sessions are stored in order, whatever order they were given in.
    starts = list(item.sessions.values_list("starts_at", flat=True))
    assert len(starts) == 2
    assert starts == sorted(starts)
    # The same title again gets a free slug.
    again = workshop_create(user=coach, data=workshop_data(), sessions=sessions(8))
    assert again.slug == "jualan-online-dan-foto-produk-2"
    assert list(again.trainers.all()) == [coach]
    assert mail.outbox == []


def test_an_operator_creates_a_workshop_for_trainers_without_being_one():
    operator = make_operator()
    coach = trainer()
    item = workshop_create(
        user=operator,
        data=workshop_data(online_url="https://meet.contoh.id/abc", venue_name="", venue_address=""),
        sessions=sessions(8),
        trainer_ids=[coach.pk],
    )
    assert list(item.trainers.all()) == [coach]
    # An operator must name at least one trainer.
    with pytest.raises(ValidationError) as error:
        workshop_create(user=operator, data=workshop_data(), sessions=sessions(8), trainer_ids=[])
    assert set(error.value.message_dict) == {"trainers"}
    assert Workshop.objects.count() == 1


def test_co_trainers_must_be_active_trainers():
    coach = trainer()
    former = trainer()
    TrainerProfile.objects.filter(user=former).update(is_active=False)
    for other in (former, VerifiedUserFactory()):
        with pytest.raises(ValidationError) as error:
            workshop_create(user=coach, data=workshop_data(), sessions=sessions(8), trainer_ids=[other.pk])
        assert set(error.value.message_dict) == {"trainers"}
    assert_nothing_written()


def test_only_active_trainers_and_operators_create_workshops():
    former = trainer()
    TrainerProfile.objects.filter(user=former).update(is_active=False)
    for user in (VerifiedUserFactory(), UserFactory(), former):
        with pytest.raises(PermissionDenied):
            workshop_create(user=user, data=workshop_data(), sessions=sessions(8))
    assert_nothing_written()


@pytest.mark.parametrize(
    ("data", "given_sessions", "key"),
    [
        ({}, [], "sessions"),
        ({}, [{"starts_at": in_days(8), "ends_at": in_days(8) - timedelta(hours=1)}], "sessions"),
        ({}, [{"starts_at": in_days(8), "ends_at": None}], "sessions"),
        ({"registration_deadline": in_days(9)}, sessions(8), "registration_deadline"),
        ({"venue_name": "", "venue_address": "", "online_url": ""}, sessions(8), "venue_name"),
        ({"venue_address": "", "online_url": ""}, sessions(8), "venue_name"),
        ({"questions": [{"key": "x", "label": "", "kind": "text"}]}, sessions(8), "questions"),
        ({"questions": [{"key": "x", "label": "Apa?", "kind": "essay"}]}, sessions(8), "questions"),
        ({"questions": [{"key": "x", "label": "Pilih", "kind": "choice", "choices": ["a"]}]}, sessions(8), "questions"),
        (
            {"questions": [{"key": "x", "label": "A", "kind": "text"}, {"key": "x", "label": "B", "kind": "text"}]},
            sessions(8),
            "questions",
        ),
        ({"questions": "not a list"}, sessions(8), "questions"),
        ({"title": "   "}, sessions(8), "title"),
        ({"online_url": "bukan tautan"}, sessions(8), "online_url"),
    ],
)
def test_bad_input_is_refused_with_an_error_on_the_field_and_nothing_is_written(data, given_sessions, key):
    coach = trainer()
    with pytest.raises(ValidationError) as error:
        workshop_create(user=coach, data=workshop_data(**data), sessions=given_sessions)
    assert key in error.value.message_dict, error.value.message_dict
    assert_nothing_written()
    assert mail.outbox == []


def test_a_capacity_of_zero_is_an_error_on_capacity():
    with pytest.raises(ValidationError) as error:
        workshop_create(user=trainer(), data=workshop_data(capacity=0), sessions=sessions(8))
    assert set(error.value.message_dict) == {"capacity"}


def test_a_capacity_of_zero_is_refused_and_nothing_is_written():
    with pytest.raises(ValidationError):
        workshop_create(user=trainer(), data=workshop_data(capacity=0), sessions=sessions(8))
    assert_nothing_written()


# --- workshop_update ------------------------------------------------------------------------------------


def full_workshop(coach, *, capacity=2, seated=2, waiting=2):
    item = workshop(capacity=capacity, trainers=[coach])
    people = [VerifiedUserFactory() for _ in range(seated + waiting)]
    for person in people:
        registration_create(workshop=item, user=person)
    mail.outbox.clear()
    return item, people


def test_the_capacity_cannot_drop_below_the_seats_taken():
    coach = trainer()
    item, _people = full_workshop(coach, capacity=3, seated=3, waiting=0)
    with pytest.raises(ValidationError) as error:
        workshop_update(workshop=item, user=coach, data={"capacity": 2, "title": "Judul Baru"})
    assert set(error.value.message_dict) == {"capacity"}
    item.refresh_from_db()
    assert (item.capacity, item.title) == (3, "Jualan Online untuk Pemula")
    # Down to exactly the seats taken is fine.
    workshop_update(workshop=item, user=coach, data={"capacity": 3})


def test_raising_the_capacity_seats_the_waiting_list_in_order_and_mails_them():
    coach = trainer()
    item, people = full_workshop(coach, capacity=2, seated=2, waiting=3)

    workshop_update(workshop=item, user=coach, data={"capacity": 4})

    statuses = [Registration.objects.get(workshop=item, user=person).status for person in people]
    assert statuses == ["registered"] * 4 + ["waitlisted"]
    promoted = Registration.objects.filter(workshop=item, promoted_at__isnull=False)
    assert set(promoted.values_list("user_id", flat=True)) == {people[2].pk, people[3].pk}
    assert sorted(message.to[0] for message in mail.outbox) == sorted([people[2].email, people[3].email])


def test_sessions_given_replace_the_old_ones_and_sessions_left_out_stay():
    coach = trainer()
    item = workshop(trainers=[coach])
    old = list(item.sessions.values_list("pk", flat=True))

    workshop_update(workshop=item, user=coach, data={"description": "Baru"})
    assert list(item.sessions.values_list("pk", flat=True)) == old

    new_sessions = sessions(10, 9)
    workshop_update(workshop=item, user=coach, data={}, sessions=new_sessions)
    stored = list(item.sessions.values_list("starts_at", "ends_at"))
    assert stored == sorted((s["starts_at"], s["ends_at"]) for s in new_sessions)
    assert not WorkshopSession.objects.filter(pk__in=old).exists()

    # Bad sessions leave the current ones in place.
    with pytest.raises(ValidationError) as error:
        workshop_update(workshop=item, user=coach, data={}, sessions=[])
    assert set(error.value.message_dict) == {"sessions"}
    assert list(item.sessions.values_list("starts_at", "ends_at")) == stored


def test_a_trainer_who_replaces_the_trainers_stays_one_of_them():
    coach = trainer()
    colleague = trainer()
    item = workshop(trainers=[coach])
    workshop_update(workshop=item, user=coach, data={}, trainer_ids=[colleague.pk])
    assert set(item.trainers.all()) == {coach, colleague}


def test_a_cancelled_or_completed_workshop_can_no_longer_be_changed():
    coach = trainer()
    for status in (Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        item = workshop(status=status, trainers=[coach])
        with pytest.raises(WorkshopStateError):
            workshop_update(workshop=item, user=coach, data={"title": "Lain"})
        item.refresh_from_db()
        assert item.title == "Jualan Online untuk Pemula"


def test_only_the_workshops_trainers_and_operators_edit_it():
    coach = trainer()
    item = workshop(trainers=[coach])
    for stranger in (trainer(), VerifiedUserFactory()):
        with pytest.raises(PermissionDenied):
            workshop_update(workshop=item, user=stranger, data={"title": "Diambil alih"})
    item.refresh_from_db()
    assert item.title == "Jualan Online untuk Pemula"
    workshop_update(workshop=item, user=make_operator(), data={"title": "Diubah operator"})
    item.refresh_from_db()
    assert item.title == "Diubah operator"


# --- publish, cancel, complete --------------------------------------------------------------------------


def test_publishing_a_draft_needs_a_session_still_to_come():
    coach = trainer()
    draft = workshop_create(user=coach, data=workshop_data(), sessions=sessions(8))
    assert workshop_publish(workshop=draft, user=coach).status == Workshop.Status.PUBLISHED
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.PUBLISHED
    # Publishing again is harmless.
    assert workshop_publish(workshop=draft, user=coach).status == Workshop.Status.PUBLISHED

    past = workshop(status=Workshop.Status.DRAFT, trainers=[coach], deadline_days=-3)
    past.sessions.update(starts_at=in_days(-2), ends_at=in_days(-2) + timedelta(hours=2))
    with pytest.raises(ValidationError) as error:
        workshop_publish(workshop=past, user=coach)
    assert set(error.value.message_dict) == {"sessions"}
    past.refresh_from_db()
    assert past.status == Workshop.Status.DRAFT

    empty = workshop(status=Workshop.Status.DRAFT, trainers=[coach])
    empty.sessions.all().delete()
    with pytest.raises(ValidationError):
        workshop_publish(workshop=empty, user=coach)

    for status in (Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        with pytest.raises(WorkshopStateError):
            workshop_publish(workshop=workshop(status=status, trainers=[coach]), user=coach)
    with pytest.raises(PermissionDenied):
        workshop_publish(workshop=workshop(status=Workshop.Status.DRAFT), user=coach)


def test_cancelling_mails_everyone_registered_or_waiting_but_not_those_who_cancelled():
    coach = trainer()
    item = workshop(capacity=1, trainers=[coach])
    seated, waiting, gone = (VerifiedUserFactory() for _ in range(3))
    registration_create(workshop=item, user=seated)
    registration_create(workshop=item, user=waiting)
    registration_cancel(registration=registration_create(workshop=item, user=gone), user=gone)
    mail.outbox.clear()

    workshop_cancel(workshop=item, user=coach, reason="  Aula dipakai untuk upacara.  ")

    item.refresh_from_db()
    assert item.status == Workshop.Status.CANCELLED
    assert item.cancelled_at is not None
    assert sorted(message.to[0] for message in mail.outbox) == sorted([seated.email, waiting.email])
    assert all("Aula dipakai untuk upacara." in message.body for message in mail.outbox)
    # The registrations stay as they were, for the record.
    assert dict(Registration.objects.values_list("user_id", "status")) == {
        seated.pk: "registered",
        waiting.pk: "waitlisted",
        gone.pk: "cancelled",
    }
    # Twice is harmless: no second mail, the first time stays.
    cancelled_at = item.cancelled_at
    mail.outbox.clear()
    workshop_cancel(workshop=item, user=coach)
    item.refresh_from_db()
    assert item.cancelled_at == cancelled_at
    assert mail.outbox == []


def test_cancelling_a_draft_mails_nobody_and_a_completed_workshop_cannot_be_cancelled():
    coach = trainer()
    draft = workshop_create(user=coach, data=workshop_data(), sessions=sessions(8))
    workshop_cancel(workshop=draft, user=coach)
    draft.refresh_from_db()
    assert draft.status == Workshop.Status.CANCELLED
    assert mail.outbox == []

    done = workshop(status=Workshop.Status.COMPLETED, trainers=[coach])
    with pytest.raises(WorkshopStateError):
        workshop_cancel(workshop=done, user=coach)
    done.refresh_from_db()
    assert done.status == Workshop.Status.COMPLETED

    with pytest.raises(PermissionDenied):
        workshop_cancel(workshop=workshop(), user=VerifiedUserFactory())
    assert Workshop.objects.filter(status=Workshop.Status.CANCELLED).count() == 1


def test_a_workshop_is_completed_only_once_it_has_started():
    coach = trainer()
    item = workshop(trainers=[coach])
    with pytest.raises(WorkshopStateError):
        workshop_complete(workshop=item, user=coach)
    item.refresh_from_db()
    assert item.status == Workshop.Status.PUBLISHED

    item.sessions.update(starts_at=in_days(-0.1), ends_at=in_days(0.05))
    with pytest.raises(PermissionDenied):
        workshop_complete(workshop=item, user=trainer())
    assert workshop_complete(workshop=item, user=coach).status == Workshop.Status.COMPLETED
    assert workshop_complete(workshop=item, user=coach).status == Workshop.Status.COMPLETED  # harmless twice

    draft = workshop(status=Workshop.Status.DRAFT, trainers=[coach])
    draft.sessions.update(starts_at=in_days(-0.1), ends_at=in_days(0.05))
    with pytest.raises(WorkshopStateError):
        workshop_complete(workshop=draft, user=coach)


# --- Check-in and the certificate code ------------------------------------------------------------------


def test_check_in_gives_a_certificate_code_that_stays_on_a_second_check_in():
    coach = trainer()
    item = workshop(trainers=[coach])
    registration = registration_create(workshop=item, user=VerifiedUserFactory())
    assert registration.certificate_code is None

    checked, already = registration_check_in(workshop=item, code=registration.short_code, trainer=coach)
    assert already is False
    code = Registration.objects.get(pk=registration.pk).certificate_code
    assert CERTIFICATE_CODE.match(code), code
    assert checked.certificate_code == code

    _checked, already = registration_check_in(workshop=item, code=registration.qr_secret, trainer=coach)
    assert already is True
    assert Registration.objects.get(pk=registration.pk).certificate_code == code

    other = registration_create(workshop=item, user=VerifiedUserFactory())
    registration_check_in(workshop=item, code=other.qr_secret, trainer=coach)
    assert Registration.objects.get(pk=other.pk).certificate_code not in (None, code)

    # The code finds the attendance, typed in any case, with or without dashes.
    for typed in (code, code.lower(), code.replace("-", ""), f" {code.lower()} "):
        assert certificate_get(code=typed).pk == registration.pk
    assert certificate_get(code="2345-6789-ABCD" if code != "2345-6789-ABCD" else "ABCD-2345-6789") is None
    assert certificate_get(code="") is None


def test_manual_check_in_by_the_trainer():
    coach = trainer()
    item = workshop(capacity=1, trainers=[coach])
    seated = registration_create(workshop=item, user=VerifiedUserFactory())
    waiting = registration_create(workshop=item, user=VerifiedUserFactory())

    checked, already = registration_check_in_manual(registration=seated, trainer=coach)
    assert (checked.pk, already, checked.checked_in_by) == (seated.pk, False, coach)
    assert CERTIFICATE_CODE.match(Registration.objects.get(pk=seated.pk).certificate_code)
    assert registration_check_in_manual(registration=seated, trainer=coach)[1] is True

    with pytest.raises(ValidationError) as error:
        registration_check_in_manual(registration=waiting, trainer=coach)
    assert set(error.value.message_dict) == {"code"}
    with pytest.raises(PermissionDenied):
        registration_check_in_manual(registration=waiting, trainer=trainer())
    waiting.refresh_from_db()
    assert (waiting.checked_in_at, waiting.certificate_code) == (None, None)


# --- The trainer role taken away ------------------------------------------------------------------------


def test_a_revoked_trainer_can_no_longer_manage_their_workshops_and_loses_the_role():
    coach = trainer()
    item = workshop(trainers=[coach])
    registration = registration_create(workshop=item, user=VerifiedUserFactory())
    assert "trainer" in user_roles(user=coach)
    with pytest.raises(PermissionDenied):
        trainer_revoke(user=coach, operator=VerifiedUserFactory())
    assert "trainer" in user_roles(user=coach)

    trainer_revoke(user=coach, operator=make_operator())

    assert "trainer" not in user_roles(user=coach)
    for action in (
        lambda: workshop_update(workshop=item, user=coach, data={"title": "Masih bisa?"}),
        lambda: workshop_cancel(workshop=item, user=coach),
        lambda: registration_check_in(workshop=item, code=registration.short_code, trainer=coach),
        lambda: workshop_create(user=coach, data=workshop_data(), sessions=sessions(8)),
    ):
        with pytest.raises(PermissionDenied):
            action()
    item.refresh_from_db()
    assert (item.title, item.status) == ("Jualan Online untuk Pemula", Workshop.Status.PUBLISHED)
    assert Registration.objects.get(pk=registration.pk).checked_in_at is None
    # Their workshops stay theirs (operators reassign them).
    assert list(item.trainers.all()) == [coach]


def test_a_title_without_letters_gets_a_fallback_slug_and_fields_outside_the_form_are_ignored():
    coach = trainer()
    item = workshop_create(
        user=coach,
        data=workshop_data(title="!!!", status="published", slug="pilihan-sendiri", created_by=None),
        sessions=sessions(8),
    )
    item.refresh_from_db()
    assert (item.slug, item.status, item.created_by) == ("pelatihan", Workshop.Status.DRAFT, coach)

    workshop_update(workshop=item, user=coach, data={"status": "completed", "slug": "lain", "capacity": 5})
    item.refresh_from_db()
    assert (item.slug, item.status, item.capacity) == ("pelatihan", Workshop.Status.DRAFT, 5)


def test_nobody_is_checked_in_to_a_cancelled_workshop():
    coach = trainer()
    item = workshop(trainers=[coach])
    registration = registration_create(workshop=item, user=VerifiedUserFactory())
    workshop_cancel(workshop=item, user=coach)
    with pytest.raises(WorkshopStateError):
        registration_check_in(workshop=item, code=registration.short_code, trainer=coach)
    registration.refresh_from_db()
    assert (registration.checked_in_at, registration.certificate_code) == (None, None)

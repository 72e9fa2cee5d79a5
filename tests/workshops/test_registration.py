"""Registration, the waiting list and check-in (workshops.services), through the services a page or the API
calls: capacity under a race on PostgreSQL, promotion with its mail, and every refusal changing nothing."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories.accounts import VerifiedUserFactory
from tests.orders.test_concurrency import run_together
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, TrainerProfile, Workshop
from workshops.services import (
    WorkshopStateError,
    registration_cancel,
    registration_check_in,
    registration_create,
    trainer_grant,
)

pytestmark = pytest.mark.django_db


def test_the_first_come_get_seats_the_rest_wait_and_are_mailed_only_with_a_seat():
    item = workshop(capacity=2)
    users = [VerifiedUserFactory() for _ in range(3)]
    results = [registration_create(workshop=item, user=user, answers={"business": "makanan"}) for user in users]
    assert [r.status for r in results] == ["registered", "registered", "waitlisted"]
    assert results[0].answers == {"business": "makanan"}
    assert [message.to for message in mail.outbox] == [[users[0].email], [users[1].email]]
    assert results[0].short_code in mail.outbox[0].body
    assert len(results[0].qr_secret) >= 32
    # Registering again finds the same registration.
    assert registration_create(workshop=item, user=users[0]).pk == results[0].pk
    assert Registration.objects.count() == 3


def test_a_cancellation_hands_the_seat_to_the_oldest_waitlisted_and_mails_them():
    item = workshop(capacity=1)
    first, second, third = (VerifiedUserFactory() for _ in range(3))
    seat = registration_create(workshop=item, user=first)
    registration_create(workshop=item, user=second)
    registration_create(workshop=item, user=third)
    mail.outbox.clear()

    registration_cancel(registration=seat, user=first)

    statuses = dict(Registration.objects.values_list("user_id", "status"))
    assert statuses == {first.pk: "cancelled", second.pk: "registered", third.pk: "waitlisted"}
    promoted = Registration.objects.get(user=second)
    assert promoted.promoted_at is not None
    (message,) = mail.outbox
    assert message.to == [second.email]
    assert "Jualan Online untuk Pemula" in message.subject
    # Cancelling twice is harmless; re-registering queues at the back.
    registration_cancel(registration=seat, user=first)
    assert registration_create(workshop=item, user=first).status == "waitlisted"
    registration_cancel(registration=Registration.objects.get(user=second), user=second)
    assert Registration.objects.get(user=third).status == "registered"


def test_registration_refused_for_drafts_after_the_deadline_and_for_bad_answers():
    user = VerifiedUserFactory()
    for item in (workshop(status=Workshop.Status.DRAFT), workshop(deadline_days=-1)):
        with pytest.raises(WorkshopStateError):
            registration_create(workshop=item, user=user)
    with pytest.raises(ValidationError) as error:
        registration_create(workshop=workshop(), user=user, answers={"business": "tambang", "online": "mungkin"})
    assert set(error.value.message_dict) == {"business", "online"}
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_only_the_participant_a_trainer_of_the_workshop_or_an_operator_cancels():
    coach = trainer()
    item = workshop(trainers=[coach])
    registration = registration_create(workshop=item, user=VerifiedUserFactory())
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, user=VerifiedUserFactory())
    with pytest.raises(PermissionDenied):
        registration_cancel(registration=registration, user=trainer())  # a trainer of another workshop
    registration.refresh_from_db()
    assert registration.status == "registered"
    registration_cancel(registration=registration, user=coach)
    registration.refresh_from_db()
    assert registration.status == "cancelled"


def test_check_in_by_qr_secret_or_typed_code_and_twice_is_harmless():
    coach = trainer()
    item = workshop(trainers=[coach])
    one = registration_create(workshop=item, user=VerifiedUserFactory())
    two = registration_create(workshop=item, user=VerifiedUserFactory())

    checked, again = registration_check_in(workshop=item, code=one.qr_secret, trainer=coach)
    assert (checked.pk, again) == (one.pk, False)
    assert checked.checked_in_by == coach
    first_time = Registration.objects.get(pk=one.pk).checked_in_at
    checked, again = registration_check_in(workshop=item, code=one.qr_secret, trainer=coach)
    assert again is True
    assert Registration.objects.get(pk=one.pk).checked_in_at == first_time
    checked, again = registration_check_in(workshop=item, code=f" {two.short_code.lower()} ", trainer=coach)
    assert (checked.pk, again) == (two.pk, False)


def test_check_in_refuses_other_workshops_unknown_codes_waitlisted_people_and_strangers():
    coach = trainer()
    item = workshop(capacity=1, trainers=[coach])
    other = workshop(title="Foto Produk dengan Ponsel", slug="foto-produk", trainers=[coach])
    seat = registration_create(workshop=item, user=VerifiedUserFactory())
    waiting = registration_create(workshop=item, user=VerifiedUserFactory())
    elsewhere = registration_create(workshop=other, user=VerifiedUserFactory())

    with pytest.raises(ValidationError) as error:
        registration_check_in(workshop=item, code=elsewhere.qr_secret, trainer=coach)
    assert "Foto Produk dengan Ponsel" in str(error.value.message_dict["code"])
    for code in ("ZZZZZZ", "", waiting.qr_secret):
        with pytest.raises(ValidationError):
            registration_check_in(workshop=item, code=code, trainer=coach)
    for stranger in (VerifiedUserFactory(), trainer()):
        with pytest.raises(PermissionDenied):
            registration_check_in(workshop=item, code=seat.qr_secret, trainer=stranger)
    assert not Registration.objects.filter(checked_in_at__isnull=False).exists()
    # An operator may check anyone in.
    assert registration_check_in(workshop=item, code=seat.short_code, trainer=make_operator())[1] is False


def test_operators_grant_the_trainer_role_and_nobody_else_can():
    user = VerifiedUserFactory()
    with pytest.raises(PermissionDenied):
        trainer_grant(user=user, operator=VerifiedUserFactory())
    assert not TrainerProfile.objects.exists()
    operator = make_operator()
    profile = trainer_grant(user=user, operator=operator)
    assert (profile.user, profile.granted_by, profile.is_active) == (user, operator, True)
    assert trainer_grant(user=user, operator=operator).pk == profile.pk


@pytest.mark.django_db(transaction=True)
def test_thirty_people_racing_for_the_last_three_seats(postgres):
    item = workshop(capacity=5)
    for _ in range(2):
        registration_create(workshop=item, user=VerifiedUserFactory())
    racers = [VerifiedUserFactory() for _ in range(30)]

    outcomes = run_together([lambda user=user: registration_create(workshop=item, user=user) for user in racers])

    assert not [outcome for outcome in outcomes if isinstance(outcome, Exception)], outcomes
    assert sorted(outcome.status for outcome in outcomes).count("registered") == 3
    assert Registration.objects.filter(workshop=item, status="registered").count() == 5
    assert Registration.objects.filter(workshop=item, status="waitlisted").count() == 27

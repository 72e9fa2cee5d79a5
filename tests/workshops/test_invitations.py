"""A trainer adds a participant by email (workshops.services.participant_invite): someone with a verified account is
registered at once; anyone else is invited to sign up and registered when they confirm the address through
allauth's real signup and confirmation pages."""

from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from accounts.models import User
from tests.accounts.helpers import link_in_mail
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.payments.conftest import make_operator
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration, Workshop, WorkshopInvitation
from workshops.services import WorkshopStateError, participant_invite, workshop_cancel

pytestmark = pytest.mark.django_db

PASSWORD = "kopi-bali-enak-2026"


def sign_up_and_confirm(client, email: str, *, full_name: str = "Ni Komang Ayu Lestari") -> User:
    """What the invited person does: open the sign-up link from the invitation, sign up, confirm the address
    with the link allauth mails them."""
    invitation_mail = mail.outbox[-1]
    signup_link = next(word for word in invitation_mail.body.split() if "/akun/signup/" in word)
    parts = urlsplit(signup_link)
    path = f"{parts.path}?{parts.query}" if parts.query else parts.path
    assert client.get(path).status_code == 200
    mail.outbox.clear()
    response = client.post(
        path,
        {"full_name": full_name, "email": email, "phone": "", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302, response.context["form"].errors if response.context else response
    (verification,) = mail.outbox
    assert verification.to == [email.lower()]
    confirmation_link = link_in_mail(verification)
    mail.outbox.clear()
    assert client.post(confirmation_link).status_code == 302
    user = User.objects.get(email=email.lower())
    assert EmailAddress.objects.get(user=user).verified is True
    return user


# --- Someone with an account ---------------------------------------------------------------------------


def test_a_verified_account_is_registered_at_once_even_after_the_deadline():
    coach = trainer()
    item = workshop(trainers=[coach], deadline_days=-1)
    participant = VerifiedUserFactory(email="ani@contoh.id")

    result = participant_invite(workshop=item, user=coach, email="  ANI@Contoh.ID ")

    assert isinstance(result, Registration)
    registration = Registration.objects.get()
    assert (registration.pk, registration.user, registration.status) == (result.pk, participant, "registered")
    assert registration.added_by == coach
    assert not WorkshopInvitation.objects.exists()
    assert [message.to for message in mail.outbox] == [["ani@contoh.id"]]
    assert registration.short_code in mail.outbox[0].body
    # Adding them again changes nothing.
    assert participant_invite(workshop=item, user=coach, email="ani@contoh.id").pk == registration.pk
    assert Registration.objects.count() == 1


def test_a_verified_account_added_to_a_full_workshop_waits_for_a_seat():
    coach = trainer()
    item = workshop(capacity=1, trainers=[coach])
    participant_invite(workshop=item, user=coach, email=VerifiedUserFactory().email)
    mail.outbox.clear()
    waiting = participant_invite(workshop=item, user=coach, email=VerifiedUserFactory().email)
    assert waiting.status == "waitlisted"
    assert mail.outbox == []


def test_an_operator_may_add_participants_too():
    item = workshop()
    participant = VerifiedUserFactory()
    operator = make_operator()
    registration = participant_invite(workshop=item, user=operator, email=participant.email)
    assert (registration.user, registration.added_by) == (participant, operator)


# --- Someone without an account ------------------------------------------------------------------------


def test_an_unknown_address_gets_an_invitation_with_the_sign_up_link():
    coach = trainer()
    item = workshop(trainers=[coach])

    result = participant_invite(workshop=item, user=coach, email=" Komang.Ayu@Contoh.ID ")

    assert isinstance(result, WorkshopInvitation)
    invitation = WorkshopInvitation.objects.get()
    assert (invitation.pk, invitation.email, invitation.invited_by) == (result.pk, "komang.ayu@contoh.id", coach)
    assert (invitation.registration, invitation.accepted_at) == (None, None)
    assert not Registration.objects.exists()
    (message,) = mail.outbox
    assert message.to == ["komang.ayu@contoh.id"]
    signup_url = f"{settings.SITE_URL}{reverse('account_signup')}?next={reverse('workshops:detail', args=[item.slug])}"
    assert signup_url in message.body
    assert "Jualan Online untuk Pemula" in message.subject + message.body


def test_an_account_not_yet_verified_is_invited_not_registered():
    coach = trainer()
    item = workshop(trainers=[coach])
    UserFactory(email="belum@contoh.id")
    EmailAddress.objects.create(user=User.objects.get(email="belum@contoh.id"), email="belum@contoh.id")
    assert isinstance(participant_invite(workshop=item, user=coach, email="belum@contoh.id"), WorkshopInvitation)
    assert not Registration.objects.exists()


def test_signing_up_and_confirming_the_invited_address_registers_them(client):
    coach = trainer()
    item = workshop(trainers=[coach], deadline_days=-1)  # registration has closed meanwhile: still registered
    invitation = participant_invite(workshop=item, user=coach, email="komang.ayu@contoh.id")

    user = sign_up_and_confirm(client, "Komang.Ayu@contoh.id")

    registration = Registration.objects.get()
    assert (registration.workshop, registration.user, registration.status) == (item, user, "registered")
    assert registration.added_by == coach
    invitation.refresh_from_db()
    assert invitation.registration == registration
    assert invitation.accepted_at is not None
    # Their seat is confirmed by mail, with the check-in code.
    (message,) = mail.outbox
    assert message.to == ["komang.ayu@contoh.id"]
    assert registration.short_code in message.body


def test_signing_up_does_not_register_before_the_address_is_confirmed(client):
    coach = trainer()
    item = workshop(trainers=[coach])
    participant_invite(workshop=item, user=coach, email="komang.ayu@contoh.id")
    response = client.post(
        reverse("account_signup"),
        {"full_name": "Komang", "email": "komang.ayu@contoh.id", "password1": PASSWORD, "password2": PASSWORD},
    )
    assert response.status_code == 302
    assert User.objects.filter(email="komang.ayu@contoh.id").exists()
    assert not Registration.objects.exists()
    assert WorkshopInvitation.objects.get().accepted_at is None


def test_inviting_twice_keeps_one_invitation():
    coach = trainer()
    item = workshop(trainers=[coach])
    first = participant_invite(workshop=item, user=coach, email="komang.ayu@contoh.id")
    second = participant_invite(workshop=item, user=coach, email="KOMANG.AYU@contoh.id")
    assert first.pk == second.pk
    assert WorkshopInvitation.objects.count() == 1
    assert [message.to for message in mail.outbox] == [["komang.ayu@contoh.id"]] * 2
    # The same address invited to another workshop is another invitation.
    participant_invite(workshop=workshop(trainers=[coach]), user=coach, email="komang.ayu@contoh.id")
    assert WorkshopInvitation.objects.count() == 2


def test_invitations_to_two_workshops_both_become_registrations(client):
    coach = trainer()
    one, two = workshop(trainers=[coach]), workshop(trainers=[coach])
    participant_invite(workshop=one, user=coach, email="komang.ayu@contoh.id")
    participant_invite(workshop=two, user=coach, email="komang.ayu@contoh.id")
    user = sign_up_and_confirm(client, "komang.ayu@contoh.id")
    assert set(Registration.objects.filter(user=user).values_list("workshop_id", flat=True)) == {one.pk, two.pk}
    assert not WorkshopInvitation.objects.filter(accepted_at__isnull=True).exists()


# --- Refusals ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("email", ["", "   ", "ani", "ani@", "ani @contoh.id", "ani@@contoh.id"])
def test_a_bad_address_is_refused_and_nothing_is_written(email):
    coach = trainer()
    item = workshop(trainers=[coach])
    with pytest.raises(ValidationError) as error:
        participant_invite(workshop=item, user=coach, email=email)
    assert set(error.value.message_dict) == {"email"}
    assert not WorkshopInvitation.objects.exists()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_only_the_workshops_trainers_and_operators_add_participants():
    item = workshop(trainers=[trainer()])
    participant = VerifiedUserFactory()
    for stranger in (VerifiedUserFactory(), trainer(), participant):
        for email in (participant.email, "orang.baru@contoh.id"):
            with pytest.raises(PermissionDenied):
                participant_invite(workshop=item, user=stranger, email=email)
    assert not WorkshopInvitation.objects.exists()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_participants_are_added_to_published_workshops_only():
    coach = trainer()
    participant = VerifiedUserFactory()
    for status in (Workshop.Status.DRAFT, Workshop.Status.CANCELLED, Workshop.Status.COMPLETED):
        item = workshop(status=status, trainers=[coach])
        for email in (participant.email, "orang.baru@contoh.id"):
            with pytest.raises(WorkshopStateError):
                participant_invite(workshop=item, user=coach, email=email)
    assert not WorkshopInvitation.objects.exists()
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_a_cancelled_workshops_invitation_does_not_become_a_registration(client):
    coach = trainer()
    item = workshop(trainers=[coach])
    participant_invite(workshop=item, user=coach, email="komang.ayu@contoh.id")
    invitation_mail = mail.outbox[-1]
    workshop_cancel(workshop=item, user=coach, reason="Hujan lebat.")
    mail.outbox[:] = [invitation_mail]

    user = sign_up_and_confirm(client, "komang.ayu@contoh.id")

    assert not Registration.objects.filter(user=user).exists()
    invitation = WorkshopInvitation.objects.get()
    assert (invitation.registration, invitation.accepted_at) == (None, None)
    assert mail.outbox == []

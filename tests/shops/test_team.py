"""The team services: the owner invites staff by email, the invitee accepts with a verified address, the owner
revokes invitations and removes members."""

import hashlib
import re
import threading
import time
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.conf import settings
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.forms.models import model_to_dict
from django.utils import timezone

from shops.models import Shop, ShopInvitation, ShopMember
from shops.services import team
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopInvitationFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://\S+/penjual/undangan/(?P<token>[A-Za-z0-9_-]+)/")


@pytest.fixture
def owner():
    return VerifiedUserFactory(full_name="Made Wirawan", email="made@contoh.id")


@pytest.fixture
def shop(owner):
    return ApprovedShopFactory(owner=owner, name="Warung Bu Made")


def token_from(message) -> str:
    return LINK.search(message.body)["token"]


def invitation_rows() -> list[dict]:
    return [model_to_dict(row) for row in ShopInvitation.objects.order_by("pk")]


def member_rows() -> list[tuple]:
    return list(ShopMember.objects.order_by("pk").values_list("shop_id", "user_id", "role"))


def invitee(email="ani@contoh.id", **kwargs):
    return VerifiedUserFactory(email=email, **kwargs)


def codes(excinfo) -> list[str]:
    error = excinfo.value
    if hasattr(error, "error_dict"):
        return sorted(item.code for items in error.error_dict.values() for item in items)
    return [item.code for item in error.error_list]


# --- Inviting -----------------------------------------------------------------------------------------------


def test_owner_invites_by_email_and_the_invitee_gets_the_link_by_mail(shop, owner):
    before = timezone.now()

    invitation = team.invitation_create(shop=shop, actor=owner, email="  Ani@Contoh.ID ")

    invitation.refresh_from_db()
    assert (invitation.shop, invitation.email, invitation.invited_by) == (shop, "ani@contoh.id", owner)
    assert (invitation.accepted_at, invitation.accepted_by, invitation.revoked_at) == (None, None, None)
    assert before + timedelta(days=7) <= invitation.expires_at <= timezone.now() + timedelta(days=7)
    [message] = mail.outbox
    assert message.to == ["ani@contoh.id"]
    assert "Warung Bu Made" in message.subject
    assert "Made Wirawan" in message.body
    token = token_from(message)
    assert f"{settings.SITE_URL}/penjual/undangan/{token}/" in message.body
    assert invitation.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(model_to_dict(invitation))


def test_the_token_is_random_and_long(shop, owner):
    first = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")
    second = team.invitation_create(shop=shop, actor=owner, email="budi@contoh.id")

    assert first.token != second.token
    assert len(first.token) >= 43


@pytest.mark.parametrize("role", ["staff", "outsider"])
def test_only_the_owner_can_invite(shop, role):
    actor = ShopMemberFactory(shop=shop).user if role == "staff" else VerifiedUserFactory()

    with pytest.raises(PermissionDenied):
        team.invitation_create(shop=shop, actor=actor, email="ani@contoh.id")

    assert ShopInvitation.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("email", ["", "   ", "bukan email", "ani@", "@contoh.id", "ani@contoh.id" + "x" * 250])
def test_an_invalid_address_is_refused_and_nothing_is_sent(shop, owner, email):
    with pytest.raises(ValidationError) as excinfo:
        team.invitation_create(shop=shop, actor=owner, email=email)

    assert list(excinfo.value.message_dict) == ["email"]
    assert ShopInvitation.objects.count() == 0
    assert mail.outbox == []


def test_the_owner_cannot_invite_themself_by_any_of_their_addresses(shop, owner):
    EmailAddress.objects.create(user=owner, email="made.kantor@contoh.id", verified=True)

    for email in ("MADE@contoh.id", "made.kantor@CONTOH.id"):
        with pytest.raises(ValidationError) as excinfo:
            team.invitation_create(shop=shop, actor=owner, email=email)
        assert codes(excinfo) == ["self"]

    assert ShopInvitation.objects.count() == 0
    assert mail.outbox == []


def test_someone_already_in_the_team_cannot_be_invited(shop, owner):
    staff = ShopMemberFactory(shop=shop, user=VerifiedUserFactory(email="ani@contoh.id")).user
    EmailAddress.objects.create(user=staff, email="ani.lain@contoh.id", verified=False)

    for email in ("Ani@contoh.id", "ani.lain@contoh.id"):
        with pytest.raises(ValidationError) as excinfo:
            team.invitation_create(shop=shop, actor=owner, email=email)
        assert codes(excinfo) == ["already_member"]

    assert ShopInvitation.objects.count() == 0
    assert mail.outbox == []


def test_a_member_of_another_shop_can_be_invited(shop, owner):
    other_owner = invitee("ani@contoh.id")
    ApprovedShopFactory(owner=other_owner)

    invitation = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    assert invitation.email == "ani@contoh.id"
    assert len(mail.outbox) == 1


def test_inviting_an_address_again_resends_a_new_link_and_the_old_one_stops_working(shop, owner):
    first = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")
    with time_machine.travel(timezone.now() + timedelta(days=3), tick=False):
        second = team.invitation_create(shop=shop, actor=owner, email="ANI@contoh.id")
        renewed_at = timezone.now()

    assert second.pk == first.pk
    assert ShopInvitation.objects.count() == 1
    stored = ShopInvitation.objects.get()
    assert stored.token_hash == team.token_hash(second.token) != team.token_hash(first.token)
    assert stored.expires_at == renewed_at + timedelta(days=7)
    assert [token_from(message) for message in mail.outbox] == [first.token, second.token]
    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token=first.token, user=invitee())
    assert codes(excinfo) == ["invalid"]


def test_an_expired_invitation_is_renewed_by_inviting_again(shop, owner):
    expired = ShopInvitationFactory(shop=shop, email="ani@contoh.id", expires_at=timezone.now() - timedelta(days=1))

    renewed = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    assert renewed.pk == expired.pk
    assert renewed.expires_at > timezone.now() + timedelta(days=6)
    membership = team.invitation_accept(token=renewed.token, user=invitee())
    assert membership.role == ShopMember.Role.STAFF


def test_an_invitation_is_sent_again_at_most_every_five_minutes(shop, owner):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        first = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")
        clock.shift(timedelta(minutes=4, seconds=59))
        before = invitation_rows()

        with pytest.raises(ValidationError) as excinfo:
            team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

        assert codes(excinfo) == ["too_soon"]
        assert invitation_rows() == before
        assert len(mail.outbox) == 1
        clock.shift(timedelta(seconds=1))
        again = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    assert again.pk == first.pk
    assert len(mail.outbox) == 2


def test_a_shop_has_at_most_twenty_open_invitations(shop, owner):
    for number in range(team.MAX_OPEN_INVITATIONS - 1):
        ShopInvitationFactory(shop=shop, email=f"calon{number}@contoh.id")
    ShopInvitationFactory(shop=shop, email="lama@contoh.id", expires_at=timezone.now() - timedelta(days=30))
    ShopInvitationFactory(shop=shop, email="batal@contoh.id", revoked_at=timezone.now())  # does not count
    before = invitation_rows()

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    assert codes(excinfo) == ["too_many"]
    assert invitation_rows() == before
    assert mail.outbox == []
    # Sending one of them again is still possible, and so is a new one once another is cancelled.
    team.invitation_create(shop=shop, actor=owner, email="lama@contoh.id")
    team.invitation_revoke(invitation=ShopInvitation.objects.get(email="calon0@contoh.id"), actor=owner)
    assert team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id").email == "ani@contoh.id"


def test_after_a_revoked_invitation_the_address_can_be_invited_anew(shop, owner):
    revoked = ShopInvitationFactory(shop=shop, email="ani@contoh.id", revoked_at=timezone.now())

    fresh = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    assert fresh.pk != revoked.pk
    assert ShopInvitation.objects.filter(revoked_at__isnull=True).get() == fresh


# --- Revoking -----------------------------------------------------------------------------------------------


def test_owner_revokes_an_invitation_and_its_link_stops_working(shop, owner):
    invitation = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")

    result = team.invitation_revoke(invitation=invitation, actor=owner)

    assert result.revoked_at is not None
    invitation.refresh_from_db()
    assert invitation.revoked_at == result.revoked_at
    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token=invitation.token, user=invitee())
    assert codes(excinfo) == ["revoked"]
    assert ShopMember.objects.filter(shop=shop).count() == 1


def test_revoking_twice_changes_nothing_more(shop, owner):
    invitation = team.invitation_revoke(invitation=ShopInvitationFactory(shop=shop), actor=owner)

    again = team.invitation_revoke(invitation=invitation, actor=owner)

    assert again.revoked_at == invitation.revoked_at


@pytest.mark.parametrize("role", ["staff", "outsider", "other shop owner"])
def test_only_the_owner_can_revoke(shop, role):
    invitation = ShopInvitationFactory(shop=shop)
    actor = {
        "staff": lambda: ShopMemberFactory(shop=shop).user,
        "outsider": VerifiedUserFactory,
        "other shop owner": lambda: ApprovedShopFactory().members.get().user,
    }[role]()
    before = invitation_rows()

    with pytest.raises(PermissionDenied):
        team.invitation_revoke(invitation=invitation, actor=actor)

    assert invitation_rows() == before


def test_an_accepted_invitation_cannot_be_revoked(shop, owner):
    invitation = ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    team.invitation_accept(token="t0k3n", user=invitee())
    before = invitation_rows()

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_revoke(invitation=invitation, actor=owner)

    assert codes(excinfo) == ["used"]
    assert invitation_rows() == before


# --- Accepting ----------------------------------------------------------------------------------------------


def test_the_invitee_accepts_becomes_staff_and_the_owner_is_told(shop, owner):
    invitation = team.invitation_create(shop=shop, actor=owner, email="ani@contoh.id")
    user = invitee(full_name="Ani Lestari")
    mail.outbox.clear()

    membership = team.invitation_accept(token=invitation.token, user=user)

    assert (membership.shop, membership.user, membership.role) == (shop, user, ShopMember.Role.STAFF)
    invitation.refresh_from_db()
    assert invitation.accepted_by == user
    assert invitation.accepted_at is not None
    [message] = mail.outbox
    assert message.to == ["made@contoh.id"]
    assert "Ani Lestari" in message.subject
    assert "ani@contoh.id" in message.body
    assert f"{settings.SITE_URL}/penjual/tim/" in message.body


def test_the_verified_address_is_compared_case_insensitively(shop):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    user = VerifiedUserFactory(email="pribadi@contoh.id")
    EmailAddress.objects.create(user=user, email="Ani@Contoh.ID", verified=True)

    membership = team.invitation_accept(token="t0k3n", user=user)

    assert membership.user == user


@pytest.mark.parametrize("verified_elsewhere", [False, True])
def test_an_unverified_or_other_address_cannot_accept_and_nothing_changes(shop, verified_elsewhere):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    if verified_elsewhere:
        user = VerifiedUserFactory(email="budi@contoh.id")  # verified, but not the invited address
    else:
        user = UserFactory(email="ani@contoh.id")
        EmailAddress.objects.create(user=user, email="ani@contoh.id", primary=True, verified=False)
    before = (invitation_rows(), member_rows())

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token="t0k3n", user=user)

    assert codes(excinfo) == ["email_mismatch"]
    assert "ani@contoh.id" in excinfo.value.messages[0]
    assert (invitation_rows(), member_rows()) == before
    assert mail.outbox == []


def test_an_expired_invitation_cannot_be_accepted(shop):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    user = invitee()
    before = (invitation_rows(), member_rows())

    with time_machine.travel(timezone.now() + timedelta(days=7, seconds=1)), pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token="t0k3n", user=user)

    assert codes(excinfo) == ["expired"]
    assert (invitation_rows(), member_rows()) == before


@pytest.mark.parametrize("token", ["", "tidak-ada", "t0k3n "])
def test_an_unknown_token_is_refused(shop, token):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    before = (invitation_rows(), member_rows())

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token=token, user=invitee())

    assert codes(excinfo) == ["invalid"]
    assert (invitation_rows(), member_rows()) == before


def test_a_used_invitation_cannot_be_accepted_by_someone_else(shop):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    first = invitee()
    team.invitation_accept(token="t0k3n", user=first)
    second = VerifiedUserFactory(email="budi@contoh.id")
    EmailAddress.objects.create(user=second, email="ANI@contoh.id", verified=True)  # an unusual, stale address
    before = (invitation_rows(), member_rows())

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token="t0k3n", user=second)

    assert codes(excinfo) == ["used"]
    assert (invitation_rows(), member_rows()) == before


def test_accepting_twice_is_harmless(shop):
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    user = invitee()
    first = team.invitation_accept(token="t0k3n", user=user)
    before = (invitation_rows(), member_rows(), len(mail.outbox))

    again = team.invitation_accept(token="t0k3n", user=user)

    assert again == first
    assert (invitation_rows(), member_rows(), len(mail.outbox)) == before


def test_the_owner_of_another_shop_may_join_as_staff(shop):
    other_owner = invitee()
    other_shop = ApprovedShopFactory(owner=other_owner)
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")

    team.invitation_accept(token="t0k3n", user=other_owner)

    assert set(ShopMember.objects.filter(user=other_owner).values_list("shop", "role")) == {
        (other_shop.pk, "owner"),
        (shop.pk, "staff"),
    }


def test_someone_already_in_the_shop_cannot_accept(shop):
    staff = ShopMemberFactory(shop=shop, user=invitee()).user
    ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")  # made before they joined otherwise
    before = (invitation_rows(), member_rows())

    with pytest.raises(ValidationError) as excinfo:
        team.invitation_accept(token="t0k3n", user=staff)

    assert codes(excinfo) == ["already_member"]
    assert (invitation_rows(), member_rows()) == before


# --- Removing members ---------------------------------------------------------------------------------------


def test_owner_removes_a_staff_member(shop, owner):
    staff = ShopMemberFactory(shop=shop)

    team.member_remove(shop=shop, actor=owner, member=staff)

    assert list(ShopMember.objects.filter(shop=shop).values_list("user", flat=True)) == [owner.pk]


def test_the_owner_cannot_be_removed(shop, owner):
    ownership = ShopMember.objects.get(shop=shop, user=owner)
    before = member_rows()

    with pytest.raises(ValidationError) as excinfo:
        team.member_remove(shop=shop, actor=owner, member=ownership)

    assert codes(excinfo) == ["owner"]
    assert member_rows() == before


def test_a_member_of_another_shop_cannot_be_removed_through_this_shop(shop, owner):
    elsewhere = ShopMemberFactory(shop=ApprovedShopFactory())
    before = member_rows()

    with pytest.raises(ValidationError) as excinfo:
        team.member_remove(shop=shop, actor=owner, member=elsewhere)

    assert codes(excinfo) == ["not_member"]
    assert member_rows() == before


@pytest.mark.parametrize("role", ["staff", "outsider"])
def test_only_the_owner_removes_members(shop, role):
    staff = ShopMemberFactory(shop=shop)
    actor = ShopMemberFactory(shop=shop).user if role == "staff" else VerifiedUserFactory()
    before = member_rows()

    with pytest.raises(PermissionDenied):
        team.member_remove(shop=shop, actor=actor, member=staff)

    assert member_rows() == before


# --- Concurrency (PostgreSQL) -----------------------------------------------------------------------------

READ_TO_WRITE_PAUSE = 0.3


class SlowRead:
    """Stands in for a locking queryset: reads the row, then pauses, so a rival read happens before our write."""

    def __init__(self, queryset):
        self.queryset = queryset

    def get(self, **lookup):
        row = self.queryset.get(**lookup)
        time.sleep(READ_TO_WRITE_PAUSE)
        return row


def race_accept_and_revoke(invitation, owner, user) -> list[str]:
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def accept():
        start.wait()
        try:
            team.invitation_accept(token="t0k3n", user=user)
            outcomes.append("accepted")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    def revoke():
        start.wait()
        time.sleep(READ_TO_WRITE_PAUSE / 3)  # the acceptance reads first
        try:
            team.invitation_revoke(invitation=invitation, actor=owner)
            outcomes.append("revoked")
        except ValidationError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=accept), threading.Thread(target=revoke)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_without_the_locks_an_invitation_could_be_accepted_and_revoked_at_once(postgres, monkeypatch):
    monkeypatch.setattr(team, "shop_qs_select_for_update", lambda: SlowRead(Shop.objects.all()))
    monkeypatch.setattr(team, "invitation_qs_select_for_update", lambda: SlowRead(ShopInvitation.objects.all()))
    owner = VerifiedUserFactory()
    invitation = ShopInvitationFactory(shop=ApprovedShopFactory(owner=owner), email="ani@contoh.id", token="t0k3n")

    assert race_accept_and_revoke(invitation, owner, invitee()) == ["accepted", "revoked"]


@pytest.mark.django_db(transaction=True)
def test_with_the_locks_the_first_of_accept_and_revoke_wins(postgres, monkeypatch):
    real_shop_lock, real_invitation_lock = team.shop_qs_select_for_update, team.invitation_qs_select_for_update
    monkeypatch.setattr(team, "shop_qs_select_for_update", lambda: SlowRead(real_shop_lock()))
    monkeypatch.setattr(team, "invitation_qs_select_for_update", lambda: SlowRead(real_invitation_lock()))
    owner = VerifiedUserFactory()
    shop = ApprovedShopFactory(owner=owner)
    invitation = ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")
    user = invitee()

    assert race_accept_and_revoke(invitation, owner, user) == ["accepted", "refused"]

    invitation.refresh_from_db()
    assert (invitation.accepted_by, invitation.revoked_at) == (user, None)
    assert ShopMember.objects.get(shop=shop, user=user).role == ShopMember.Role.STAFF

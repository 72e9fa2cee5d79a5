"""The team pages at /penjual/tim/ and the invitation link /penjual/undangan/<token>/, through the test client."""

import re
from datetime import timedelta

import pytest
import time_machine
from allauth.account.models import EmailAddress
from django.core import mail
from django.forms.models import model_to_dict
from django.utils import timezone, translation

from shops.models import ShopInvitation, ShopMember
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopInvitationFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

TEAM = "/penjual/tim/"
START = "/penjual/buka/"
LINK = re.compile(r"http://\S+(?P<path>/penjual/undangan/[A-Za-z0-9_-]+/)")


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def revoke_url(invitation) -> str:
    return f"/penjual/tim/undangan/{invitation.pk}/batal/"


def remove_url(member) -> str:
    return f"/penjual/tim/anggota/{member.pk}/hapus/"


def accept_url(token: str) -> str:
    return f"/penjual/undangan/{token}/"


def state() -> tuple:
    """Every invitation and membership, for "nothing changed" asserts."""
    return (
        [model_to_dict(row) for row in ShopInvitation.objects.order_by("pk")],
        list(ShopMember.objects.order_by("pk").values_list("shop_id", "user_id", "role")),
    )


@pytest.fixture
def owner():
    return VerifiedUserFactory(full_name="Made Wirawan", email="made@contoh.id")


@pytest.fixture
def shop(owner):
    return ApprovedShopFactory(owner=owner, name="Warung Bu Made")


@pytest.fixture
def staff(shop):
    return ShopMemberFactory(shop=shop, user=VerifiedUserFactory(full_name="Komang Staf", email="komang@contoh.id"))


@pytest.fixture
def invitation(shop, owner):
    # Sent yesterday: valid for six more days, and may be sent again.
    return ShopInvitationFactory(
        shop=shop, email="ani@contoh.id", invited_by=owner, token="t0k3n", expires_at=timezone.now() + timedelta(days=6)
    )


def as_role(client, role: str, shop):
    """Log in as someone in `role` towards `shop`; returns the user (None for anonymous)."""
    if role == "anonymous":
        return None
    if role == "owner":
        user = shop.members.get(role="owner").user
    elif role == "staff":
        user = ShopMemberFactory(shop=shop).user
    elif role == "other shop owner":
        user = ApprovedShopFactory().members.get().user
    else:  # a shopper, in no shop
        user = VerifiedUserFactory()
    client.force_login(user)
    return user


# --- The team page ----------------------------------------------------------------------------------------------


def test_owner_sees_members_open_invitations_and_the_invite_form(client, shop, owner, staff, invitation):
    ShopInvitationFactory(shop=shop, email="lama@contoh.id", expires_at=timezone.now() - timedelta(days=1))
    ShopInvitationFactory(shop=shop, email="batal@contoh.id", revoked_at=timezone.now())
    client.force_login(owner)

    response = client.get(TEAM)

    assert response.status_code == 200
    assert response.context["is_owner"] is True
    assert [member.user for member in response.context["members"]] == [owner, staff.user]
    assert [row.email for row in response.context["invitations"]] == ["lama@contoh.id", "ani@contoh.id"]
    page = response.content.decode()
    assert "Komang Staf" in page
    assert "batal@contoh.id" not in page
    assert f'action="{remove_url(staff)}"' in page
    assert f'action="{revoke_url(invitation)}"' in page
    assert 'name="email"' in page


def test_staff_sees_the_team_read_only(client, shop, owner, staff, invitation):
    client.force_login(staff.user)

    response = client.get(TEAM)

    assert response.status_code == 200
    assert response.context["is_owner"] is False
    assert [member.user for member in response.context["members"]] == [owner, staff.user]
    page = response.content.decode()
    assert "ani@contoh.id" in page
    assert "/hapus/" not in page
    assert "/batal/" not in page
    assert 'name="email"' not in page
    assert indonesian("Only the shop owner can invite or remove team members.") in page


def test_owner_of_another_shop_sees_only_their_own_team(client, shop, staff, invitation):
    other_owner = as_role(client, "other shop owner", shop)

    response = client.get(TEAM)

    assert response.status_code == 200
    assert [member.user for member in response.context["members"]] == [other_owner]
    assert response.context["invitations"] == []
    assert "Komang Staf" not in response.content.decode()


def test_shopper_is_sent_to_open_a_shop_and_anonymous_to_login(client, shop):
    as_role(client, "shopper", shop)
    assert (client.get(TEAM).status_code, client.get(TEAM).url) == (302, START)
    client.logout()
    response = client.get(TEAM)
    assert (response.status_code, response.url) == (302, f"/akun/login/?next={TEAM}")


def test_team_page_is_english_under_en(client, owner, shop):
    client.force_login(owner)

    response = client.get("/en/penjual/tim/")

    assert response.status_code == 200
    assert "Invite staff" in response.content.decode()


@pytest.mark.parametrize("count", [1, 8])
def test_team_page_costs_the_same_queries_whatever_the_team_size(
    client, owner, shop, count, django_assert_max_num_queries
):
    for number in range(count):
        ShopMemberFactory(shop=shop)
        ShopInvitationFactory(shop=shop, email=f"calon{number}@contoh.id")
    client.force_login(owner)

    # session, user, verified email (allauth), membership with shop, members, invitations, messages/session…
    with django_assert_max_num_queries(8):
        response = client.get(TEAM)

    assert len(response.context["members"]) == count + 1
    assert len(response.context["invitations"]) == count


# --- Inviting ---------------------------------------------------------------------------------------------------


def test_owner_invites_through_the_page(client, owner, shop):
    client.force_login(owner)

    response = client.post(TEAM, {"email": "Ani@Contoh.id"})

    assert (response.status_code, response.url) == (302, TEAM)
    invitation = ShopInvitation.objects.get()
    assert (invitation.shop, invitation.email) == (shop, "ani@contoh.id")
    assert [message.to for message in mail.outbox] == [["ani@contoh.id"]]
    page = client.get(TEAM).content.decode()
    assert "ani@contoh.id" in page


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("bukan email", "Enter a valid email address."),
        ("made@contoh.id", "You cannot invite yourself."),
        ("komang@contoh.id", "This person is already a member of the shop."),
    ],
)
def test_a_bad_invitation_shows_the_field_error_and_changes_nothing(client, owner, shop, staff, email, message):
    client.force_login(owner)
    before = state()

    response = client.post(TEAM, {"email": email})

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [indonesian(message)]
    assert state() == before
    assert mail.outbox == []


def test_staff_cannot_invite(client, shop, staff):
    client.force_login(staff.user)
    before = state()

    response = client.post(TEAM, {"email": "ani@contoh.id"})

    assert response.status_code == 403
    assert "Hanya pemilik toko yang dapat melakukan ini." in response.content.decode()
    assert state() == before
    assert mail.outbox == []


def test_owner_of_another_shop_invites_only_into_their_own_shop(client, shop):
    as_role(client, "other shop owner", shop)

    client.post(TEAM, {"email": "ani@contoh.id"})

    assert not ShopInvitation.objects.filter(shop=shop).exists()


@pytest.mark.parametrize(("role", "expected_url"), [("shopper", START), ("anonymous", f"/akun/login/?next={TEAM}")])
def test_shopper_and_anonymous_cannot_invite(client, shop, role, expected_url):
    as_role(client, role, shop)

    response = client.post(TEAM, {"email": "ani@contoh.id"})

    assert (response.status_code, response.url) == (302, expected_url)
    assert ShopInvitation.objects.count() == 0
    assert mail.outbox == []


def test_send_again_right_after_sending_is_refused(client, owner, shop):
    client.force_login(owner)
    client.post(TEAM, {"email": "ani@contoh.id"})
    before = state()

    response = client.post(TEAM, {"email": "ani@contoh.id"})

    assert response.status_code == 400
    assert response.context["form"].errors["email"] == [
        indonesian("An invitation was just sent to this address. Wait a few minutes before sending it again.")
    ]
    assert state() == before
    assert len(mail.outbox) == 1


def test_send_again_gives_a_new_link(client, owner, shop, invitation):
    client.force_login(owner)

    response = client.post(TEAM, {"email": "ani@contoh.id"})

    assert response.status_code == 302
    assert ShopInvitation.objects.get().pk == invitation.pk
    [message] = mail.outbox
    assert "t0k3n" not in message.body
    assert client.get(accept_url("t0k3n")).status_code == 404


# --- Revoking and removing --------------------------------------------------------------------------------------


def test_owner_revokes_an_invitation(client, owner, shop, invitation):
    client.force_login(owner)

    response = client.post(revoke_url(invitation))

    assert (response.status_code, response.url) == (302, TEAM)
    invitation.refresh_from_db()
    assert invitation.revoked_at is not None
    assert "ani@contoh.id" not in client.get(TEAM).content.decode().split("<h2", 2)[-1]


def test_owner_removes_a_staff_member(client, owner, shop, staff):
    client.force_login(owner)

    response = client.post(remove_url(staff))

    assert (response.status_code, response.url) == (302, TEAM)
    assert not ShopMember.objects.filter(pk=staff.pk).exists()
    client.force_login(staff.user)
    assert client.get(TEAM).url == START  # no way back into the shop's pages


def test_owner_cannot_remove_themself(client, owner, shop):
    client.force_login(owner)
    ownership = ShopMember.objects.get(user=owner)
    before = state()

    response = client.post(remove_url(ownership), follow=True)

    assert response.status_code == 200
    assert indonesian("The shop owner cannot be removed.") in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("role", "expected"),
    [("staff", 403), ("other shop owner", 404), ("shopper", START), ("anonymous", "login")],
)
@pytest.mark.parametrize("action", ["revoke", "remove"])
def test_only_the_owner_revokes_invitations_and_removes_members(
    client, shop, staff, invitation, role, expected, action
):
    as_role(client, role, shop)
    url = revoke_url(invitation) if action == "revoke" else remove_url(staff)
    before = state()

    response = client.post(url)

    if expected == START:
        assert (response.status_code, response.url) == (302, START)
    elif expected == "login":
        assert (response.status_code, response.url) == (302, f"/akun/login/?next={url}")
    else:
        assert response.status_code == expected
    assert state() == before


def test_revoke_and_remove_answer_only_posts(client, owner, shop, staff, invitation):
    client.force_login(owner)
    before = state()

    assert client.get(revoke_url(invitation)).status_code == 405
    assert client.get(remove_url(staff)).status_code == 405
    assert state() == before


# --- Accepting through the link -----------------------------------------------------------------------------


def test_the_mailed_link_works_end_to_end(client, owner, shop):
    """The owner invites on the page; the invitee follows the mailed link, signs in, accepts, and works as staff."""
    client.force_login(owner)
    client.post(TEAM, {"email": "ani@contoh.id"})
    client.logout()
    [message] = mail.outbox
    link = LINK.search(message.body)["path"]
    ani = VerifiedUserFactory(email="ani@contoh.id", full_name="Ani Lestari")
    mail.outbox.clear()

    response = client.get(link)
    assert (response.status_code, response.url) == (302, f"/akun/login/?next={link}")
    response = client.post("/akun/login/", {"login": "ani@contoh.id", "password": DEFAULT_PASSWORD, "next": link})
    assert (response.status_code, response.url) == (302, link)

    page = client.get(link)
    assert page.status_code == 200
    assert "Warung Bu Made" in page.content.decode()
    response = client.post(link)

    assert (response.status_code, response.url) == (302, "/penjual/")
    assert ShopMember.objects.get(shop=shop, user=ani).role == ShopMember.Role.STAFF
    assert [sent.to for sent in mail.outbox] == [["made@contoh.id"]]
    status = client.get("/penjual/status/")
    assert status.status_code == 200
    assert status.context["shop"] == shop
    assert status.context["is_owner"] is False
    assert client.post(TEAM, {"email": "budi@contoh.id"}).status_code == 403


def test_accept_page_for_someone_else_says_which_address_and_changes_nothing(client, invitation):
    client.force_login(VerifiedUserFactory(email="budi@contoh.id"))
    before = state()

    page = client.get(accept_url("t0k3n"))
    response = client.post(accept_url("t0k3n"))

    assert page.status_code == 200
    assert response.status_code == 400
    assert (
        indonesian(
            "This invitation was sent to %(email)s. Sign in with that address, verified, to accept it "
            "(you can add it to your account under Email addresses).",
            email="ani@contoh.id",
        )
        in response.content.decode()
    )
    assert state() == before


def test_accept_page_with_an_unverified_invited_address_refuses(client, invitation):
    user = VerifiedUserFactory(email="budi@contoh.id")
    EmailAddress.objects.create(user=user, email="ani@contoh.id", verified=False)
    client.force_login(user)
    before = state()

    response = client.post(accept_url("t0k3n"))

    assert response.status_code == 400
    assert state() == before


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ("revoked", 410, "This invitation was cancelled by the shop owner."),
        ("expired", 410, "This invitation has expired. Ask the shop owner to send a new one."),
        ("unknown", 404, "This invitation link is not valid. Ask the shop owner to send a new one."),
    ],
)
def test_a_link_that_no_longer_works_says_why_and_changes_nothing(client, invitation, change, status, message):
    if change == "revoked":
        ShopInvitation.objects.filter(pk=invitation.pk).update(revoked_at=timezone.now())
    token = "salah" if change == "unknown" else "t0k3n"
    client.force_login(VerifiedUserFactory(email="ani@contoh.id"))
    before = state()

    with time_machine.travel(timezone.now() + timedelta(days=8 if change == "expired" else 0)):
        page = client.get(accept_url(token))
        response = client.post(accept_url(token))

    assert (page.status_code, response.status_code) == (status, status)
    assert indonesian(message) in response.content.decode()
    assert (page.context["can_accept"], response.context["can_accept"]) == (False, False)
    assert state() == before


def test_a_used_link_says_so(client, invitation):
    ani = VerifiedUserFactory(email="ani@contoh.id")
    client.force_login(ani)
    assert client.post(accept_url("t0k3n")).status_code == 302

    client.force_login(VerifiedUserFactory(email="budi@contoh.id"))
    response = client.get(accept_url("t0k3n"))

    assert response.status_code == 410
    assert indonesian("This invitation has already been used.") in response.content.decode()

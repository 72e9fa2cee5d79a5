"""The shop's team: the owner invites staff by email, revokes invitations, removes members.

An invitation is a link with a random token (`secrets.token_urlsafe`); only its SHA-256 (`token_hash`) is stored,
so the link itself exists only in the invitee's mailbox. It is accepted once, before it expires (7 days), by a
signed-in user whose *verified* address (allauth `EmailAddress`) is the invited one, compared case-insensitively.
Accepting makes them staff: they manage products and orders, not members, payouts or the shop's profile.

Decisions:

- **Inviting an address that already has an open invitation re-sends it**: the same row gets a new token and
  7 more days, and a new mail goes out; the old link stops working. An owner who cannot find the first mail (or
  whose invitation ran out) just invites again; the database keeps one open invitation per shop and address
  (a conditional unique constraint), expired ones included until they are re-sent or revoked. Re-sending waits
  `RESEND_INTERVAL` (5 minutes) after the last mail, and a shop has at most `MAX_OPEN_INVITATIONS` (20) open
  invitations: the owner cannot use the shop to flood someone's mailbox.
- Addresses are stored lower-cased, like users' (`accounts.managers.UserManager`).
- A user may be staff in a shop while owning another (the models allow it); the seller pages work on the owned
  shop first (`shops.selectors.seller_membership`).
- Locks, always in this order: the shop row, then the invitation row. Mails go through the outbox in the same
  transaction (`marketplace.core.mail`), so a rolled-back action sends nothing.
"""

import secrets
from datetime import timedelta
from typing import Any

from allauth.account.models import EmailAddress
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from accounts.managers import UserManager
from accounts.models import User

from ..locks import invitation_qs_select_for_update, shop_qs_select_for_update
from ..models import Shop, ShopInvitation, ShopMember
from ..selectors import invitation_get_by_token, shop_owner
from ..selectors import invitation_token_hash as token_hash
from .shops import _require_owner

INVITATION_LIFETIME = timedelta(days=7)
TOKEN_BYTES = 32
# Against using the shop to flood a mailbox: an invitation is sent again at most this often, and a shop has at
# most this many open invitations (a small business's team is a handful of people).
RESEND_INTERVAL = timedelta(minutes=5)
MAX_OPEN_INVITATIONS = 20

INVALID_LINK_MESSAGE = _("This invitation link is not valid. Ask the shop owner to send a new one.")
EXPIRED_MESSAGE = _("This invitation has expired. Ask the shop owner to send a new one.")
REVOKED_MESSAGE = _("This invitation was cancelled by the shop owner.")
USED_MESSAGE = _("This invitation has already been used.")
EMAIL_MISMATCH_MESSAGE = _(
    "This invitation was sent to %(email)s. Sign in with that address, verified, to accept it "
    "(you can add it to your account under Email addresses)."
)


def invitation_accept_url(token: str) -> str:
    """The absolute link the invitee follows, in the site's default language."""
    with translation.override(settings.LANGUAGE_CODE):
        return settings.SITE_URL + reverse("seller:invitation-accept", args=[token])


def _clean_email(email: str) -> str:
    email = UserManager.normalize_email_address(email)
    if not email:
        raise ValidationError({"email": ValidationError(_("Enter an email address."), code="required")})
    invalid = ValidationError({"email": ValidationError(_("Enter a valid email address."), code="invalid")})
    if len(email) > ShopInvitation._meta.get_field("email").max_length:
        raise invalid
    try:
        validate_email(email)
    except ValidationError:
        raise invalid from None
    return email


def _user_has_address(user: User, email: str, *, verified_only: bool = False) -> bool:
    """Whether the user's login email or one of their allauth addresses is `email` (case-insensitively)."""
    if not verified_only and (user.email or "").lower() == email.lower():
        return True
    addresses = EmailAddress.objects.filter(user=user, email__iexact=email)
    if verified_only:
        addresses = addresses.filter(verified=True)
    return addresses.exists()


def _is_member_address(shop: Shop, email: str) -> bool:
    members = ShopMember.objects.filter(shop=shop)
    return members.filter(
        Q(user__email__iexact=email) | Q(user__emailaddress__email__iexact=email),
    ).exists()


# --- Inviting -----------------------------------------------------------------------------------------------


@transaction.atomic
def invitation_create(*, shop: Shop, actor: User, email: str) -> ShopInvitation:
    """The owner invites `email` to join the shop as staff; the invitee gets a mail with the link.

    Owner only (PermissionDenied). `email` is trimmed, lower-cased and must be a valid address, not the owner's
    own (any of their addresses) nor that of someone already in the shop: ValidationError on "email" otherwise,
    nothing changed and nothing sent. An open invitation for that address (expired or not) is re-sent: new token,
    expiry now + 7 days, `invited_by` = actor, the old link stops working; but not within `RESEND_INTERVAL` of the
    last mail (ValidationError code "too_soon"). A new address beyond `MAX_OPEN_INVITATIONS` open invitations
    (expired ones count until revoked or re-sent) is refused (code "too_many"). Any shop status.
    Locks the shop row (so two invitations of one address cannot race). Side effect: one mail to the invitee
    (through the outbox) with `settings.SITE_URL + reverse("seller:invitation-accept", args=[token])`.
    Returns the invitation, with the link's token on `invitation.token` (an attribute of this instance only: the
    database holds just its hash).
    """
    _require_owner(shop=shop, actor=actor)
    email = _clean_email(email)
    if _user_has_address(actor, email):
        raise ValidationError({"email": ValidationError(_("You cannot invite yourself."), code="self")})
    shop = shop_qs_select_for_update().get(pk=shop.pk)
    if _is_member_address(shop, email):
        raise ValidationError(
            {"email": ValidationError(_("This person is already a member of the shop."), code="already_member")}
        )

    token = secrets.token_urlsafe(TOKEN_BYTES)
    now = timezone.now()
    values = {"token_hash": token_hash(token), "invited_by": actor, "expires_at": now + INVITATION_LIFETIME}
    invitation = (
        invitation_qs_select_for_update()
        .filter(shop=shop, email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        open_count = ShopInvitation.objects.filter(shop=shop, accepted_at__isnull=True, revoked_at__isnull=True).count()
        if open_count >= MAX_OPEN_INVITATIONS:
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("The shop has %(count)d open invitations; cancel some before inviting more."),
                        code="too_many",
                        params={"count": open_count},
                    )
                }
            )
        invitation = ShopInvitation.objects.create(shop=shop, email=email, created_at=now, **values)
    else:
        last_sent_at = invitation.expires_at - INVITATION_LIFETIME
        if now < last_sent_at + RESEND_INTERVAL:
            raise ValidationError(
                {
                    "email": ValidationError(
                        _("An invitation was just sent to this address. Wait a few minutes before sending it again."),
                        code="too_soon",
                    )
                }
            )
        for key, value in values.items():
            setattr(invitation, key, value)
        invitation.save(update_fields=list(values))
    _mail_invitee(invitation=invitation, shop=shop, inviter=actor, token=token)
    invitation.token = token
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: ShopInvitation, actor: User) -> ShopInvitation:
    """The owner cancels an invitation: `revoked_at` = now, and its link stops working.

    Owner of the invitation's shop only (PermissionDenied). An accepted invitation cannot be revoked
    (ValidationError, code "used": remove the member instead); revoking a revoked one changes nothing.
    An expired invitation can be revoked (it then leaves the team page). Locks the shop row, then the invitation.
    Returns the fresh invitation.
    """
    _require_owner(shop=invitation.shop, actor=actor)
    shop_qs_select_for_update().get(pk=invitation.shop_id)
    invitation = invitation_qs_select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ValidationError({NON_FIELD_ERRORS: ValidationError(USED_MESSAGE, code="used")})
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        invitation.save(update_fields=["revoked_at"])
    return invitation


# --- Accepting ----------------------------------------------------------------------------------------------


def invitation_refusal(*, invitation: ShopInvitation | None, now=None) -> ValidationError | None:
    """Why this invitation cannot be accepted any more (unknown, used, revoked, expired), or None while open."""
    if invitation is None:
        return ValidationError(INVALID_LINK_MESSAGE, code="invalid")
    if invitation.accepted_at is not None:
        return ValidationError(USED_MESSAGE, code="used")
    if invitation.revoked_at is not None:
        return ValidationError(REVOKED_MESSAGE, code="revoked")
    if invitation.expires_at <= (now or timezone.now()):
        return ValidationError(EXPIRED_MESSAGE, code="expired")
    return None


@transaction.atomic
def invitation_accept(*, token: str, user: User) -> ShopMember:
    """`user` accepts the invitation whose link carries `token` and becomes staff of its shop.

    Refused with a ValidationError (non-field, translated, code in parentheses) and nothing changed when: the token
    matches no invitation ("invalid"), it was accepted already by someone else ("used"), revoked ("revoked"),
    expired ("expired"), none of the user's *verified* addresses is the invited one ("email_mismatch"), or the
    user is already in the shop ("already_member"). The same user accepting twice gets their membership back
    (a double submit is harmless). A user may be staff here while owning another shop.
    Locks the shop row, then the invitation row, and re-checks under the locks. Sets `accepted_at`/`accepted_by`,
    creates a `ShopMember` with role staff. Side effect: one mail to the owner saying who joined.
    """
    found = invitation_get_by_token(token=token)
    if found is None:
        raise ValidationError(INVALID_LINK_MESSAGE, code="invalid")
    shop = shop_qs_select_for_update().get(pk=found.shop_id)
    invitation = invitation_qs_select_for_update().get(pk=found.pk)

    if invitation.accepted_at is not None and invitation.accepted_by_id == user.pk:
        membership = ShopMember.objects.filter(shop=shop, user=user).first()
        if membership is not None:
            return membership
    refusal = invitation_refusal(invitation=invitation)
    if refusal is not None:
        raise refusal
    if not _user_has_address(user, invitation.email, verified_only=True):
        raise ValidationError(EMAIL_MISMATCH_MESSAGE, code="email_mismatch", params={"email": invitation.email})
    already = ValidationError(_("You are already a member of this shop."), code="already_member")
    if ShopMember.objects.filter(shop=shop, user=user).exists():
        raise already
    try:
        with transaction.atomic():
            membership = ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)
    except IntegrityError:
        raise already from None

    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    _mail_owner_accepted(shop=shop, member=user)
    return membership


# --- Members ------------------------------------------------------------------------------------------------


@transaction.atomic
def member_remove(*, shop: Shop, actor: User, member: ShopMember) -> None:
    """The owner removes a staff member from the shop; they lose access to its seller pages at once.

    Owner only (PermissionDenied). The owner cannot be removed (ValidationError, code "owner"); a member of
    another shop, or one already removed, is refused with ValidationError code "not_member". Locks the shop row.
    """
    _require_owner(shop=shop, actor=actor)
    shop_qs_select_for_update().get(pk=shop.pk)
    member = ShopMember.objects.filter(pk=member.pk, shop=shop).first()
    if member is None:
        raise ValidationError(_("This person is not a member of the shop."), code="not_member")
    if member.role == ShopMember.Role.OWNER:
        raise ValidationError(_("The shop owner cannot be removed."), code="owner")
    member.delete()


# --- Mail ---------------------------------------------------------------------------------------------------


def _render_mail(kind: str, context: dict[str, Any], language: str) -> tuple[str, str]:
    with translation.override(language):
        subject = " ".join(render_to_string(f"shops/emails/{kind}_subject.txt", context).split())
        body = render_to_string(f"shops/emails/{kind}.txt", context)
    return subject, body


def _mail_invitee(*, invitation: ShopInvitation, shop: Shop, inviter: User, token: str) -> None:
    """The invitee may have no account yet: the mail is in the site's default language."""
    context = {
        "shop": shop,
        "inviter": inviter,
        "invitation": invitation,
        "accept_url": invitation_accept_url(token),
        "site_url": settings.SITE_URL,
    }
    subject, body = _render_mail("invitation_sent", context, settings.LANGUAGE_CODE)
    send_mail(subject, body, None, [invitation.email])


def _mail_owner_accepted(*, shop: Shop, member: User) -> None:
    owner = shop_owner(shop=shop)
    if owner is None or not owner.email:
        return
    language = getattr(owner, "language", "") or settings.LANGUAGE_CODE
    with translation.override(language):
        team_url = settings.SITE_URL + reverse("seller:team")
    context = {"shop": shop, "owner": owner, "member": member, "team_url": team_url, "site_url": settings.SITE_URL}
    subject, body = _render_mail("invitation_accepted", context, language)
    send_mail(subject, body, None, [owner.email])

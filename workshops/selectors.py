"""Reads of the workshops app: the public list, a trainer's own workshops, a participant's registrations, and
the onboarding progress of every participant, derived from real data and never ticked by hand (DESIGN §3).

Progress steps, in order (`STEPS`): registered → email verified → shop created → shop submitted → shop approved
→ first product with a photo → payout method set → first order received → first order shipped. A participant's
step is the last one of the unbroken run reached from the start (someone with a payout account but no approved
shop is at "shop submitted"). "Since" is when that run was completed: the latest of its steps' times.

Where the time of a step comes from (decisions, see docs/architecture.md):
- email verified: allauth keeps no verification time; the account's creation (`date_joined`) stands in for it;
- shop created / submitted / approved: `Shop.created_at`, `submitted_at`, `reviewed_at`;
- first product with a photo: the first image of any of the shop's products (`ProductImage.created_at`);
- payout method set: the payout account's last change (`PayoutAccount.updated_at`), a bank account complete or
  a Stripe account able to receive payouts;
- first order received / shipped: the first `Order.created_at` / `ShopOrder.shipped_at` of the shop's orders.

The participant's shop is the shop they own, else the first they are staff in. Reads of orders and payments go
through those apps' models only here, read-only; neither app imports workshops.

Everything for a whole cohort is read in a fixed number of queries, whatever its size (asserted in tests).
"""

from dataclasses import dataclass
from datetime import datetime

from allauth.account.models import EmailAddress
from django.db.models import Count, Exists, IntegerField, Min, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from orders.models import ShopOrder
from payments.models import PayoutAccount
from shops.models import ProductImage, Shop, ShopMember
from shops.selectors import user_is_operator

from .models import Registration, TrainerProfile, Workshop, WorkshopInvitation, WorkshopSession

Status = Registration.Status
WorkshopStatus = Workshop.Status

STEPS: list[tuple[str, str]] = [
    ("registered", _("Registered")),
    ("email_verified", _("Email verified")),
    ("shop_created", _("Shop created")),
    ("shop_submitted", _("Shop submitted")),
    ("shop_approved", _("Shop approved")),
    ("product_with_photo", _("First product with a photo")),
    ("payout_set", _("Payout method set")),
    ("order_received", _("First order received")),
    ("order_shipped", _("First order shipped")),
]
STEP_KEYS = [key for key, _label in STEPS]
STEP_LABELS = dict(STEPS)
STUCK_AFTER_DAYS = 14


@dataclass
class ParticipantProgress:
    """One participant, with only what the programme needs: name, shop, district, progress step."""

    registration: Registration
    name: str
    shop_name: str
    shop_slug: str
    district: str
    step_index: int  # 0 (registered) … len(STEPS) - 1 (first order shipped)
    since: datetime
    reached: dict[str, datetime | None]  # every step's time, None when not (yet) reached

    @property
    def step(self) -> str:
        return STEP_KEYS[self.step_index]

    @property
    def step_label(self) -> str:
        return STEP_LABELS[self.step]

    @property
    def next_step_label(self) -> str:
        if self.step_index + 1 >= len(STEPS):
            return ""
        return STEP_LABELS[STEP_KEYS[self.step_index + 1]]

    @property
    def finished(self) -> bool:
        return self.step_index == len(STEPS) - 1

    @property
    def stuck_days(self) -> int:
        """Whole days at this step (0 once the last step is reached: nobody is stuck at the finish)."""
        if self.finished:
            return 0
        return max((timezone.now() - self.since).days, 0)

    @property
    def stuck(self) -> bool:
        return self.stuck_days > STUCK_AFTER_DAYS


# --- Who may see what ---------------------------------------------------------------------------------------


def user_is_trainer(user) -> bool:
    return bool(
        user is not None and user.is_authenticated and TrainerProfile.objects.filter(user=user, is_active=True).exists()
    )


def user_may_train(user) -> bool:
    """Active trainers and operators reach the trainer pages."""
    return user_is_trainer(user) or user_is_operator(user)


def _with_schedule(workshops: QuerySet[Workshop]) -> QuerySet[Workshop]:
    return (
        workshops.select_related("district")
        .prefetch_related(
            Prefetch("sessions", queryset=WorkshopSession.objects.order_by("starts_at", "pk")),
            "trainers",
        )
        .annotate(
            first_starts_at=Min("sessions__starts_at"),
            seats_taken=Count("registrations", filter=Q(registrations__status=Status.REGISTERED), distinct=True),
            waitlist_count=Count("registrations", filter=Q(registrations__status=Status.WAITLISTED), distinct=True),
        )
    )


def workshop_list_public() -> QuerySet[Workshop]:
    """Published workshops whose last session has not ended, soonest first (annotated `first_starts_at`,
    `seats_taken`, `waitlist_count`)."""
    now = timezone.now()
    ongoing = WorkshopSession.objects.filter(workshop=OuterRef("pk"), ends_at__gt=now)
    return (
        _with_schedule(Workshop.objects.filter(status=WorkshopStatus.PUBLISHED))
        .filter(Exists(ongoing))
        .order_by("first_starts_at", "pk")
    )


def workshop_list_upcoming(*, limit: int = 3) -> list[Workshop]:
    """The next few public workshops, for the home page block."""
    return list(workshop_list_public()[:limit])


def workshop_get_public(*, slug: str | None = None, pk: int | None = None) -> Workshop | None:
    """A workshop anyone may look at, by slug or id: published, completed or cancelled (never a draft)."""
    workshops = _with_schedule(Workshop.objects.exclude(status=WorkshopStatus.DRAFT))
    return workshops.filter(**({"slug": slug} if pk is None else {"pk": pk})).first()


def registrations_for_workshops(*, user, workshops) -> dict[int, tuple[Registration, int | None]]:
    """The caller's registration of each of `workshops` with its waiting-list position (None unless waitlisted),
    in one query: {workshop_id: (registration, position)}."""
    if user is None or not user.is_authenticated or not workshops:
        return {}
    ahead = (
        Registration.objects.filter(workshop_id=OuterRef("workshop_id"), status=Status.WAITLISTED)
        .filter(Q(created_at__lt=OuterRef("created_at")) | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk")))
        .order_by()
        .values("workshop_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    registrations = Registration.objects.filter(
        user=user, workshop_id__in=[workshop.pk for workshop in workshops]
    ).annotate(ahead=Coalesce(Subquery(ahead, output_field=IntegerField()), Value(0)))
    return {
        registration.workshop_id: (
            registration,
            registration.ahead + 1 if registration.status == Status.WAITLISTED else None,
        )
        for registration in registrations
    }


def workshop_list_for_trainer(*, user) -> QuerySet[Workshop]:
    """Operators see every workshop; an active trainer the ones they train; anyone else none."""
    workshops = Workshop.objects.all()
    if not user_is_operator(user):
        if not user_is_trainer(user):
            return Workshop.objects.none()
        workshops = workshops.filter(trainers=user)
    return _with_schedule(workshops).order_by("-first_starts_at", "-pk")


def workshop_get_for_trainer(*, user, pk: int) -> Workshop | None:
    """One of the trainer's workshops (any for an operator); None otherwise: the caller answers 404."""
    return workshop_list_for_trainer(user=user).filter(pk=pk).first()


def trainer_list() -> QuerySet:
    """Active trainers, for choosing a workshop's co-trainers."""
    from accounts.models import User

    return User.objects.filter(trainer_profile__is_active=True).order_by("full_name", "email")


def trainer_profile_list() -> QuerySet[TrainerProfile]:
    """Every trainer profile (active first, then by name) with its user, who granted it and the number of workshops
    the user trains, for the operators' screen (the caller checks who asks); one query per page."""
    return (
        TrainerProfile.objects.select_related("user", "granted_by")
        .annotate(workshop_count=Count("user__trained_workshops", distinct=True))
        .order_by("-is_active", "user__full_name", "user__email", "pk")
    )


def registration_list_for_user(*, user) -> QuerySet[Registration]:
    return (
        Registration.objects.filter(user=user)
        .select_related("workshop")
        .prefetch_related(Prefetch("workshop__sessions", queryset=WorkshopSession.objects.order_by("starts_at")))
        .order_by("-created_at", "-pk")
    )


def registration_get_for_user(*, user, pk: int) -> Registration | None:
    """The participant's own registration; None for anyone else's."""
    if user is None or not user.is_authenticated:
        return None
    return registration_list_for_user(user=user).filter(pk=pk).first()


def registration_for_workshop(*, user, workshop: Workshop) -> Registration | None:
    if user is None or not user.is_authenticated:
        return None
    return Registration.objects.filter(user=user, workshop=workshop).first()


def registration_get_for_trainer(*, user, workshop: Workshop, pk: int) -> Registration | None:
    """A registration of a workshop the caller manages (the caller already loaded the workshop through
    `workshop_get_for_trainer`)."""
    return Registration.objects.select_related("user", "workshop").filter(workshop=workshop, pk=pk).first()


def waitlist_for_workshop(*, workshop: Workshop) -> QuerySet[Registration]:
    """The waiting list, next in line first (only names are shown: `user` is joined)."""
    return (
        Registration.objects.filter(workshop=workshop, status=Status.WAITLISTED)
        .select_related("user")
        .order_by("created_at", "pk")
    )


def invitation_list_pending(*, workshop: Workshop) -> QuerySet[WorkshopInvitation]:
    """People a trainer added by email who have not signed up (or verified the address) yet."""
    return WorkshopInvitation.objects.filter(workshop=workshop, accepted_at__isnull=True).order_by("created_at", "pk")


def waitlist_position(registration: Registration) -> int | None:
    """1 for the next person to get a seat; None unless waitlisted."""
    if registration.status != Status.WAITLISTED:
        return None
    return (
        Registration.objects.filter(workshop_id=registration.workshop_id, status=Status.WAITLISTED)
        .filter(
            Q(created_at__lt=registration.created_at) | Q(created_at=registration.created_at, pk__lt=registration.pk)
        )
        .count()
        + 1
    )


def certificate_get(*, code: str) -> Registration | None:
    """The attendance behind a certificate code (case-insensitive, dashes optional); None if there is none."""
    raw = "".join(ch for ch in (code or "").upper() if ch.isalnum())
    if len(raw) != 12:
        return None
    formatted = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return (
        Registration.objects.select_related("user", "workshop")
        .prefetch_related("workshop__sessions", "workshop__trainers")
        .filter(certificate_code=formatted, checked_in_at__isnull=False)
        .first()
    )


# --- Onboarding progress ------------------------------------------------------------------------------------


def participant_progress(*, workshop: Workshop, statuses=(Status.REGISTERED,)) -> list[ParticipantProgress]:
    """Every participant of the workshop with a seat (by default), in registration order, with their step."""
    registrations = list(
        Registration.objects.filter(workshop=workshop, status__in=statuses)
        .select_related("user", "workshop")
        .order_by("created_at", "pk")
    )
    return progress_for_registrations(registrations)


def progress_for_registrations(registrations: list[Registration]) -> list[ParticipantProgress]:
    """The progress of each registration's participant, in seven queries whatever the number of people."""
    user_ids = {registration.user_id for registration in registrations}
    verified = set(EmailAddress.objects.filter(user_id__in=user_ids, verified=True).values_list("user_id", flat=True))
    shops = _shops_of(user_ids)
    shop_ids = {shop.pk for shop in shops.values()}
    first_photo = dict(
        ProductImage.objects.filter(product__shop_id__in=shop_ids)
        .values_list("product__shop_id")
        .annotate(first=Min("created_at"))
        .values_list("product__shop_id", "first")
    )
    payout_set = {}
    for account in PayoutAccount.objects.filter(shop_id__in=shop_ids):
        if account.has_bank_account or account.pays_through_stripe:
            payout_set[account.shop_id] = account.updated_at
    order_times = {
        row["shop_id"]: row
        for row in ShopOrder.objects.filter(shop_id__in=shop_ids)
        .values("shop_id")
        .annotate(received=Min("order__created_at"), shipped=Min("shipped_at"))
    }
    rows = []
    for registration in registrations:
        user = registration.user
        shop = shops.get(user.pk)
        orders = order_times.get(shop.pk, {}) if shop else {}
        reached = {
            "registered": registration.created_at,
            "email_verified": user.date_joined if user.pk in verified else None,
            "shop_created": shop.created_at if shop else None,
            "shop_submitted": (shop.submitted_at or shop.created_at) if shop and _submitted(shop) else None,
            "shop_approved": (shop.reviewed_at or shop.created_at) if shop and _approved(shop) else None,
            "product_with_photo": first_photo.get(shop.pk) if shop else None,
            "payout_set": payout_set.get(shop.pk) if shop else None,
            "order_received": orders.get("received"),
            "order_shipped": orders.get("shipped"),
        }
        step_index, since = 0, registration.created_at
        for index, key in enumerate(STEP_KEYS):
            if reached[key] is None:
                break
            step_index, since = index, max(since, reached[key])
        rows.append(
            ParticipantProgress(
                registration=registration,
                name=user.full_name or str(_("Participant")),
                shop_name=shop.name if shop else "",
                shop_slug=shop.slug if shop and shop.status == Shop.Status.APPROVED else "",
                district=(shop.district.name if shop and shop.district_id else _answered_district(registration)),
                step_index=step_index,
                since=since,
                reached=reached,
            )
        )
    return rows


def progress_funnel(rows: list[ParticipantProgress]) -> list[dict]:
    """How many participants reached each step (at least): [{"key", "label", "count", "percent"}]."""
    total = len(rows)
    funnel = []
    for index, (key, label) in enumerate(STEPS):
        count = sum(1 for row in rows if row.step_index >= index)
        funnel.append(
            {"key": key, "label": label, "count": count, "percent": round(100 * count / total) if total else 0}
        )
    return funnel


def stuck_participants_for_trainer(*, trainer, days: int = STUCK_AFTER_DAYS) -> list[ParticipantProgress]:
    """The trainer's participants (seat taken, in published or completed workshops) who have not moved a step in
    more than `days` days, longest-stuck first. One person in two workshops is listed once."""
    registrations = list(
        Registration.objects.filter(
            workshop__trainers=trainer,
            workshop__status__in=[WorkshopStatus.PUBLISHED, WorkshopStatus.COMPLETED],
            status=Status.REGISTERED,
        )
        .select_related("user", "workshop")
        .order_by("created_at", "pk")
    )
    seen, unique = set(), []
    for registration in registrations:
        if registration.user_id not in seen:
            seen.add(registration.user_id)
            unique.append(registration)
    now = timezone.now()
    stuck = [row for row in progress_for_registrations(unique) if not row.finished and (now - row.since).days > days]
    return sorted(stuck, key=lambda row: row.since)


def trainers_with_workshops() -> QuerySet:
    """Active trainers who train at least one published or completed workshop (the weekly digest's audience)."""
    from accounts.models import User

    return User.objects.filter(
        trainer_profile__is_active=True,
        trained_workshops__status__in=[WorkshopStatus.PUBLISHED, WorkshopStatus.COMPLETED],
    ).distinct()


def _shops_of(user_ids: set[int]) -> dict[int, Shop]:
    """Each user's shop: the one they own, else the first they joined."""
    memberships = (
        ShopMember.objects.filter(user_id__in=user_ids)
        .select_related("shop", "shop__district")
        .order_by("user_id", "created_at", "pk")
    )
    shops: dict[int, Shop] = {}
    for membership in memberships:
        if membership.user_id not in shops or membership.role == ShopMember.Role.OWNER:
            if membership.user_id in shops and shops[membership.user_id]._owned:
                continue
            membership.shop._owned = membership.role == ShopMember.Role.OWNER
            shops[membership.user_id] = membership.shop
    return shops


def _submitted(shop: Shop) -> bool:
    return shop.status != Shop.Status.DRAFT or shop.submitted_at is not None


def _approved(shop: Shop) -> bool:
    return shop.status in (Shop.Status.APPROVED, Shop.Status.SUSPENDED)


def _answered_district(registration: Registration) -> str:
    value = (registration.answers or {}).get("district", "")
    return str(value)[:100]

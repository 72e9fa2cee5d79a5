"""A shop (toko) and the people who run it.

A shop moves `draft → submitted → approved | rejected`; a rejected shop is fixed and submitted again, and an
approved shop can be `suspended` and reinstated (`approved`). Only `shops.services` changes the status, under a
row lock, so two operators acting at once cannot both win. Only approved shops are public (DESIGN §3, §4).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from accounts.phone import validate_indonesian_phone

from .regions import District, Province, Regency, Village

NIB_LENGTH = 13
NIB_REGEX = r"^[0-9]{13}$"
POSTAL_CODE_REGEX = r"^[0-9]{5}$"
MAX_COMMISSION_BASIS_POINTS = 10_000

validate_nib = RegexValidator(NIB_REGEX, _("The NIB has exactly 13 digits."), code="invalid_nib")
validate_postal_code = RegexValidator(
    POSTAL_CODE_REGEX, _("The postal code has exactly 5 digits."), code="invalid_postal_code"
)


class Shop(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SUBMITTED = "submitted", _("Waiting for review")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    name = models.CharField(_("shop name"), max_length=80)
    # Made once from the name by `shops.services.shop_create`; it stays when the name changes, so links last.
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    story = models.TextField(_("story"), max_length=1000, blank=True)
    logo = models.ImageField(_("logo"), upload_to="shops/logos/", blank=True)
    banner = models.ImageField(_("banner"), upload_to="shops/banners/", blank=True)
    whatsapp = PhoneNumberField(_("WhatsApp number"), blank=True, region="ID", validators=[validate_indonesian_phone])

    # Address: nullable while the shop is a draft; `shops.services` keeps the levels consistent.
    province = models.ForeignKey(
        Province, on_delete=models.PROTECT, null=True, blank=True, related_name="shops", verbose_name=_("province")
    )
    regency = models.ForeignKey(
        Regency,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="shops",
        verbose_name=_("regency or city"),
    )
    district = models.ForeignKey(
        District, on_delete=models.PROTECT, null=True, blank=True, related_name="shops", verbose_name=_("district")
    )
    village = models.ForeignKey(
        Village, on_delete=models.PROTECT, null=True, blank=True, related_name="shops", verbose_name=_("village")
    )
    street_address = models.CharField(_("street address"), max_length=255, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=5, blank=True, validators=[validate_postal_code])

    # Legal data: shown to shoppers as a badge only once an operator has verified it.
    nib = models.CharField(_("NIB"), max_length=NIB_LENGTH, blank=True, validators=[validate_nib])
    nib_verified_at = models.DateTimeField(_("NIB verified at"), null=True, blank=True)
    halal_certificate_number = models.CharField(_("halal certificate number"), max_length=64, blank=True)
    halal_expires_on = models.DateField(_("halal certificate expiry date"), null=True, blank=True)
    halal_verified_at = models.DateTimeField(_("halal certificate verified at"), null=True, blank=True)
    # The expiry date the owner was last warned about (`shops.tasks.warn_expiring_halal_certificates`):
    # a day the task does not run neither skips nor repeats the mail, and a renewed certificate warns again.
    halal_expiry_warned_for = models.DateField(_("halal expiry warning sent for"), null=True, blank=True)
    pirt_number = models.CharField(_("PIRT number"), max_length=32, blank=True)
    pirt_verified_at = models.DateTimeField(_("PIRT number verified at"), null=True, blank=True)

    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.DRAFT)
    # Why the shop was rejected or suspended, as the operator wrote it to the owner; empty otherwise.
    status_reason = models.TextField(_("reason"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    # Vacation mode: closed until this date (products stay visible but cannot be bought); null = open.
    closed_until = models.DateField(_("closed until"), null=True, blank=True)
    # Set by an operator: this shop's newly published products wait for an operator's approval.
    review_new_products = models.BooleanField(_("new products need review"), default=False)
    # Overrides the site's commission rate for this shop, in basis points (100 = 1%); null = the default.
    commission_basis_points = models.PositiveIntegerField(
        _("commission (basis points)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(MAX_COMMISSION_BASIS_POINTS)],
    )
    # The shop accepts cash on delivery (the seller collects the money and marks the order paid).
    accepts_cash_on_delivery = models.BooleanField(_("accepts cash on delivery"), default=False)
    # Review aggregates kept by `orders.services` (see Product.rating_total).
    rating_count = models.PositiveIntegerField(_("number of ratings"), default=0, editable=False)
    rating_total = models.PositiveIntegerField(_("sum of ratings"), default=0, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        indexes = [models.Index(fields=["status", "name"], name="shops_shop_status_name")]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "approved", "rejected", "suspended"]),
                name="shops_shop_status_valid",
            ),
            models.CheckConstraint(condition=Q(nib="") | Q(nib__regex=NIB_REGEX), name="shops_shop_nib_13_digits"),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=POSTAL_CODE_REGEX),
                name="shops_shop_postal_code_5_digits",
            ),
            models.CheckConstraint(
                condition=Q(commission_basis_points__isnull=True)
                | Q(commission_basis_points__lte=MAX_COMMISSION_BASIS_POINTS),
                name="shops_shop_commission_at_most_100_percent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_public(self) -> bool:
        return self.status == self.Status.APPROVED

    @property
    def rating_average(self) -> float | None:
        return round(self.rating_total / self.rating_count, 1) if self.rating_count else None

    def is_closed_on(self, day) -> bool:
        """Vacation mode: closed up to and including `closed_until`."""
        return self.closed_until is not None and day <= self.closed_until


class ShopMember(models.Model):
    """A user's place in a shop. One owner per shop, and a user owns at most one shop."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        STAFF = "staff", _("Staff")

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="members", verbose_name=_("shop"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="shop_memberships", verbose_name=_("user")
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("shop member")
        verbose_name_plural = _("shop members")
        constraints = [
            models.UniqueConstraint(fields=["shop", "user"], name="shops_member_shop_user_unique"),
            models.UniqueConstraint(fields=["shop"], condition=Q(role="owner"), name="shops_member_one_owner_per_shop"),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role="owner"), name="shops_member_one_owned_shop_per_user"
            ),
            models.CheckConstraint(condition=Q(role__in=["owner", "staff"]), name="shops_member_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.shop} ({self.get_role_display()})"


class ShopInvitation(models.Model):
    """The owner invites someone by email to join the shop as staff.

    The link carries a random token; only its SHA-256 is stored, so a database leak does not leak working links.
    The invitation is accepted by a signed-in user whose *verified* email is the invited address, once, before it
    expires. At most one open invitation per shop and address (a conditional unique constraint).
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("shop"))
    email = models.EmailField(_("email"))
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("shop invitation")
        verbose_name_plural = _("shop invitations")
        constraints = [
            models.UniqueConstraint(
                models.F("shop"),
                Lower("email"),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="shops_invitation_one_open_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} → {self.shop}"

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.accepted_at is None and self.revoked_at is None and self.expires_at > now

from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from .managers import UserManager
from .phone import format_phone_national, validate_indonesian_phone


class User(AbstractBaseUser, PermissionsMixin):
    """A person using Pasar UMKM. Email is the login; there is no username.

    Roles are not stored here: a user is a seller through shop membership, a trainer through a trainer
    profile, and an operator through Django groups and permissions (DESIGN §3).
    """

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=150)
    phone = PhoneNumberField(
        _("phone / WhatsApp"),
        blank=True,
        region="ID",
        validators=[validate_indonesian_phone],
        help_text=_("An Indonesian number, for example 0812-3456-7890."),
    )
    is_staff = models.BooleanField(_("staff"), default=False, help_text=_("May log in to the Django admin."))
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [models.UniqueConstraint(Lower("email"), name="accounts_user_email_ci_unique")]

    def __str__(self):
        return self.full_name or self.email

    def clean(self):
        super().clean()
        self.email = UserManager.normalize_email_address(self.email)

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name.split(" ")[0] if self.full_name else self.email

    @property
    def phone_display(self) -> str:
        return format_phone_national(self.phone)

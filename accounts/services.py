from allauth.account.models import EmailAddress
from django.db import transaction

from .models import User


@transaction.atomic
def user_update_profile(*, user: User, full_name: str | None = None, phone: str | None = None) -> User:
    """Change the profile fields a user may edit themselves.

    `full_name` is already whitespace-normalised and non-empty; `phone` is already normalised to E.164
    or empty (callers validate through the profile form or the API serializer). Fields left None are
    untouched. Email changes do not come here: they go through allauth's verified change-email flow.
    """
    update_fields = []
    if full_name is not None:
        user.full_name = full_name
        update_fields.append("full_name")
    if phone is not None:
        user.phone = phone
        update_fields.append("phone")
    if update_fields:
        user.save(update_fields=update_fields)
    return user


@transaction.atomic
def user_forget_replaced_email_addresses(*, user: User) -> int:
    """After an operator changed `user.email` (Wagtail or Django admin), drop allauth's other addresses.

    allauth logs in and sends password-reset links to every address in its EmailAddress table, so an
    address the operator replaced (a lost or former mailbox) would otherwise keep opening the account.
    The new address is not marked verified: mandatory verification mails it at the next login.
    Returns how many addresses were removed.
    """
    removed, _ = EmailAddress.objects.filter(user=user).exclude(email__iexact=user.email).delete()
    return removed

"""A person a trainer invited by email is registered once they verify that address (see
`workshops.services.invitations_accept_for_user`)."""

from allauth.account.signals import email_confirmed
from django.dispatch import receiver

from .services import invitations_accept_for_user


@receiver(email_confirmed, dispatch_uid="workshops_accept_invitations")
def accept_invitations(sender, request, email_address, **kwargs) -> None:
    invitations_accept_for_user(user=email_address.user)

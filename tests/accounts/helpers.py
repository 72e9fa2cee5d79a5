"""Small steps the account tests share: what a person does in the browser, spelled once."""

import re

from django.core.mail import EmailMessage

from tests.factories.accounts import DEFAULT_PASSWORD

_LINK = re.compile(r"https?://testserver(/\S+)")


def link_in_mail(message: EmailMessage) -> str:
    """The path of the one link in an account mail (verification, password reset)."""
    links = _LINK.findall(message.body)
    assert len(links) == 1, message.body
    return links[0]


def log_in(client, email: str, password: str = DEFAULT_PASSWORD):
    return client.post("/akun/login/", {"login": email, "password": password})


def logged_in_user_id(client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value is not None else None

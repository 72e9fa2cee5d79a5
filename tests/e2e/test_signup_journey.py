"""A new shopper on a phone: signs up, verifies the email, logs in, switches to English, logs out."""

import re
from importlib import import_module

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings
from playwright.sync_api import expect

from accounts.models import User
from cms.demo import seed_home_page
from marketplace.core.models import OutgoingEmail

FULL_NAME = "Wayan Pembeli Baru"
EMAIL = "wayan.pembeli@contoh.id"
PASSWORD = "kopi-bali-enak-2026"
HERO_HEADING = "Belanja langsung dari UMKM Badung"
SessionStore = import_module(settings.SESSION_ENGINE).SessionStore


def session_key(page) -> str | None:
    """The session cookie the browser holds, if any."""
    return next((c["value"] for c in page.context.cookies() if c["name"] == settings.SESSION_COOKIE_NAME), None)


def logged_in_user_id(page) -> str | None:
    """Whom the server-side session behind the browser's cookie is logged in as; None for nobody."""
    key = session_key(page)
    if key is None or not SessionStore().exists(key):
        return None
    return SessionStore(session_key=key).get("_auth_user_id")


def field_label(text: str) -> re.Pattern:
    """A form label however the template decorates it: "Kata sandi", "Kata sandi:", "Kata sandi *"."""
    return re.compile(rf"^{re.escape(text)}\W*$")


@pytest.mark.e2e
def test_shopper_signs_up_verifies_email_logs_in_switches_to_english_and_logs_out(live_server, page, mailoutbox):
    seed_home_page()
    main = page.get_by_role("main")
    header = page.get_by_role("banner")
    messages = main.locator("ul.messages")  # base.html's list of django.contrib.messages

    # Sign up (Indonesian, the default language), leaving the optional phone number empty.
    page.goto(f"{live_server.url}/akun/signup/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    main.get_by_label(field_label("Nama lengkap")).fill(FULL_NAME)
    main.get_by_label(field_label("Email")).fill(EMAIL)
    main.get_by_label(field_label("Kata sandi")).fill(PASSWORD)
    main.get_by_label(field_label("Kata sandi (lagi)")).fill(PASSWORD)
    main.get_by_role("button", name="Daftar").click()

    expect(page).to_have_url(f"{live_server.url}/akun/confirm-email/")
    expect(main.get_by_role("heading", level=1)).to_have_text("Verifikasi Alamat E-mail Anda")
    expect(messages).to_have_text(f"E-mail konfirmasi dikirim ke {EMAIL}.")
    user = User.objects.get()
    assert (user.email, user.full_name, user.phone) == (EMAIL, FULL_NAME, "")
    assert list(EmailAddress.objects.values_list("user_id", "email", "primary", "verified")) == [
        (user.pk, EMAIL, True, False)
    ]
    assert logged_in_user_id(page) is None  # mandatory verification: no login before the email is confirmed

    # The verification mail went through the outbox (tests/e2e/conftest.py): stored with the signup, delivered
    # after commit to the locmem backend of this very process.
    assert list(OutgoingEmail.objects.values_list("to", "status", "attempts")) == [([EMAIL], "sent", 1)]
    assert len(mailoutbox) == 1
    mail = mailoutbox[0]
    assert (mail.to, mail.subject) == ([EMAIL], "[Pasar UMKM] Mohon Konfirmasi Alamat E-mail Anda")
    links = re.findall(r"http://\S+", mail.body)
    assert len(links) == 1
    assert links[0].startswith(f"{live_server.url}/akun/confirm-email/")

    # ACCOUNT_CONFIRM_EMAIL_ON_GET=False: the link shows a page with a button, and only the POST verifies.
    page.goto(links[0])
    expect(main.get_by_role("heading", level=1)).to_have_text("Konfirmasi Alamat E-mail")
    expect(main).to_contain_text(f"Mohon konfirmasi bahwa {EMAIL} adalah alamat e-mail untuk pengguna {FULL_NAME}.")
    assert EmailAddress.objects.get(email=EMAIL).verified is False
    main.get_by_role("button", name="Konfirmasi").click()

    expect(page).to_have_url(f"{live_server.url}/akun/login/")
    expect(messages).to_have_text(f"Anda telah mengkonfirmasi {EMAIL}.")
    assert EmailAddress.objects.get(email=EMAIL).verified is True

    # Log in.
    main.get_by_label(field_label("Email")).fill(EMAIL)
    main.get_by_label(field_label("Kata sandi")).fill(PASSWORD)
    main.get_by_role("button", name="Masuk").click()

    # The home page, in Indonesian, with the account menu instead of "Masuk"/"Daftar".
    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.locator("html")).to_have_attribute("lang", "id")
    expect(messages).to_have_text(f"Berhasil masuk sebagai {FULL_NAME}.")
    expect(main.get_by_role("heading", level=1)).to_have_text(HERO_HEADING)
    expect(header.get_by_role("button", name="Cari")).to_be_visible()
    expect(header.get_by_role("link", name="Masuk")).to_have_count(0)
    account_menu = header.locator("details.account-menu")
    expect(account_menu.locator("summary")).to_have_text("Wayan")
    expect(account_menu.get_by_role("button", name="Keluar")).to_be_hidden()
    account_menu.locator("summary").click()
    expect(account_menu.get_by_role("button", name="Keluar")).to_be_visible()
    # Nothing pushes the layout wider than the phone's screen.
    assert page.evaluate("document.documentElement.scrollWidth") == 360
    assert logged_in_user_id(page) == str(user.pk)
    logged_in_session_key = session_key(page)

    # Switch to English with the footer's language switcher.
    footer = page.get_by_role("contentinfo")
    footer.get_by_role("navigation", name="Bahasa").get_by_role("link", name="English").click()

    expect(page).to_have_url(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(header.get_by_role("button", name="Search", exact=True)).to_be_visible()
    expect(footer.get_by_role("navigation", name="Language").get_by_role("link", name="English")).to_have_attribute(
        "aria-current", "true"
    )
    # Page content is Indonesian only (one Wagtail locale); the chrome around it is English.
    expect(main.get_by_role("heading", level=1)).to_have_text(HERO_HEADING)
    account_menu.locator("summary").click()
    expect(account_menu.get_by_role("button", name="Log out")).to_be_visible()
    assert session_key(page) == logged_in_session_key
    assert logged_in_user_id(page) == str(user.pk)

    # Log out: the header's form POSTs straight to allauth's logout view (no confirmation page).
    account_menu.get_by_role("button", name="Log out").click()

    expect(header.locator("details.account-menu")).to_have_count(0)
    assert session_key(page) is None
    assert SessionStore().exists(logged_in_session_key) is False  # gone on the server too, not just forgotten
    # The shopper stays in the language they chose (AccountAdapter.get_logout_redirect_url); this once landed on
    # the Indonesian "/" with allauth's message still in English.
    expect(page).to_have_url(f"{live_server.url}/en/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(messages).to_have_text("You have signed out.")
    expect(header.get_by_role("link", name="Log in", exact=True)).to_be_visible()
    expect(header.get_by_role("link", name="Sign up", exact=True)).to_be_visible()

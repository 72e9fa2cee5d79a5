"""The demo workshops of `manage.py seed_demo` (workshops.demo).

Seeding the catalogue makes 120 photos through the upload pipeline, so the module seeds once (through the
command, as `make demo` does) inside a transaction rolled back at the end, as tests/shops/test_demo_catalogue.py
does; each test's own changes are rolled back by the `db` fixture as usual.
"""

from datetime import timedelta
from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from orders.models import ShopOrder
from payments.models import PayoutAccount
from shops.models import Product, Shop
from shops.selectors import shop_list_public
from workshops.demo import COMPLETED_TITLE, UPCOMING_CAPACITY, UPCOMING_TITLE
from workshops.models import Registration, TrainerProfile, Workshop, WorkshopInvitation, WorkshopSession
from workshops.selectors import STEP_KEYS, participant_progress, workshop_list_public

pytestmark = pytest.mark.timeout(900)  # the module's first test seeds the demo catalogue


def snapshot() -> dict:
    """Every row the workshop seeding writes, and the rows of the other apps it adds to."""
    return {
        "users": User.objects.count(),
        "emails": EmailAddress.objects.count(),
        "shops": list(Shop.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "products": Product.objects.count(),
        "orders": list(ShopOrder.objects.order_by("pk").values_list("pk", "status")),
        "payout_accounts": list(PayoutAccount.objects.order_by("pk").values_list("pk", "updated_at")),
        "profiles": list(TrainerProfile.objects.values_list("user_id", "is_active", "granted_at")),
        "workshops": list(Workshop.objects.order_by("pk").values_list("pk", "status", "updated_at")),
        "sessions": list(WorkshopSession.objects.order_by("pk").values_list("pk", "starts_at")),
        "registrations": list(
            Registration.objects.order_by("pk").values_list("pk", "status", "checked_in_at", "certificate_code")
        ),
        "invitations": WorkshopInvitation.objects.count(),
    }


def demo_trainer() -> User:
    return User.objects.get(email="pelatih@pasarumkm.test")


# Runs first, before the module's seeding exists (tests run in file order): the plain `db` fixture, rolled back.
def test_without_the_catalogue_only_the_demo_accounts_take_part(db):
    """`seed_demo --no-catalogue`: no account, shop or order is added; the seller and the shopper take part."""
    assert not Workshop.objects.exists()
    call_command("seed_demo", force=True, catalogue=False, stdout=StringIO())
    completed = Workshop.objects.get(title=COMPLETED_TITLE)
    upcoming = Workshop.objects.get(title=UPCOMING_TITLE)

    assert User.objects.count() == 4
    assert Shop.objects.count() == 0
    participants = {registration.user.email for registration in completed.registrations.all()}
    assert participants == {"penjual@pasarumkm.test", "pembeli@pasarumkm.test"}
    assert all(registration.certificate_code for registration in completed.registrations.all())
    assert completed.status == Workshop.Status.COMPLETED
    assert [registration.user.email for registration in upcoming.registrations.all()] == ["pembeli@pasarumkm.test"]
    assert workshop_list_public().filter(pk=upcoming.pk).exists()
    before = snapshot()

    call_command("seed_demo", force=True, catalogue=False, stdout=StringIO())

    assert snapshot() == before


def test_seeding_prints_a_workshops_line_and_sends_no_mail(demo):
    assert "Workshops: 1 completed (9 participants checked in), 1 upcoming on " in demo["output"]
    assert f"(3 of {UPCOMING_CAPACITY} seats taken); this run created 2" in demo["output"]
    assert demo["mails"] == 0
    assert demo["outbox_rows"] == 0


def test_the_demo_trainer_is_a_trainer_granted_by_the_demo_operator(demo):
    profile = TrainerProfile.objects.get(user=demo_trainer())

    assert profile.is_active
    assert profile.granted_by.email == "operator@pasarumkm.test"


def test_the_completed_workshop_has_participants_at_every_step_all_checked_in(demo):
    completed = Workshop.objects.get(title=COMPLETED_TITLE)
    rows = participant_progress(workshop=completed)

    assert completed.status == Workshop.Status.COMPLETED
    assert list(completed.trainers.all()) == [demo_trainer()]
    assert sorted(row.step for row in rows) == sorted(STEP_KEYS)  # one participant per step
    assert [row.step for row in rows if row.registration.user.email == "penjual@pasarumkm.test"] == ["order_shipped"]
    registrations = list(completed.registrations.all())
    assert len(registrations) == len(STEP_KEYS)
    assert all(registration.status == Registration.Status.REGISTERED for registration in registrations)
    assert all(registration.checked_in_at is not None for registration in registrations)
    assert all(registration.certificate_code for registration in registrations)
    assert len({registration.certificate_code for registration in registrations}) == len(registrations)


def test_the_completed_workshop_happened_last_month_in_badung(demo):
    completed = Workshop.objects.select_related("district__regency").get(title=COMPLETED_TITLE)
    sessions = list(completed.sessions.all())
    now = timezone.now()

    assert len(sessions) == 2
    assert all(now - timedelta(days=45) < session.starts_at < now - timedelta(days=20) for session in sessions)
    assert completed.registration_deadline < sessions[0].starts_at
    assert completed.district.regency.name.endswith("Badung")
    for registration in completed.registrations.all():
        assert registration.created_at < sessions[0].starts_at
        assert sessions[0].starts_at - timedelta(hours=1) < registration.checked_in_at < sessions[0].ends_at


def test_the_upcoming_workshop_is_public_in_two_weeks_with_open_seats(demo):
    upcoming = Workshop.objects.get(title=UPCOMING_TITLE)
    listed = workshop_list_public().get(pk=upcoming.pk)
    first = upcoming.sessions.first()

    assert upcoming.status == Workshop.Status.PUBLISHED
    assert list(upcoming.trainers.all()) == [demo_trainer()]
    assert upcoming.capacity == UPCOMING_CAPACITY
    assert 0 < listed.seats_taken < upcoming.capacity
    assert listed.seats_taken == 3
    assert timedelta(days=12) < first.starts_at - timezone.now() < timedelta(days=16)
    assert upcoming.registration_deadline > timezone.now()


def test_the_catalogue_keeps_its_public_counts(demo):
    """Participants' shops are a draft and an approved one without products: no product is added."""
    assert Product.objects.count() == 120
    assert shop_list_public().count() == 9
    assert not Shop.objects.get(members__user__email="kadek.peserta@pasarumkm.test").products.exists()
    assert Shop.objects.get(members__user__email="komang.peserta@pasarumkm.test").status == Shop.Status.DRAFT
    first_order = ShopOrder.objects.get(
        shop__slug="kopi-pelaga-bu-komang", order__buyer__email="gede.peserta@pasarumkm.test"
    )
    assert first_order.shipped_at is None


def test_the_home_page_shows_the_upcoming_workshop(demo, client):
    html = client.get("/").content.decode()

    assert UPCOMING_TITLE in html
    assert "data-workshop-card" in html


def test_seeding_twice_creates_and_changes_nothing(demo):
    before = snapshot()

    out = StringIO()
    call_command("seed_demo", force=True, stdout=out)

    assert snapshot() == before
    assert "this run created 0" in out.getvalue()
    assert len(mail.outbox) == 0

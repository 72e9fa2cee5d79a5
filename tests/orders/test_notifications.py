"""The mails of orders (orders.services.notifications): who gets which mail, in which language, with what, and
that they are outbox rows of the caller's transaction. Operators' wording replaces the default; a broken one
never loses the mail."""

import logging
from datetime import UTC, datetime

import pytest
from django.core import mail
from django.db import transaction

from marketplace.core.emails import default_template_source, registered_emails, render_email
from marketplace.core.models import EmailTemplate, OutgoingEmail
from orders.documents import order_token_valid
from orders.models import ShopOrder
from orders.services import notifications
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_placed import PaymentFactory, placed_order
from tests.factories.shops import ShopMemberFactory

pytestmark = pytest.mark.django_db

SITE = "https://pasar.test"
ACCOUNT = {"bank": "BPD Bali", "number": "0123456789", "holder": "PT Pasar UMKM Digital"}
PAY_BEFORE = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)  # 10:30 in Bali (WITA)


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE
    settings.BANK_TRANSFER_ACCOUNTS = [ACCOUNT]


def buyer():
    return VerifiedUserFactory(full_name="Putu Ayu Lestari", email="putu@contoh.id")


def shop_orders_of(order) -> list[ShopOrder]:
    return list(order.shop_orders.select_related("shop").order_by("pk"))


def owner_email(shop_order: ShopOrder) -> str:
    return shop_order.shop.members.get(role="owner").user.email


def mails_to() -> list[list[str]]:
    return [message.to for message in mail.outbox]


# --- Order placed ---------------------------------------------------------------------------------


def test_order_placed_mails_the_shopper_and_each_shops_members_once():
    order = placed_order(buyer=buyer(), shops=2, pay_before=PAY_BEFORE)
    first, second = shop_orders_of(order)
    staff = ShopMemberFactory(shop=first.shop, user__email="staf@contoh.id")
    ShopMemberFactory(shop=first.shop, user__email="keluar@contoh.id", user__is_active=False)
    payment = PaymentFactory(order=order, unique_code=123)

    notifications.notify_order_placed(order=order)

    assert mails_to() == [["putu@contoh.id"], [owner_email(first), staff.user.email], [owner_email(second)]]
    shopper = mail.outbox[0]
    assert shopper.subject.startswith("[Pasar UMKM] ")
    assert order.number in shopper.subject
    # Indonesian by default: the greeting and Django's own month names.
    assert shopper.body.startswith("Halo Putu,\n")
    for shop_order in (first, second):
        assert f"{shop_order.shop.name} · {shop_order.number}" in shopper.body
    assert shopper.body.count("2 x Rp 15.000 = Rp 30.000") == 2
    assert "Rp 80.000" in shopper.body  # the order's total: 2 x (Rp 30.000 + Rp 10.000 shipping)
    assert payment.amount == 80_123
    assert "Rp 80.123" in shopper.body
    assert "- BPD Bali, account 0123456789, in the name of PT Pasar UMKM Digital\n" in shopper.body or (
        "- BPD Bali, rekening 0123456789, a.n. PT Pasar UMKM Digital\n" in shopper.body
    )
    assert "1 Desember 2026, 10:30 WITA" in shopper.body
    assert "Jl. Raya Canggu No. 7" in shopper.body
    assert f"{SITE}/pesanan/{order.number}/\n" in shopper.body
    assert "?t=" not in shopper.body

    seller = mail.outbox[1]
    assert first.number in seller.subject
    assert first.number in seller.body
    assert second.number not in seller.body
    assert "2 x Rp 15.000 = Rp 30.000" in seller.body
    assert f"{SITE}/penjual/pesanan/{first.number}/" in seller.body
    assert f"{SITE}/dokumen/label/{first.number}.pdf" in seller.body
    assert "Jl. Raya Canggu No. 7" in seller.body
    assert "BPD Bali" not in seller.body
    assert seller.body.endswith("Tim Pasar UMKM\n")


def test_order_placed_mail_is_in_english_for_an_english_order_and_sellers_still_read_indonesian():
    order = placed_order(buyer=buyer(), language="en", pay_before=PAY_BEFORE)
    PaymentFactory(order=order, unique_code=7)

    notifications.notify_order_placed(order=order)

    shopper, seller = mail.outbox
    assert shopper.subject == f"[Pasar UMKM] We have received your order {order.number}"
    assert shopper.body.startswith(
        f"Hello Putu,\n\nThank you for shopping at Pasar UMKM. We have received your order {order.number}:\n"
    )
    assert "Please transfer exactly Rp 40.007 to one of these accounts:" in shopper.body
    assert "Pay before 1 December 2026, 10:30 WITA" in shopper.body
    assert f"{SITE}/en/pesanan/{order.number}/" in shopper.body
    assert shopper.body.endswith("Pasar UMKM team\n")
    assert seller.body.endswith("Tim Pasar UMKM\n")


def test_guest_order_link_carries_the_orders_signed_key():
    order = placed_order(buyer=None, email="tamu@contoh.id", recipient_name="Kadek Tamu")
    other = placed_order(buyer=None)

    notifications.notify_order_placed(order=order)

    shopper = mail.outbox[0]
    assert shopper.to == ["tamu@contoh.id"]
    assert shopper.body.startswith("Halo Kadek Tamu,\n")
    link = next(line for line in shopper.body.splitlines() if "/pesanan/" in line).split(" ")[-1]
    assert link.startswith(f"{SITE}/pesanan/{order.number}/?t=")
    token = link.split("?t=")[1]
    assert order_token_valid(order=order, token=token) is True
    assert order_token_valid(order=other, token=token) is False


def test_cash_on_delivery_order_placed_mail_has_no_transfer_instructions():
    order = placed_order(buyer=buyer(), payment_method="cod", status="processing")

    notifications.notify_order_placed(order=order)

    shopper, seller = mail.outbox
    assert "BPD Bali" not in shopper.body
    assert "BPD Bali" not in seller.body


def test_a_shop_without_any_member_email_gets_no_mail():
    order = placed_order(buyer=buyer())
    (shop_order,) = shop_orders_of(order)
    shop_order.shop.members.update(user=VerifiedUserFactory(email=""))

    notifications.notify_order_placed(order=order)

    assert mails_to() == [["putu@contoh.id"]]


# --- Paid, accepted, shipped, delivered -----------------------------------------------------------


def test_order_paid_mails_the_shopper_and_only_the_shops_that_were_paid():
    order = placed_order(buyer=buyer(), shops=2)
    first, second = shop_orders_of(order)

    notifications.notify_order_paid(order=order, shop_orders=[first])

    assert mails_to() == [["putu@contoh.id"], [owner_email(first)]]
    shopper, seller = mail.outbox
    assert order.number in shopper.subject
    assert first.number in shopper.body
    assert second.number not in shopper.body
    assert f"{SITE}/dokumen/faktur/{first.number}.pdf" in shopper.body
    assert first.number in seller.subject
    assert f"{SITE}/penjual/pesanan/{first.number}/" in seller.body


@pytest.mark.parametrize(
    ("function", "english_subject"),
    [
        ("notify_shop_order_accepted", "[Pasar UMKM] {shop} is preparing your order {number}"),
        ("notify_shop_order_shipped", "[Pasar UMKM] Your order {number} is on its way"),
        ("notify_shop_order_delivered", "[Pasar UMKM] Your order {number} has been delivered"),
    ],
)
def test_each_step_of_a_shop_order_mails_the_shopper_only(function, english_subject):
    order = placed_order(buyer=buyer(), shops=2)
    first, second = shop_orders_of(order)

    getattr(notifications, function)(shop_order=first)
    order.language = "en"
    order.save(update_fields=["language"])
    getattr(notifications, function)(shop_order=first)

    assert mails_to() == [["putu@contoh.id"], ["putu@contoh.id"]]
    indonesian, english = mail.outbox
    assert indonesian.body.startswith("Halo Putu,\n")
    assert first.number in indonesian.subject
    assert english.subject == english_subject.format(shop=first.shop.name, number=first.number)
    for message in (indonesian, english):
        assert "2 x Rp 15.000 = Rp 30.000" in message.body
        assert second.number not in message.body


def test_shipped_mail_gives_the_courier_and_tracking_number():
    order = placed_order(buyer=buyer(), language="en", status="shipped")
    (shop_order,) = shop_orders_of(order)
    ShopOrder.objects.filter(pk=shop_order.pk).update(courier="JNE", tracking_number="JNE0012345678")

    notifications.notify_shop_order_shipped(shop_order=shop_order)

    (message,) = mail.outbox
    assert "Shipping: JNE Reguler\nCourier: JNE\nTracking number: JNE0012345678\n" in message.body


# --- Cancelled ------------------------------------------------------------------------------------


def test_cancelled_mails_the_shopper_and_the_seller_with_who_and_why():
    order = placed_order(buyer=buyer(), language="en", status="cancelled")
    (shop_order,) = shop_orders_of(order)
    ShopOrder.objects.filter(pk=shop_order.pk).update(cancel_reason="Stok habis", paid_at=PAY_BEFORE)

    notifications.notify_shop_order_cancelled(shop_order=shop_order, by="seller")

    assert mails_to() == [["putu@contoh.id"], [owner_email(shop_order)]]
    shopper, seller = mail.outbox
    assert shopper.subject == f"[Pasar UMKM] Order {shop_order.number} has been cancelled"
    assert "has been cancelled (by: Seller).\nReason: Stok habis\n" in shopper.body
    assert "we will refund it" in shopper.body
    # The seller reads Indonesian whatever the shopper's language: "Penjual" is the Indonesian "Seller".
    assert "(by: Penjual)" in seller.body or "(oleh: Penjual)" in seller.body
    assert "Stok habis" in seller.body


def test_cancelled_unpaid_order_says_nothing_about_a_refund():
    order = placed_order(buyer=buyer(), language="en", status="cancelled")
    (shop_order,) = shop_orders_of(order)

    notifications.notify_shop_order_cancelled(shop_order=shop_order, by="shopper")

    shopper = mail.outbox[0]
    assert "(by: Shopper)." in shopper.body
    assert "refund" not in shopper.body
    assert "Reason:" not in shopper.body


# --- Payment reminders and expiry -----------------------------------------------------------------


def test_payment_expiring_reminds_the_shopper_with_the_deadline_and_what_to_pay():
    order = placed_order(buyer=buyer(), language="en", shops=2, pay_before=PAY_BEFORE)
    PaymentFactory(order=order, unique_code=45)

    notifications.notify_payment_expiring(order=order)

    (message,) = mail.outbox
    assert message.to == ["putu@contoh.id"]
    assert message.subject == (
        f"[Pasar UMKM] Reminder: please pay for order {order.number} before 1 December 2026, 10:30 WITA"
    )
    assert "Please transfer exactly Rp 80.045 to one of these accounts:" in message.body
    assert "Order total: Rp 80.000" in message.body


def test_order_expired_tells_the_shopper_it_was_cancelled():
    order = placed_order(buyer=buyer(), language="en", status="cancelled")

    notifications.notify_order_expired(order=order)

    (message,) = mail.outbox
    assert message.to == ["putu@contoh.id"]
    assert message.subject == f"[Pasar UMKM] Order {order.number} was cancelled: no payment received"
    assert "has been cancelled and its items have gone back to the sellers' stock" in message.body


# --- Operators' wording ---------------------------------------------------------------------------


def test_an_operators_saved_template_replaces_the_default_in_its_language_only():
    EmailTemplate.objects.create(
        key="shop_order_shipped",
        language="id",
        subject="Paket {{ shop_order.number }} meluncur!",
        body="Halo {{ customer_name }}, resi Anda: {{ shop_order.tracking_number }}.\n{{ order_url }}",
    )
    order = placed_order(buyer=buyer(), status="shipped")
    (shop_order,) = shop_orders_of(order)
    ShopOrder.objects.filter(pk=shop_order.pk).update(tracking_number="JNE0012345678")

    notifications.notify_shop_order_shipped(shop_order=shop_order)
    order.language = "en"
    order.save(update_fields=["language"])
    notifications.notify_shop_order_shipped(shop_order=shop_order)

    indonesian, english = mail.outbox
    assert indonesian.subject == f"Paket {shop_order.number} meluncur!"
    assert indonesian.body == f"Halo Putu, resi Anda: JNE0012345678.\n{SITE}/pesanan/{order.number}/"
    assert english.subject == f"[Pasar UMKM] Your order {shop_order.number} is on its way"


@pytest.mark.parametrize(
    ("subject", "body"),
    [
        ("Pesanan {{ order.number }}", "Halo {{ nama_yang_tidak_ada }}"),  # a variable that does not exist
        ("Pesanan {{ order.number }}", "{% if %}rusak"),  # saved around the form's check
        ("Pesanan {{ order.number|tidak_ada }}", "Halo"),  # an unknown filter
    ],
)
def test_a_broken_saved_template_falls_back_to_the_default_and_logs_an_error(caplog, subject, body):
    EmailTemplate.objects.create(key="order_expired", language="en", subject=subject, body=body)
    order = placed_order(buyer=buyer(), language="en", status="cancelled")

    with caplog.at_level(logging.ERROR, logger="marketplace.core.emails"):
        notifications.notify_order_expired(order=order)

    (message,) = mail.outbox
    assert message.subject == f"[Pasar UMKM] Order {order.number} was cancelled: no payment received"
    assert message.body.startswith("Hello Putu,\n")
    assert [record.getMessage() for record in caplog.records] == [
        "The saved email template 'order_expired' (en) could not be rendered; the default was used."
    ]


def test_if_and_for_on_a_missing_variable_stay_quiet_in_a_saved_template():
    EmailTemplate.objects.create(
        key="order_expired",
        language="id",
        subject="Pesanan {{ order.number }}",
        body="{% if tidak_ada %}x{% endif %}{% for baris in juga_tidak_ada %}y{% endfor %}Batal.",
    )
    order = placed_order(buyer=buyer())

    subject, body = render_email("order_expired", {"order": order}, language="id")

    assert (subject, body) == (f"Pesanan {order.number}", "Batal.")


# --- The outbox: rows of the caller's transaction -------------------------------------------------


@pytest.fixture
def outbox(settings):
    settings.EMAIL_BACKEND = "marketplace.core.mail.OutboxEmailBackend"
    settings.EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    return settings


def test_mails_are_outbox_rows_of_the_transaction_and_delivered_after_commit(
    outbox, django_capture_on_commit_callbacks
):
    order = placed_order(buyer=buyer(), shops=2)

    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        notifications.notify_order_placed(order=order)
        assert OutgoingEmail.objects.count() == 3
        assert mail.outbox == []

    assert sorted(OutgoingEmail.objects.values_list("status", flat=True)) == ["sent", "sent", "sent"]
    assert len(mail.outbox) == 3


@transaction.atomic
def notify_then_roll_back(order) -> None:
    notifications.notify_order_placed(order=order)
    raise RuntimeError("abort")


def test_a_rolled_back_change_leaves_no_mail(outbox, django_capture_on_commit_callbacks):
    order = placed_order(buyer=buyer(), shops=2)

    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError, match="abort"):
        notify_then_roll_back(order)

    assert callbacks == []
    assert OutgoingEmail.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize("language", ["id", "en"])
def test_the_default_text_an_operator_starts_from_renders_the_same_mails_as_the_default(language):
    order = placed_order(buyer=buyer(), shops=2, language=language, pay_before=PAY_BEFORE)
    PaymentFactory(order=order, unique_code=9)
    first = shop_orders_of(order)[0]
    ShopOrder.objects.filter(pk=first.pk).update(
        courier="JNE", tracking_number="JNE0012345678", cancel_reason="Stok habis", note_to_seller="Pedas"
    )

    def send_every_mail():
        notifications.notify_order_placed(order=order)
        notifications.notify_order_paid(order=order, shop_orders=[first])
        notifications.notify_shop_order_accepted(shop_order=first)
        notifications.notify_shop_order_shipped(shop_order=first)
        notifications.notify_shop_order_delivered(shop_order=first)
        notifications.notify_shop_order_cancelled(shop_order=first, by="operator")
        notifications.notify_payment_expiring(order=order)
        notifications.notify_order_expired(order=order)

    send_every_mail()
    defaults = [(message.to, message.subject, message.body) for message in mail.outbox]
    for email in registered_emails():
        for template_language in ("id", "en"):
            subject, body = default_template_source(email.key, language=template_language)
            EmailTemplate.objects.create(key=email.key, language=template_language, subject=subject, body=body)
    mail.outbox.clear()
    send_every_mail()

    assert len(defaults) == 12
    assert [(message.to, message.subject, message.body) for message in mail.outbox] == defaults

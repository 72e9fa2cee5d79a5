"""Shared setup of the payments tests: operators, orders with a known transfer amount, files to upload."""

import io
import struct
import zlib

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from accounts.selectors import OPERATOR_GROUP
from orders.selectors.orders import order_access_token
from payments.models import Payment
from tests.factories.accounts import VerifiedUserFactory
from tests.orders.builders import cart_with, place, shop_with_shipping, two_shop_order, variant_of


@pytest.fixture(autouse=True)
def _indonesian():
    with translation.override("id"):
        yield


def in_indonesian(message: str) -> str:
    """The message as an Indonesian reader sees it (the msgid itself until the catalogue has it)."""
    with translation.override("id"):
        return str(translation.gettext(message))


def make_operator(*, confirm: bool = True):
    """A user who may enter the Wagtail admin, in the Operator group; `confirm=False`: an admin user outside
    the group, without the permission to confirm transfers."""
    user = VerifiedUserFactory()
    group = Group.objects.get_or_create(name=OPERATOR_GROUP if confirm else "Editor")[0]
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    if confirm:
        group.permissions.add(
            Permission.objects.get(content_type__app_label="payments", codename="confirm_bank_transfer")
        )
    user.groups.add(group)
    return type(user).objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def operator():
    return make_operator()


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def bank_order(*, code: int | None = None, quantities=(2, 1), buyer=None):
    """A placed two-shop bank-transfer order (total Rp 92.000 with the default quantities) and its payment;
    `code` fixes the unique code (the amount becomes total + code)."""
    placed, shops, _variants = two_shop_order(quantities=quantities, buyer=buyer)
    payment = Payment.objects.get(order=placed.order)
    if code is not None:
        Payment.objects.filter(pk=payment.pk).update(unique_code=code, amount=placed.order.total + code)
        payment.refresh_from_db()
    return placed.order, shops, payment


def guest_bank_order():
    """A guest's one-shop bank-transfer order, its payment and its link token."""
    shop, flat, _pickup = shop_with_shipping()
    cart = cart_with([(variant_of(shop, price=20_000), 1)])
    order = place(cart, buyer=None, shipping={shop.pk: flat.pk}, email="tamu@contoh.id").order
    return order, Payment.objects.get(order=order), order_access_token(order)


def owner_email(shop) -> str:
    return shop.members.get(role="owner").user.email


# --- Files ----------------------------------------------------------------------------------------------------


def png_bytes(size=(24, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size=(24, 16)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 30, 200)).save(buffer, "JPEG")
    return buffer.getvalue()


def bomb_png_bytes(width=30_000, height=30_000) -> bytes:
    """A tiny PNG whose header claims 900 megapixels (a decompression bomb): rejected before decoding."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b"")


PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- Stripe ---------------------------------------------------------------------------------------------------


@pytest.fixture
def fake_stripe(settings, monkeypatch):
    """The local Stripe stand-in (`tests.payments.fake_stripe`), with the settings pointing the SDK at it and
    test keys set (so the card method is offered). The SDK's retry pauses are skipped."""
    import stripe

    from tests.payments import fake_stripe as fake_module

    fake = fake_module.FakeStripe().start()
    settings.STRIPE_API_BASE = fake.url
    settings.STRIPE_SECRET_KEY = fake_module.SECRET_KEY
    settings.STRIPE_PUBLISHABLE_KEY = fake_module.PUBLISHABLE_KEY
    settings.STRIPE_WEBHOOK_SECRET = fake_module.WEBHOOK_SECRET
    settings.STRIPE_MAX_NETWORK_RETRIES = 2
    settings.SITE_URL = "http://testserver"
    monkeypatch.setattr(
        stripe._http_client.HTTPClient, "_sleep_time_seconds", lambda self, num_retries, response=None: 0
    )
    yield fake
    fake.stop()


# --- Operators' money screens (refunds, payouts, reconciliation) ----------------------------------------------


def make_money_operator():
    """An Operator-group user who may also refund, pay sellers out and read the reconciliation
    (`payments.manage_payouts`), besides confirming bank transfers."""
    user = make_operator()
    group = Group.objects.get(name=OPERATOR_GROUP)
    group.permissions.add(Permission.objects.get(content_type__app_label="payments", codename="manage_payouts"))
    return type(user).objects.get(pk=user.pk)  # no cached permissions


@pytest.fixture
def money_operator():
    return make_money_operator()


@pytest.fixture
def money_client(client, money_operator):
    client.force_login(money_operator)
    return client


def shop_owner_user(shop):
    return shop.members.get(role="owner").user


def give_bank_account(shop, *, bank="BRI", number="0123456789", holder=None):
    from payments.services.payouts import payout_account_update_bank

    return payout_account_update_bank(
        shop=shop,
        user=shop_owner_user(shop),
        bank_name=bank,
        account_number=number,
        account_holder=holder or shop.name,
    )


def paid_bank_shop_order(*, price=15_000, quantity=2, fee=10_000, commission=1_000, code=None, operator=None):
    """A one-shop bank-transfer order placed and confirmed through the services (shop commission `commission`
    basis points); returns (shop_order, payment). Total = price * quantity + fee."""
    from orders.models import ShopOrder
    from payments.services import bank_transfer_confirm

    shop, flat, _pickup = shop_with_shipping(fee=fee, commission_basis_points=commission)
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant_of(shop, price=price), quantity)], user=buyer)
    order = place(cart, buyer=buyer, shipping={shop.pk: flat.pk}).order
    payment = Payment.objects.get(order=order)
    if code is not None:
        Payment.objects.filter(pk=payment.pk).update(unique_code=code, amount=order.total + code)
        payment.refresh_from_db()
    bank_transfer_confirm(payment=payment, operator=operator or make_operator())
    payment.refresh_from_db()
    return ShopOrder.objects.select_related("order", "shop").get(order=order), payment


def complete_shop_order(shop_order):
    """Accept, ship and confirm receipt through the fulfilment services: the seller's money becomes available."""
    from orders.models import ShopOrder
    from orders.services.fulfilment import shop_order_accept, shop_order_confirm_received, shop_order_ship

    owner = shop_owner_user(shop_order.shop)
    shop_order_accept(shop_order=shop_order, user=owner)
    shop_order_ship(shop_order=shop_order, user=owner, courier="JNE", tracking_number="JX123")
    shop_order_confirm_received(shop_order=shop_order, user=shop_order.order.buyer)
    return ShopOrder.objects.select_related("order", "shop").get(pk=shop_order.pk)

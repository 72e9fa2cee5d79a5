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

"""Invoices and packing slips as PDF (orders.documents), and who may download them: everyone not allowed gets
404, as for a number that does not exist."""

import re
import zlib

import pytest
from django.contrib.auth.models import Permission
from django.core import signing
from django.utils import translation

from orders.documents import invoice_pdf, latin1_text, packing_slip_pdf
from orders.models import ShopOrder
from orders.selectors.orders import GUEST_LINK_SALT, order_access_token
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.orders_placed import OrderLineFactory, placed_order
from tests.factories.shops import ApprovedShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF made by fpdf2: its (compressed) content streams, inflated, strings joined."""
    strings = []
    for stream in re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S):
        try:
            inflated = zlib.decompress(stream)
        except zlib.error:
            continue
        strings.extend(re.findall(rb"\(((?:\\.|[^\\)])*)\) ?Tj", inflated))
    return "\n".join(re.sub(rb"\\(.)", rb"\1", string).decode("latin-1") for string in strings)


def invoice_url(shop_order: ShopOrder, *, language: str = "") -> str:
    prefix = f"/{language}" if language else ""
    return f"{prefix}/dokumen/faktur/{shop_order.number}.pdf"


def slip_url(shop_order: ShopOrder) -> str:
    return f"/dokumen/label/{shop_order.number}.pdf"


@pytest.fixture
def order():
    return placed_order(buyer=VerifiedUserFactory(), shops=2, lines_per_shop=2)


@pytest.fixture
def shop_order(order) -> ShopOrder:
    return order.shop_orders.order_by("pk").first()


def operator():
    user = VerifiedUserFactory()
    user.user_permissions.add(Permission.objects.get(codename="confirm_bank_transfer"))
    return user


# --- The documents ------------------------------------------------------------------------------------


def test_invoice_holds_the_numbers_parties_lines_and_totals(shop_order):
    ShopOrder.objects.filter(pk=shop_order.pk).update(note_to_seller="Tolong bungkus rapi")
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)

    with translation.override("en"):
        content = invoice_pdf(shop_order=shop_order)

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    lines = list(shop_order.lines.all())
    for expected in (
        "Pasar UMKM",
        f"Invoice {shop_order.number}",
        shop_order.order.number,
        shop_order.shop.name,
        "Jl. Pantai Berawa No. 12",  # the shop's address
        "Jl. Raya Canggu No. 7",  # the shipping address
        "Putu Pembeli",
        lines[0].title,
        lines[1].title,
        "250 g",
        "Rp 15.000",
        "Rp 30.000",
        "Rp 10.000 (JNE Reguler)",
        "Rp 70.000",  # 2 x Rp 30.000 + Rp 10.000
        "Bank transfer",
        "Awaiting payment",
    ):
        assert expected in text, expected
    assert "Tolong bungkus rapi" not in text


def test_invoice_labels_are_indonesian_by_default(shop_order):
    text = pdf_text(invoice_pdf(shop_order=shop_order))

    assert "Produk" in text
    assert "Varian" in text
    assert "Product" not in text


def test_packing_slip_has_the_recipient_skus_quantities_and_note_but_no_prices(shop_order):
    ShopOrder.objects.filter(pk=shop_order.pk).update(
        note_to_seller="Tolong bungkus rapi", courier="JNE", tracking_number="JNE0012345678"
    )
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)

    with translation.override("en"):
        content = packing_slip_pdf(shop_order=shop_order)

    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    for line in shop_order.lines.all():
        assert line.sku in text
    for expected in ("Packing slip", shop_order.number, "Putu Pembeli", "Jl. Raya Canggu No. 7", "80363"):
        assert expected in text, expected
    assert "Tolong bungkus rapi" in text
    assert "JNE0012345678" in text
    assert "Total units\n4" in text
    assert "Rp" not in text


def test_text_outside_latin1_is_replaced_not_refused(shop_order):
    ShopOrder.objects.filter(pk=shop_order.pk).update(note_to_seller="Pedas “level 5” — jangan lupa… 🌶️ 辣")
    shop_order = ShopOrder.objects.get(pk=shop_order.pk)

    text = pdf_text(packing_slip_pdf(shop_order=shop_order))

    assert 'Pedas "level 5" - jangan lupa... ?? ?' in text
    assert latin1_text("Nguyễn Café") == "Nguyen Café"


# --- Who may download them --------------------------------------------------------------------------


def assert_pdf(response, *, filename: str):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="{filename}"'
    assert response.content.startswith(b"%PDF-")


def test_buyer_downloads_the_invoice_but_not_the_packing_slip(client, order, shop_order):
    client.force_login(order.buyer)

    assert_pdf(client.get(invoice_url(shop_order)), filename=f"faktur-{shop_order.number}.pdf")
    assert client.get(slip_url(shop_order)).status_code == 404


def test_invoice_in_english_under_en(client, order, shop_order):
    client.force_login(order.buyer)

    response = client.get(invoice_url(shop_order, language="en"))

    assert response.status_code == 200
    assert "Product" in pdf_text(response.content)


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_shop_members_download_both_documents(client, shop_order, role):
    if role == "owner":
        user = shop_order.shop.members.get(role="owner").user
    else:
        user = ShopMemberFactory(shop=shop_order.shop).user
    client.force_login(user)

    assert_pdf(client.get(invoice_url(shop_order)), filename=f"faktur-{shop_order.number}.pdf")
    assert_pdf(client.get(slip_url(shop_order)), filename=f"label-{shop_order.number}.pdf")


@pytest.mark.parametrize("make_user", [operator, SuperuserFactory], ids=["operator", "superuser"])
def test_operators_download_both_documents(client, shop_order, make_user):
    client.force_login(make_user())

    assert client.get(invoice_url(shop_order)).status_code == 200
    assert client.get(slip_url(shop_order)).status_code == 200


def test_the_other_shop_of_the_same_order_sees_nothing_of_this_one(client, order):
    mine, theirs = order.shop_orders.order_by("pk")
    client.force_login(theirs.shop.members.get(role="owner").user)

    assert client.get(invoice_url(mine)).status_code == 404
    assert client.get(slip_url(mine)).status_code == 404


@pytest.mark.parametrize("who", ["anonymous", "another shopper", "another seller"])
def test_everyone_else_gets_404(client, shop_order, who):
    if who == "another shopper":
        client.force_login(VerifiedUserFactory())
    elif who == "another seller":
        client.force_login(ApprovedShopFactory().members.get().user)

    assert client.get(invoice_url(shop_order)).status_code == 404
    assert client.get(slip_url(shop_order)).status_code == 404


def test_unknown_number_is_404_for_an_operator(client):
    client.force_login(SuperuserFactory())

    assert client.get("/dokumen/faktur/PU-TIDAK-ADA.pdf").status_code == 404
    assert client.get("/dokumen/label/PU-TIDAK-ADA.pdf").status_code == 404


def test_guest_downloads_the_invoice_with_the_orders_key_only(client):
    guest_order = placed_order(buyer=None)
    other_guest_order = placed_order(buyer=None)
    shop_order = guest_order.shop_orders.get()
    token = order_access_token(guest_order)

    assert_pdf(client.get(invoice_url(shop_order), {"t": token}), filename=f"faktur-{shop_order.number}.pdf")
    assert client.get(invoice_url(shop_order)).status_code == 404
    assert client.get(invoice_url(shop_order), {"t": token + "x"}).status_code == 404
    assert client.get(invoice_url(shop_order), {"t": order_access_token(other_guest_order)}).status_code == 404
    assert client.get(slip_url(shop_order), {"t": token}).status_code == 404


def test_a_key_never_opens_the_order_of_a_signed_in_buyer(client, order, shop_order):
    # A key in the guest format for a buyer's order (never mailed, but it must not work either).
    token = signing.dumps({"order": order.number}, salt=GUEST_LINK_SALT, compress=True)

    assert client.get(invoice_url(shop_order), {"t": token}).status_code == 404


def test_invoice_download_queries_do_not_grow_with_lines(client, order, shop_order, django_assert_max_num_queries):
    for _line in range(5):
        OrderLineFactory(shop_order=shop_order)
    client.force_login(order.buyer)

    with django_assert_max_num_queries(5):
        response = client.get(invoice_url(shop_order))

    assert response.status_code == 200
    assert pdf_text(response.content).count("Rp 15.000") == 7

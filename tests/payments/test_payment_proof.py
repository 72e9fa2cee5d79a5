"""The shopper's bank-transfer page (/pembayaran/<number>/bukti/): instructions, the proof upload and its
checks (the content must be what the file claims), and proofs served to operators only."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django.utils.http import urlencode

from orders.models import Order
from orders.services.fulfilment import order_expire
from payments.models import Payment
from tests.factories.accounts import VerifiedUserFactory
from tests.orders.builders import two_shop_order

from .conftest import (
    PDF_BYTES,
    bank_order,
    bomb_png_bytes,
    guest_bank_order,
    in_indonesian,
    jpeg_bytes,
    png_bytes,
    upload,
)

pytestmark = pytest.mark.django_db

NOT_REAL = (
    "This file is not a real photo (JPEG, PNG, WebP) or PDF, or it is damaged. "
    "Take a screenshot or a photo of the receipt and upload that."
)


def page_url(order, token: str = "") -> str:
    return f"/pembayaran/{order.number}/bukti/" + (f"?{urlencode({'t': token})}" if token else "")


def proof_url(payment) -> str:
    return f"/cms/transfer-bank/{payment.pk}/proof/"


def proof_state(payment) -> tuple:
    payment.refresh_from_db()
    return (payment.proof.name, payment.proof_uploaded_at)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def test_buyer_sees_the_transfer_instructions(client):
    order, _shops, payment = bank_order(code=417)
    client.force_login(order.buyer)

    response = client.get(page_url(order))

    assert response.status_code == 200
    html = response.content.decode()
    assert payment.amount == 92_417
    assert "Rp 92.<mark>417</mark>" in html
    assert "0123456789" in html  # settings.BANK_TRANSFER_ACCOUNTS
    assert order.number in html
    deadline = timezone.localtime(order.pay_before, timezone.get_fixed_timezone(8 * 60))
    assert f"{deadline:%H:%M} WITA" in html
    assert response.context["awaiting"] is True


def test_buyer_uploads_a_real_png_and_an_operator_downloads_it(client, operator):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)
    content = png_bytes()

    response = client.post(page_url(order), {"proof": upload("bukti.png", content, "image/png")})

    assert response.status_code == 302
    assert response["Location"] == page_url(order)
    name, uploaded_at = proof_state(payment)
    assert name.startswith(f"payments/proofs/{timezone.localdate():%Y/%m}/{order.number}-")
    assert name.endswith(".png")
    assert len(name.rsplit("-", 1)[1]) == len("0123456789abcdef.png")  # a random token: not guessable
    assert uploaded_at is not None

    client.force_login(operator)
    download = client.get(proof_url(payment))
    assert download.status_code == 200
    assert download["Content-Type"] == "image/png"
    assert download["X-Content-Type-Options"] == "nosniff"
    assert b"".join(download.streaming_content) == content


def test_a_pdf_proof_is_accepted_and_downloaded_as_an_attachment(client, operator):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)

    response = client.post(page_url(order), {"proof": upload("bukti.pdf", PDF_BYTES, "application/pdf")})

    assert response.status_code == 302
    assert proof_state(payment)[0].endswith(".pdf")
    client.force_login(operator)
    download = client.get(proof_url(payment))
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"].startswith("attachment;")
    assert b"".join(download.streaming_content) == PDF_BYTES


def test_a_guest_uploads_with_the_orders_link(client):
    order, payment, token = guest_bank_order()

    page = client.get(page_url(order, token))
    response = client.post(page_url(order, token), {"proof": upload("bukti.jpg", jpeg_bytes(), "image/jpeg")})

    assert page.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == page_url(order, token)
    assert proof_state(payment)[0].endswith(".jpg")


@pytest.mark.parametrize("who", ["anonymous", "other_shopper", "wrong_token"])
def test_nobody_else_sees_or_uploads_to_an_orders_page(client, who):
    order, _shops, payment = bank_order()
    guest_order, guest_payment, _token = guest_bank_order()
    other_token = guest_bank_order()[2]
    if who == "other_shopper":
        client.force_login(VerifiedUserFactory())
    suffix = other_token if who == "wrong_token" else ""

    responses = [
        client.get(page_url(order, suffix)),
        client.post(page_url(order, suffix), {"proof": upload("bukti.png", png_bytes(), "image/png")}),
        client.get(page_url(guest_order, suffix)),
        client.post(page_url(guest_order, suffix), {"proof": upload("bukti.png", png_bytes(), "image/png")}),
    ]

    assert [response.status_code for response in responses] == [404] * 4
    assert proof_state(payment) == ("", None)
    assert proof_state(guest_payment) == ("", None)


def test_the_buyer_cannot_see_proofs_not_even_of_other_orders(client):
    order, _shops, _payment = bank_order()
    other_order, _other_shops, other_payment = bank_order()
    client.force_login(other_order.buyer)
    client.post(page_url(other_order), {"proof": upload("bukti.png", png_bytes(), "image/png")})
    client.force_login(order.buyer)

    responses = [
        client.get(proof_url(other_payment)),
        client.get(f"/api/v1/operator/payments/{other_payment.pk}/proof/"),
    ]

    # Without access to the admin, Wagtail sends the shopper to the login page; the API refuses.
    assert responses[0].status_code == 302
    assert responses[0]["Location"] == f"/akun/login/?next={proof_url(other_payment)}"
    assert responses[1].status_code == 403
    assert proof_state(other_payment)[0] != ""


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bukti.png", b"Saya sudah transfer, terima kasih!\n" * 20, "image/png"),  # a text file renamed .png
        ("bukti.png", jpeg_bytes(), "image/png"),  # a JPEG claiming to be a PNG
        ("bukti.pdf", png_bytes(), "application/pdf"),  # a PNG claiming to be a PDF
        ("bukti.png", png_bytes()[:60], "image/png"),  # a truncated PNG
        ("bukti.png", b"", "image/png"),  # empty
    ],
    ids=["text_as_png", "jpeg_as_png", "png_as_pdf", "truncated", "empty"],
)
def test_a_file_that_is_not_what_it_says_is_refused(client, name, content, content_type):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)

    response = client.post(page_url(order), {"proof": upload(name, content, content_type)})

    assert response.status_code == 400
    assert response.context["form"].errors == {"proof": [in_indonesian(NOT_REAL)]}
    assert proof_state(payment) == ("", None)


def test_another_type_is_refused(client):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)

    response = client.post(page_url(order), {"proof": upload("bukti.gif", b"GIF89a....", "image/gif")})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "proof": [in_indonesian("Upload a photo (JPEG, PNG, WebP) or a PDF of the transfer receipt.")]
    }
    assert proof_state(payment) == ("", None)


def test_a_decompression_bomb_is_refused(client):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)

    response = client.post(page_url(order), {"proof": upload("bukti.png", bomb_png_bytes(), "image/png")})

    assert response.status_code == 400
    assert response.context["form"].errors == {
        "proof": [
            in_indonesian("The photo is larger than %(limit_megapixels)s megapixels. Choose a smaller photo.")
            % {"limit_megapixels": 40}
        ]
    }
    assert proof_state(payment) == ("", None)


def test_a_6_mb_file_is_refused(client):
    order, _shops, payment = bank_order()
    client.force_login(order.buyer)
    content = PDF_BYTES + b"0" * (6 * 1024 * 1024)

    response = client.post(page_url(order), {"proof": upload("bukti.pdf", content, "application/pdf")})

    assert response.status_code == 400
    assert response.context["form"].errors == {"proof": [in_indonesian("The file is larger than 5 MB.")]}
    assert proof_state(payment) == ("", None)


def test_after_the_deadline_the_upload_is_refused(client):
    order, _shops, payment = bank_order()
    Order.objects.filter(pk=order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    client.force_login(order.buyer)

    page = client.get(page_url(order))
    response = client.post(page_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")}, follow=True)

    assert page.context["awaiting"] is False
    assert messages_of(response) == [in_indonesian("The time to pay this order has passed.")]
    assert proof_state(payment) == ("", None)


def test_after_the_order_expired_the_upload_is_refused(client):
    order, _shops, payment = bank_order()
    Order.objects.filter(pk=order.pk).update(pay_before=timezone.now() - timedelta(minutes=1))
    order_expire(order=order)
    client.force_login(order.buyer)

    response = client.post(page_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")}, follow=True)

    assert messages_of(response) == [in_indonesian("This payment no longer waits for a transfer.")]
    payment.refresh_from_db()
    assert (payment.status, payment.proof.name, payment.proof_uploaded_at) == (Payment.Status.CANCELLED, "", None)


def test_the_order_page_links_to_the_proof_page(client):
    order, _shops, _payment = bank_order()
    client.force_login(order.buyer)

    before = client.get(f"/pesanan/{order.number}/")
    client.post(page_url(order), {"proof": upload("bukti.png", png_bytes(), "image/png")})
    after = client.get(f"/pesanan/{order.number}/")

    assert before.status_code == 200
    assert f'href="{page_url(order)}"' in before.content.decode()
    assert in_indonesian("Upload the proof of transfer") in before.content.decode()
    assert in_indonesian("Replace the proof of transfer") in after.content.decode()


def test_the_guests_order_page_links_with_the_token(client):
    order, _payment, token = guest_bank_order()

    response = client.get(f"/pesanan/{order.number}/?t={token}")

    assert response.status_code == 200
    assert f'href="{page_url(order, token)}"' in response.content.decode()


def test_an_order_paid_otherwise_has_no_transfer_page(client):
    placed, _shops, _variants = two_shop_order(payment_method="cod")
    client.force_login(placed.order.buyer)

    response = client.get(page_url(placed.order))

    assert response.status_code == 404

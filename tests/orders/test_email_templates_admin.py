"""Operators edit the wording of order mails in the Wagtail admin (Settings -> Email templates); the next mail
uses it. A template with a syntax error is refused; non-operators are refused."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.urls import reverse

from accounts.selectors import OPERATOR_GROUP
from marketplace.core.emails import default_template_source
from marketplace.core.models import EmailTemplate
from orders.models import ShopOrder
from orders.services import notifications
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_placed import placed_order

pytestmark = pytest.mark.django_db

INDEX = "/cms/email-templates/"
ORDER_KEYS = {
    "order_placed_shopper",
    "order_placed_seller",
    "order_paid_shopper",
    "order_paid_seller",
    "shop_order_accepted",
    "shop_order_shipped",
    "shop_order_delivered",
    "shop_order_cancelled_shopper",
    "shop_order_cancelled_seller",
    "payment_expiring",
    "order_expired",
}
SUBJECT = "Paket {{ shop_order.number }} sudah jalan"
BODY = "Halo {{ customer_name }}, nomor resi: {{ shop_order.tracking_number }}."


def admin_user(*, operator: bool):
    """A user who may enter the Wagtail admin; an operator through the Operator group, or not."""
    user = VerifiedUserFactory()
    group = Group.objects.get_or_create(name=OPERATOR_GROUP if operator else "Editor")[0]
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    user.groups.add(group)
    return user


@pytest.fixture
def operator():
    return admin_user(operator=True)


@pytest.fixture
def operator_client(client, operator):
    client.force_login(operator)
    return client


def add_url(**params) -> str:
    query = "&".join(f"{name}={value}" for name, value in params.items())
    return reverse("email_templates:add") + (f"?{query}" if query else "")


def edit_url(template: EmailTemplate) -> str:
    return reverse("email_templates:edit", args=[template.pk])


def delete_url(template: EmailTemplate) -> str:
    return reverse("email_templates:delete", args=[template.pk])


def shipped_shop_order() -> ShopOrder:
    order = placed_order(buyer=VerifiedUserFactory(full_name="Putu Ayu"), status="shipped")
    shop_order = order.shop_orders.get()
    ShopOrder.objects.filter(pk=shop_order.pk).update(tracking_number="JNE0012345678")
    return shop_order


def test_the_list_offers_every_order_mail_in_both_languages(operator_client):
    response = operator_client.get(INDEX)

    assert response.status_code == 200
    rows = response.context["registered_email_rows"]
    assert {row["email"].key for row in rows} >= ORDER_KEYS
    shipped = next(row for row in rows if row["email"].key == "shop_order_shipped")
    assert [(language["code"], language["customised"], language["url"]) for language in shipped["languages"]] == [
        ("id", False, add_url(key="shop_order_shipped", language="id")),
        ("en", False, add_url(key="shop_order_shipped", language="en")),
    ]


def test_customising_starts_from_the_default_text_and_shows_the_variables(operator_client):
    response = operator_client.get(add_url(key="shop_order_shipped", language="en"))

    assert response.status_code == 200
    subject, body = default_template_source("shop_order_shipped", language="en")
    form = response.context["form"]
    assert (form["key"].value(), form["language"].value()) == ("shop_order_shipped", "en")
    assert (form["subject"].value(), form["body"].value()) == (subject, body)
    assert subject == "[Pasar UMKM] Your order {{ shop_order.number }} is on its way"
    assert body.startswith(
        "Hello {{ customer_name }},\n\n{{ shop.name }} has shipped your order {{ shop_order.number }}."
    )
    content = response.content.decode()
    assert "<code>tracking_number</code>" not in content  # variables are top-level names
    assert "<code>shop_order</code>" in content
    assert "<code>order_url</code>" in content


def test_operator_saves_a_template_and_the_next_mail_uses_it(operator_client, operator):
    shop_order = shipped_shop_order()

    response = operator_client.post(
        add_url(), {"key": "shop_order_shipped", "language": "id", "subject": SUBJECT, "body": BODY}
    )

    assert (response.status_code, response["Location"]) == (302, INDEX)
    template = EmailTemplate.objects.get()
    assert (template.key, template.language, template.updated_by) == ("shop_order_shipped", "id", operator)

    notifications.notify_shop_order_shipped(shop_order=shop_order)

    (message,) = mail.outbox
    assert message.subject == f"Paket {shop_order.number} sudah jalan"
    assert message.body == "Halo Putu, nomor resi: JNE0012345678."


def test_operator_edits_a_saved_template_and_resets_it_to_the_default(operator_client):
    template = EmailTemplate.objects.create(key="shop_order_shipped", language="id", subject=SUBJECT, body=BODY)
    shop_order = shipped_shop_order()

    edited = operator_client.post(
        edit_url(template),
        {
            "key": "shop_order_shipped",
            "language": "id",
            "subject": "Dikirim!",
            "body": "Resi {{ shop_order.tracking_number }}",
        },
    )
    notifications.notify_shop_order_shipped(shop_order=shop_order)
    page = operator_client.get(edit_url(template))
    reset = operator_client.post(delete_url(template))
    notifications.notify_shop_order_shipped(shop_order=shop_order)

    assert edited.status_code == 302
    assert delete_url(template) in page.content.decode()  # the "Reset to default" button
    assert reset.status_code == 302
    assert EmailTemplate.objects.count() == 0
    customised, default = mail.outbox
    assert (customised.subject, customised.body) == ("Dikirim!", "Resi JNE0012345678")
    assert default.subject.startswith("[Pasar UMKM] ")
    assert "JNE0012345678" not in default.subject


@pytest.mark.parametrize(
    ("field", "source"),
    [("body", "Halo {% if customer_name %}{{ customer_name }}"), ("subject", "Pesanan {{ order.number|tidak_ada }}")],
)
def test_a_template_with_a_syntax_error_is_refused_and_nothing_changes(operator_client, field, source):
    template = EmailTemplate.objects.create(key="shop_order_shipped", language="id", subject=SUBJECT, body=BODY)
    data = {"key": "shop_order_shipped", "language": "id", "subject": SUBJECT, "body": BODY, field: source}

    response = operator_client.post(edit_url(template), data)

    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    assert errors[field][0].startswith("Templat ini mengandung kesalahan: ") or errors[field][0].startswith(
        "This template has an error: "
    )
    template.refresh_from_db()
    assert (template.subject, template.body) == (SUBJECT, BODY)


def test_a_second_template_for_the_same_mail_and_language_is_refused(operator_client):
    EmailTemplate.objects.create(key="shop_order_shipped", language="id", subject=SUBJECT, body=BODY)

    response = operator_client.post(
        add_url(), {"key": "shop_order_shipped", "language": "id", "subject": "Lain", "body": "Lain"}
    )

    assert response.status_code == 200
    assert response.context["form"].errors
    assert EmailTemplate.objects.count() == 1


def test_an_unknown_mail_key_is_refused(operator_client):
    response = operator_client.post(add_url(), {"key": "tidak_ada", "language": "id", "subject": "x", "body": "y"})

    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["key"]
    assert EmailTemplate.objects.count() == 0


def test_a_non_operator_cannot_list_add_edit_or_delete_templates(client):
    template = EmailTemplate.objects.create(key="shop_order_shipped", language="id", subject=SUBJECT, body=BODY)
    client.force_login(admin_user(operator=False))
    data = {"key": "order_expired", "language": "id", "subject": "x", "body": "y"}

    responses = [
        client.get(INDEX),
        client.get(add_url()),
        client.post(add_url(), data),
        client.post(edit_url(template), {**data, "key": "shop_order_shipped"}),
        client.post(delete_url(template)),
    ]

    # Wagtail turns a refusal inside the admin into a redirect to the dashboard with an error message.
    assert [(response.status_code, response["Location"]) for response in responses] == [(302, "/cms/")] * 5
    assert list(EmailTemplate.objects.values_list("key", "subject", "body")) == [("shop_order_shipped", SUBJECT, BODY)]


def test_an_anonymous_visitor_is_sent_to_the_login(client):
    response = client.get(INDEX)

    assert response.status_code == 302
    assert "login" in response["Location"]

"""The seller's product pages at /penjual/produk/: list, quick edit, the three-screen add flow and the edit page,
driven through the pages with Django's test client, for the owner and for staff."""

import io

import pytest
from allauth.account.models import EmailAddress
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.test import override_settings
from django.utils import translation
from django.utils.html import escape
from PIL import Image, ImageDraw

from marketplace.core.richtext import clean_rich_text
from shops.models import Product, ProductImage, ProductVariant, ShopMember
from shops.photo_coach import ADVICE_MESSAGES
from shops.product_forms import description_as_text
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import (
    ApprovedShopFactory,
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    ShopMemberFactory,
    SubmittedShopFactory,
)

LIST = "/penjual/produk/"
ADD = "/penjual/produk/tambah/"


def indonesian(msgid: str, **params) -> str:
    """A page text as Indonesian readers get it (new msgids read as English until the catalogue has them)."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def details_url(product) -> str:
    return f"/penjual/produk/{product.pk}/tambah/detail/"


def review_url(product) -> str:
    return f"/penjual/produk/{product.pk}/tambah/periksa/"


def edit_url(product) -> str:
    return f"/penjual/produk/{product.pk}/ubah/"


def quick_url(variant) -> str:
    return f"/penjual/produk/{variant.product_id}/varian/{variant.pk}/cepat/"


def good_photo(name: str = "foto.jpg", size=(900, 900)) -> SimpleUploadedFile:
    """A sharp, well-lit photo the coach has nothing to say about."""
    image = Image.new("RGB", size, (236, 226, 208))
    draw = ImageDraw.Draw(image)
    for x in range(0, size[0], 30):
        draw.line([(x, 0), (size[0] - x, size[1])], fill=(180 + x % 60, 60, 40), width=6)
    draw.rectangle([size[0] // 3, size[1] // 4, 2 * size[0] // 3, 3 * size[1] // 4], fill=(200, 40, 30), width=12)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def dark_photo(name: str = "gelap.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), (10, 10, 10)).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def message_texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def catalogue_state() -> dict:
    """Every stored product, variant and photo, for "nothing changed" asserts."""
    return {
        "products": [
            model_to_dict(product) | {"updated": product.updated_at} for product in Product.objects.order_by("pk")
        ],
        "variants": [model_to_dict(variant) for variant in ProductVariant.objects.order_by("pk")],
        "images": list(ProductImage.objects.order_by("pk").values_list("pk", "position", "is_main", "original")),
    }


@pytest.fixture
def shop(db):
    return ApprovedShopFactory()


@pytest.fixture
def owner(shop):
    return shop.members.get(role=ShopMember.Role.OWNER).user


@pytest.fixture
def staff(shop):
    return ShopMemberFactory(shop=shop, role=ShopMember.Role.STAFF).user


@pytest.fixture(params=["owner", "staff"])
def member(request, shop, client):
    """The shop's owner, then one of its staff: both manage products."""
    user = request.getfixturevalue(request.param)
    client.force_login(user)
    return user


@pytest.fixture
def category(db):
    return CategoryFactory(name="Makanan", slug="makanan")


@pytest.fixture
def product(shop, category):
    return ProductFactory(shop=shop, category=category, title="Keripik Pisang", variant__sku="KP-250")


# --- Access -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [LIST, ADD, "/penjual/produk/1/tambah/detail/", "/penjual/produk/1/tambah/periksa/", "/penjual/produk/1/ubah/"],
)
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/akun/login/?next={url}"


@pytest.mark.django_db
def test_user_with_unverified_email_is_told_to_verify_and_cannot_add_a_product(client, category):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    ShopFactory(owner=user)
    client.force_login(user)

    response = client.post(
        ADD,
        {
            "image": good_photo(),
            "title": "Sambal",
            "category": category.pk,
            "price": "1",
            "stock": "1",
            "weight_grams": "1",
        },
    )

    assert response.status_code == 200
    assert "account/verified_email_required.html" in [template.name for template in response.templates]
    assert Product.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("url", [LIST, ADD])
def test_shopper_without_a_shop_is_sent_to_open_one(client, url, category):
    client.force_login(VerifiedUserFactory())

    assert client.get(url).url == "/penjual/buka/"
    response = client.post(
        ADD,
        {
            "image": good_photo(),
            "title": "Sambal",
            "category": category.pk,
            "price": "1",
            "stock": "1",
            "weight_grams": "1",
        },
    )
    assert response.status_code == 302
    assert response.url == "/penjual/buka/"
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_member_of_another_shop_gets_404_for_this_shops_product_and_nothing_changes(client, product, category):
    other_owner = VerifiedUserFactory()
    ApprovedShopFactory(owner=other_owner)
    client.force_login(other_owner)
    variant = product.variants.get()
    before = catalogue_state()

    pages = [details_url(product), review_url(product), edit_url(product), f"/penjual/produk/{product.pk}/foto/"]
    assert [client.get(url).status_code for url in pages] == [404, 404, 404, 404]
    posts = [
        (quick_url(variant), {"price": "1", "stock": "0"}),
        (f"/penjual/produk/{product.pk}/arsipkan/", {}),
        (f"/penjual/produk/{product.pk}/terbitkan/", {}),
        (review_url(product), {"action": "publish"}),
        (edit_url(product), {"title": "Dibajak", "category": category.pk, "weight_grams": "1"}),
        (details_url(product), {"description": "Dibajak", "weight_grams": "1"}),
    ]
    assert [client.post(url, data).status_code for url, data in posts] == [404] * len(posts)
    assert (
        client.post(quick_url(variant), {"price": "1", "stock": "0"}, headers={"HX-Request": "true"}).status_code == 404
    )
    assert catalogue_state() == before
    # …and the other shop's list does not show it.
    assert "Keripik Pisang" not in client.get(LIST).content.decode()


@pytest.mark.django_db
def test_a_variant_of_another_product_is_not_reachable_through_this_products_url(client, member, shop, product):
    other = ProductFactory(shop=ApprovedShopFactory())
    foreign_variant = other.variants.get()
    before = catalogue_state()

    response = client.post(
        f"/penjual/produk/{product.pk}/varian/{foreign_variant.pk}/cepat/", {"price": "1", "stock": "0"}
    )

    assert response.status_code == 404
    assert catalogue_state() == before


@pytest.mark.django_db
def test_approved_shop_status_page_links_to_the_product_list(client, member):
    content = client.get("/penjual/status/").content.decode()

    assert f'href="{LIST}"' in content


# --- The list -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_list_shows_each_product_with_photo_badges_variants_prices_and_stock(client, member, shop, product):
    ProductImageFactory(product=product, is_main=True)
    ProductVariantFactory(product=product, name="500 g", sku="KP-500", price=27_500, stock=0)
    draft = ProductFactory(shop=shop, title="Sambal Matah", status=Product.Status.DRAFT, moderation="none")
    ProductFactory(shop=ApprovedShopFactory(), title="Produk Toko Lain")

    response = client.get(LIST)

    content = response.content.decode()
    assert response.status_code == 200
    assert list(response.context["products"]) == [draft, product]
    assert "Rp 15.000" in content
    assert "Rp 27.500" in content
    assert 'name="price" value="27500"' in content
    assert 'name="stock" value="0"' in content
    assert f'src="{product.images.get().original.url}"' in content
    assert indonesian("Draft") in content
    assert indonesian("Active") in content
    assert f'href="{details_url(draft)}"' in content  # a draft can be continued
    assert "Produk Toko Lain" not in content


@pytest.mark.django_db
def test_list_of_a_shop_not_yet_approved_says_buyers_see_products_later(client):
    owner = VerifiedUserFactory()
    SubmittedShopFactory(owner=owner)
    client.force_login(owner)

    response = client.get(LIST)

    assert response.status_code == 200
    assert escape(indonesian("Buyers see your products once your shop is approved. You can prepare them now.")) in (
        response.content.decode()
    )


@pytest.mark.django_db
def test_search_finds_products_by_title_or_sku(client, member, shop, product):
    ProductFactory(shop=shop, title="Kopi Kintamani", variant__sku="KOPI-1")

    def titles(query):
        return [item.title for item in client.get(LIST, {"q": query}).context["products"]]

    assert titles("pisang") == ["Keripik Pisang"]
    assert titles("kopi-1") == ["Kopi Kintamani"]
    assert titles("KP-") == ["Keripik Pisang"]
    assert titles("tidak ada") == []


@pytest.mark.django_db
def test_filters_by_status_moderation_category_and_stock(client, member, shop, product, category):
    drink = CategoryFactory(name="Minuman", slug="minuman")
    coffee = CategoryFactory(name="Kopi", slug="kopi", parent=drink)
    draft = ProductFactory(shop=shop, title="Draf", status="draft", moderation="none", category=coffee)
    archived = ProductFactory(shop=shop, title="Arsip", status="archived", category=drink)
    pending = ProductFactory(shop=shop, title="Menunggu", moderation="pending")
    ProductVariantFactory(product=pending, stock=3, sku="LOW-1")
    sold_out = ProductFactory(shop=shop, title="Habis", variant__stock=0)

    def titles(**query):
        return sorted(item.title for item in client.get(LIST, query).context["products"])

    assert titles(status="draft") == ["Draf"]
    assert titles(status="archived") == ["Arsip"]
    assert titles(status="active") == sorted([product.title, pending.title, sold_out.title])
    assert titles(status="pending") == ["Menunggu"]
    assert titles(category="minuman") == sorted([draft.title, archived.title])  # with its subcategories
    assert titles(category="kopi") == ["Draf"]
    assert titles(stock="out") == ["Habis"]
    assert titles(stock="low") == ["Menunggu"]
    assert titles(status="bogus", category="tidak-ada", stock="x") == sorted(
        [product.title, draft.title, archived.title, pending.title, sold_out.title]
    )


@pytest.mark.django_db
def test_list_is_paginated_twenty_a_page_keeping_the_filters(client, member, shop):
    for number in range(23):
        ProductFactory(shop=shop, title=f"Kain Endek {number:02d}")

    first = client.get(LIST, {"q": "endek"})
    second = client.get(LIST, {"q": "endek", "page": 2})

    assert len(first.context["products"]) == 20
    assert len(second.context["products"]) == 3
    assert 'href="?q=endek&amp;page=2"' in first.content.decode()
    assert client.get(LIST, {"page": "999"}).context["page"].number == 2


# --- Quick edit ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_quick_edit_without_javascript_saves_and_goes_back_to_the_list_with_a_message(client, member, product):
    variant = product.variants.get()

    response = client.post(quick_url(variant), {"price": "Rp 17.500", "stock": "42", "next": f"{LIST}?q=keripik"})

    assert response.status_code == 302
    assert response.url == f"{LIST}?q=keripik"
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (17_500, 42)
    assert message_texts(response) == [indonesian("Saved: %(variant)s.", variant="Keripik Pisang · 250 g")]


@pytest.mark.django_db
def test_quick_edit_without_javascript_shows_the_errors_and_changes_nothing(client, member, product):
    variant = product.variants.get()
    before = catalogue_state()

    response = client.post(quick_url(variant), {"price": "0", "stock": "3"})

    assert response.status_code == 302
    assert response.url == LIST
    assert catalogue_state() == before
    assert message_texts(response) == [
        indonesian("Not saved: %(variant)s. %(errors)s", variant="Keripik Pisang · 250 g", errors="")
        + indonesian("The price is at least Rp 1.")
    ]
    response = client.post(quick_url(variant), {"price": "15000", "stock": "-3"})
    assert indonesian("Enter a whole number, for example 15000.") in message_texts(response)[-1]
    assert catalogue_state() == before


@pytest.mark.django_db
def test_quick_edit_never_redirects_outside_the_product_list(client, member, product):
    response = client.post(
        quick_url(product.variants.get()),
        {"price": "1000", "stock": "1", "next": "https://evil.example/penjual/produk/"},
    )

    assert response.url == LIST


@pytest.mark.django_db
def test_quick_edit_with_htmx_answers_the_updated_row(client, member, product):
    variant = product.variants.get()

    response = client.post(
        quick_url(variant), {"price": "16000", "stock": "7", "next": LIST}, headers={"HX-Request": "true"}
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "shops/seller/products/_row.html"
    assert content.lstrip().startswith(f'<li class="sp-row" id="product-{product.pk}">')
    assert "Rp 16.000" in content
    assert 'name="stock" value="7"' in content
    assert indonesian("Saved.") in content
    variant.refresh_from_db()
    assert (variant.price, variant.stock) == (16_000, 7)


@pytest.mark.django_db
def test_quick_edit_with_htmx_shows_field_errors_in_the_row_and_changes_nothing(client, member, product):
    variant = product.variants.get()
    before = catalogue_state()

    response = client.post(quick_url(variant), {"price": "200.000.000", "stock": "7"}, headers={"HX-Request": "true"})
    unparsable = client.post(quick_url(variant), {"price": "15000", "stock": "lima"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200  # htmx 2 swaps only successful answers
    assert escape(indonesian("The price is at most Rp %(max)s.", max="100.000.000")) in content
    assert 'value="200.000.000"' in content  # what the seller typed stays in the box
    assert unparsable.status_code == 200
    assert escape(indonesian("Enter a whole number, for example 15000.")) in unparsable.content.decode()
    assert catalogue_state() == before


# --- Adding a product ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_screen_one_has_a_camera_photo_input_and_the_category_tree(client, member, category):
    CategoryFactory(name="Keripik", slug="keripik", parent=category)

    content = client.get(ADD).content.decode()

    assert 'type="file" name="image" accept="image/*" capture="environment"' in content
    assert '<option value="' in content
    assert "\u2003Keripik" in content
    for name in ("title", "category", "price", "stock", "weight_grams"):
        assert f'name="{name}"' in content


@pytest.mark.django_db
def test_seller_adds_a_product_in_three_screens_and_publishes_it(client, member, shop, category):
    # Screen 1: photo, name, category, price, stock, weight → a draft with its main photo.
    response = client.post(
        ADD,
        {
            "image": good_photo(),
            "title": "  Sambal Matah Botol ",
            "category": category.pk,
            "price": "Rp 25.000",
            "stock": "12",
            "weight_grams": "200",
        },
    )
    product = Product.objects.get()
    assert response.status_code == 302
    assert response.url == details_url(product)
    assert (product.shop, product.title, product.status, product.category, product.weight_grams) == (
        shop,
        "Sambal Matah Botol",
        Product.Status.DRAFT,
        category,
        200,
    )
    assert list(product.variants.values_list("name", "price", "stock")) == [("", 25_000, 12)]
    image = product.images.get()
    assert (image.is_main, image.coach_advice) == (True, [])

    # Screen 2: description, weight, and a second variant (the first one gets a name).
    first = product.variants.get()
    page = client.get(response.url)
    assert page.status_code == 200
    assert 'name="variants-0-price" value="25000"' in page.content.decode()
    response = client.post(
        details_url(product),
        {
            "description": "Sambal matah segar.\n\nTanpa pengawet.",
            "weight_grams": "220",
            "variants-TOTAL_FORMS": "3",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(first.pk),
            "variants-0-name": "150 ml",
            "variants-0-sku": first.sku,
            "variants-0-price": "25000",
            "variants-0-stock": "12",
            "variants-1-name": "300 ml",
            "variants-1-sku": "",
            "variants-1-price": "45.000",
            "variants-1-stock": "5",
            "variants-2-name": "",
            "variants-2-price": "",
            "variants-2-stock": "",
        },
    )
    assert response.status_code == 302
    assert response.url == review_url(product)
    product.refresh_from_db()
    assert (product.description, product.weight_grams) == ("<p>Sambal matah segar.</p>\n\n<p>Tanpa pengawet.</p>", 220)
    assert list(product.variants.order_by("pk").values_list("name", "price", "stock")) == [
        ("150 ml", 25_000, 12),
        ("300 ml", 45_000, 5),
    ]

    # Screen 3: the preview, then publish.
    page = client.get(review_url(product)).content.decode()
    assert "Rp 45.000" in page
    assert "<p>Tanpa pengawet.</p>" in page
    response = client.post(review_url(product), {"action": "publish"})
    assert response.status_code == 302
    assert response.url == LIST
    product.refresh_from_db()
    assert (product.status, product.moderation) == (Product.Status.ACTIVE, Product.Moderation.APPROVED)
    assert message_texts(response) == [indonesian("%(title)s is published and on sale.", title="Sambal Matah Botol")]


@pytest.mark.django_db
@override_settings(SHOPS_NEW_PRODUCTS_NEED_REVIEW=True)
def test_publishing_explains_when_the_product_waits_for_an_operator(client, member, shop, product):
    draft = ProductFactory(shop=shop, title="Tas Anyaman", status="draft", moderation="none")

    page = client.get(review_url(draft)).content.decode()
    response = client.post(review_url(draft), {"action": "publish"})

    assert (
        escape(
            indonesian(
                "New products are checked by an operator before buyers see them. This usually takes a working day."
            )
        )
        in page
    )
    draft.refresh_from_db()
    assert (draft.status, draft.moderation) == (Product.Status.ACTIVE, Product.Moderation.PENDING)
    assert message_texts(response) == [
        indonesian(
            "%(title)s is published and waits for an operator's check. It appears on the marketplace once approved.",
            title="Tas Anyaman",
        )
    ]


@pytest.mark.django_db
def test_saving_as_draft_keeps_the_draft_and_the_seller_can_come_back(client, member, shop, category):
    draft = ProductFactory(
        shop=shop, title="Tas Anyaman", status="draft", moderation="none", description="<p>Rotan.</p>"
    )

    response = client.post(review_url(draft), {"action": "draft"})

    assert response.url == LIST
    draft.refresh_from_db()
    assert draft.status == Product.Status.DRAFT
    # Coming back later: screen 2 shows what was saved, as plain text in the box.
    page = client.get(details_url(draft)).content.decode()
    assert ">\nRotan.</textarea>" in page


@pytest.mark.django_db
def test_screen_three_shows_the_photo_coach_advice(client, member, shop, category):
    client.post(
        ADD,
        {
            "image": dark_photo(),
            "title": "Kopi",
            "category": category.pk,
            "price": "1000",
            "stock": "1",
            "weight_grams": "100",
        },
    )
    product = Product.objects.get()
    assert product.images.get().coach_advice == ["dark", "blurred", "small"]

    content = client.get(review_url(product)).content.decode()

    for code in ("dark", "blurred", "small"):
        assert escape(str(ADVICE_MESSAGES[code])) in content


@pytest.mark.django_db
def test_screen_one_without_a_photo_is_refused_and_nothing_is_created(client, member, category):
    response = client.post(
        ADD, {"title": "Sambal", "category": category.pk, "price": "1000", "stock": "1", "weight_grams": "100"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [indonesian("Take or choose a photo of the product.")]
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_screen_one_with_a_file_that_is_not_a_photo_creates_nothing(client, member, category):
    html = SimpleUploadedFile("foto.jpg", b"<html><script>alert(1)</script></html>", content_type="image/jpeg")

    response = client.post(
        ADD,
        {"image": html, "title": "Sambal", "category": category.pk, "price": "1000", "stock": "1", "weight_grams": "1"},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["image"] == [indonesian("This file is not a JPEG, PNG or WebP photo.")]
    assert (Product.objects.count(), ProductVariant.objects.count(), ProductImage.objects.count()) == (0, 0, 0)


@pytest.mark.django_db
def test_screen_one_reports_every_error_at_once_and_creates_nothing(client, member, category):
    html = SimpleUploadedFile("foto.jpg", b"<html></html>", content_type="image/jpeg")

    response = client.post(
        ADD, {"image": html, "title": "", "category": "", "price": "0", "stock": "banyak", "weight_grams": "0"}
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    # The photo is judged along with the other fields, so the seller fixes everything in one go.
    assert sorted(errors) == ["category", "image", "stock", "title"]
    assert errors["image"] == [indonesian("This file is not a JPEG, PNG or WebP photo.")]
    assert errors["stock"] == [indonesian("Enter a whole number, for example 15000.")]
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_service_errors_of_screen_one_come_back_on_their_fields(client, member, category):
    response = client.post(
        ADD,
        {
            "image": good_photo(),
            "title": "Sambal",
            "category": category.pk,
            "price": "0",
            "stock": "1",
            "weight_grams": "0",
        },
    )

    errors = response.context["form"].errors
    assert response.status_code == 400
    assert errors["price"] == [indonesian("The price is at least Rp 1.")]
    assert errors["weight_grams"] == [indonesian("The weight is at least 1 gram.")]
    assert (Product.objects.count(), ProductImage.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_screen_two_with_an_error_in_one_row_saves_nothing(client, member, shop, product):
    ProductVariantFactory(product=ProductFactory(shop=shop), sku="TAKEN")
    first = product.variants.get()
    before = catalogue_state()

    response = client.post(
        details_url(product),
        {
            "description": "Baru",
            "weight_grams": "300",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(first.pk),
            "variants-0-name": "250 g",
            "variants-0-sku": first.sku,
            "variants-0-price": "15000",
            "variants-0-stock": "10",
            "variants-1-name": "500 g",
            "variants-1-sku": "TAKEN",
            "variants-1-price": "",
            "variants-1-stock": "3",
        },
    )

    assert response.status_code == 400
    row = response.context["formset"].forms[1]
    assert row.errors["price"] == [indonesian("Enter the price.")]
    assert catalogue_state() == before

    response = client.post(
        details_url(product),
        {
            "description": "Baru",
            "weight_grams": "300",
            "variants-TOTAL_FORMS": "2",
            "variants-INITIAL_FORMS": "1",
            "variants-0-id": str(first.pk),
            "variants-0-name": "250 g",
            "variants-0-sku": first.sku,
            "variants-0-price": "15000",
            "variants-0-stock": "10",
            "variants-1-name": "500 g",
            "variants-1-sku": "TAKEN",
            "variants-1-price": "27000",
            "variants-1-stock": "3",
        },
    )

    assert response.status_code == 400
    assert response.context["formset"].forms[1].errors["sku"] == [
        indonesian("Another variant of your shop already uses this SKU.")
    ]
    assert catalogue_state() == before  # the description and weight were not kept either


# --- Editing a product --------------------------------------------------------------------------------------


def edit_data(product, **overrides) -> dict:
    variants = list(product.variants.order_by("pk"))
    data = {
        "title": product.title,
        "category": product.category_id,
        "description": description_as_text(product.description),
        "weight_grams": str(product.weight_grams),
        "variants-TOTAL_FORMS": str(len(variants)),
        "variants-INITIAL_FORMS": str(len(variants)),
    }
    for index, variant in enumerate(variants):
        data |= {
            f"variants-{index}-id": str(variant.pk),
            f"variants-{index}-name": variant.name,
            f"variants-{index}-sku": variant.sku,
            f"variants-{index}-price": str(variant.price),
            f"variants-{index}-stock": str(variant.stock),
        }
    return data | overrides


@pytest.mark.django_db
def test_edit_page_changes_the_product_and_its_variants(client, member, shop, product):
    other_category = CategoryFactory(name="Oleh-oleh", slug="oleh-oleh")
    second = ProductVariantFactory(product=product, name="500 g", sku="KP-500", price=27_000)
    first = product.variants.order_by("pk").first()
    slug = product.slug
    data = edit_data(
        product,
        title="Keripik Pisang Manis",
        category=other_category.pk,
        description="<b>Renyah</b> dan <script>alert(1)</script>manis",
        weight_grams="260",
        **{"variants-0-price": "16.000", "variants-1-DELETE": "on"},
    )

    response = client.post(edit_url(product), data)

    assert response.status_code == 302
    assert response.url == edit_url(product)
    product.refresh_from_db()
    assert (product.title, product.category, product.weight_grams, product.slug) == (
        "Keripik Pisang Manis",
        other_category,
        260,
        slug,
    )
    assert product.description == clean_rich_text("<b>Renyah</b> dan <script>alert(1)</script>manis")
    assert "script" not in product.description
    assert list(product.variants.values_list("pk", "price")) == [(first.pk, 16_000)]
    assert not ProductVariant.objects.filter(pk=second.pk).exists()
    assert message_texts(response) == [indonesian("Changes saved.")]


@pytest.mark.django_db
def test_removing_the_only_variant_is_refused_and_nothing_changes(client, member, product):
    before = catalogue_state()

    response = client.post(edit_url(product), edit_data(product, title="Baru", **{"variants-0-DELETE": "on"}))

    assert response.status_code == 400
    assert response.context["formset"].forms[0].non_field_errors() == [
        indonesian("A product needs at least one variant; add another before removing this one.")
    ]
    assert catalogue_state() == before


@pytest.mark.django_db
def test_a_variant_id_of_another_product_in_the_edit_form_changes_nothing(client, member, shop, product):
    foreign = ProductFactory(shop=ApprovedShopFactory()).variants.get()
    before = catalogue_state()

    response = client.post(
        edit_url(product), edit_data(product, **{"variants-0-id": str(foreign.pk), "variants-0-price": "1"})
    )

    assert response.status_code == 400
    assert catalogue_state() == before


@pytest.mark.django_db
def test_archive_then_publish_again_from_the_edit_page(client, member, product):
    response = client.post(f"/penjual/produk/{product.pk}/arsipkan/")

    assert response.url == edit_url(product)
    product.refresh_from_db()
    assert product.status == Product.Status.ARCHIVED
    assert client.post(f"/penjual/produk/{product.pk}/arsipkan/").status_code == 302
    product.refresh_from_db()
    assert product.status == Product.Status.ARCHIVED

    response = client.post(f"/penjual/produk/{product.pk}/terbitkan/")

    product.refresh_from_db()
    assert (product.status, product.moderation) == (Product.Status.ACTIVE, Product.Moderation.APPROVED)
    assert message_texts(response)[-1] == indonesian("%(title)s is published and on sale.", title=product.title)


@pytest.mark.django_db
def test_publishing_an_active_product_again_says_so_and_changes_nothing(client, member, product):
    before = catalogue_state()

    response = client.post(f"/penjual/produk/{product.pk}/terbitkan/")

    assert message_texts(response) == [indonesian("The product is already published.")]
    assert catalogue_state() == before


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["Renyah, manis.", "Baris satu\nbaris dua\n\nParagraf dua & <lebih> murah", "a < b > c"],
)
def test_plain_description_round_trips_through_the_textarea(typed):
    stored = clean_rich_text(typed)

    shown = description_as_text(stored)

    assert "<p>" not in shown
    assert clean_rich_text(shown) == stored


def test_rich_description_is_edited_as_html():
    stored = clean_rich_text("<ul><li>Renyah</li></ul>")

    assert description_as_text(stored) == stored


@pytest.mark.django_db
def test_english_pages_live_under_en(client, member):
    response = client.get("/en/penjual/produk/")

    assert response.status_code == 200
    assert "My products" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("status", ["draft", "submitted", "rejected", "approved"])
def test_products_can_be_prepared_whatever_the_shop_status_allows(client, status, category):
    owner = VerifiedUserFactory()
    ShopFactory(owner=owner, status=status)
    client.force_login(owner)

    response = client.post(
        ADD,
        {
            "image": good_photo(),
            "title": "Kopi Bubuk",
            "category": category.pk,
            "price": "30000",
            "stock": "4",
            "weight_grams": "250",
        },
    )

    product = Product.objects.get()
    assert response.url == details_url(product)
    assert client.get(LIST).context["products"][0] == product
    assert client.post(quick_url(product.variants.get()), {"price": "32000", "stock": "4"}).status_code == 302
    assert product.variants.get().price == 32_000

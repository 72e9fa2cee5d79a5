"""Catalogue services: products and variants (shops.services.products)."""

from datetime import timedelta

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from shops.errors import ProductStateError
from shops.models import Product, ProductVariant
from shops.services import (
    product_archive,
    product_create,
    product_publish,
    product_update,
    variant_add,
    variant_remove,
    variant_set_price,
    variant_set_stock,
    variant_update,
)
from tests.factories.shops import CategoryFactory, ProductFactory, ProductVariantFactory, ShopFactory


def catalogue_state():
    """Everything the catalogue services can change, to assert that a refused action changed nothing."""
    return (
        list(Product.objects.order_by("pk").values_list("pk", "title", "slug", "description", "status", "moderation")),
        list(ProductVariant.objects.order_by("pk").values_list("pk", "name", "sku", "price", "stock", "is_active")),
    )


def error_codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [item.code for item in items] for field, items in error.error_dict.items()}


@pytest.fixture
def shop():
    return ShopFactory()


@pytest.fixture
def owner(shop):
    return shop.members.get().user


def create(shop, owner, **overrides):
    values = {"title": "Keripik Pisang & Sambal", "category": CategoryFactory(), "weight_grams": 250, "price": 15_000}
    values.update(overrides)
    return product_create(shop=shop, actor=owner, **values)


@pytest.mark.django_db
def test_product_create_makes_a_draft_with_its_first_variant_and_a_slug_from_the_title(shop, owner):
    product = create(shop, owner, stock=12, variant_name="250 g", sku="KP-250")

    product.refresh_from_db()
    assert (product.shop_id, product.title, product.slug) == (
        shop.pk,
        "Keripik Pisang & Sambal",
        "keripik-pisang-dan-sambal",
    )
    assert (product.status, product.moderation, product.weight_grams) == ("draft", "none", 250)
    variants = list(product.variants.values_list("shop_id", "name", "sku", "price", "stock", "is_active"))
    assert variants == [(shop.pk, "250 g", "KP-250", 15_000, 12, True)]


@pytest.mark.django_db
def test_second_product_with_the_same_title_gets_a_numbered_slug(shop, owner):
    create(shop, owner)
    second = create(shop, owner)

    assert second.slug == "keripik-pisang-dan-sambal-2"


@pytest.mark.django_db
def test_blank_sku_is_generated_from_the_product_id(shop, owner):
    product = create(shop, owner, sku="  ")

    assert list(product.variants.values_list("sku", flat=True)) == [f"P{product.pk}"]


@pytest.mark.django_db
def test_description_is_sanitised_rich_text(shop, owner):
    product = create(shop, owner, description="  <b>Renyah</b><script>x()</script>\r\nTanpa pengawet  ")

    product.refresh_from_db()
    assert product.description == "<p><b>Renyah</b><br>Tanpa pengawet</p>"


@pytest.mark.django_db
def test_product_create_refuses_every_bad_field_at_once_and_writes_nothing(shop, owner):
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        product_create(
            shop=shop,
            actor=owner,
            title="  ",
            category=None,
            weight_grams=0,
            price=-1,
            stock=-5,
            sku="bad sku!",
        )

    assert error_codes(refused.value) == {
        "title": ["required"],
        "category": ["required"],
        "weight_grams": ["min_value"],
        "sku": ["invalid_sku"],
        "price": ["min_value"],
        "stock": ["min_value"],
    }
    assert catalogue_state() == before


@pytest.mark.django_db
def test_price_over_the_maximum_is_refused_with_a_field_error(shop, owner):
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        create(shop, owner, price=100_000_001)

    assert refused.value.message_dict == {"price": ["Harga paling tinggi Rp 100.000.000."]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_price_of_exactly_the_maximum_is_accepted(shop, owner):
    product = create(shop, owner, price=100_000_000)

    assert product.variants.get().price == 100_000_000


@pytest.mark.django_db
def test_price_that_is_not_a_whole_number_is_refused(shop, owner):
    with pytest.raises(ValidationError) as refused:
        create(shop, owner, price=1500.5)

    assert refused.value.message_dict == {"price": ["Isi harga dalam rupiah, tanpa desimal."]}
    assert Product.objects.count() == 0


@pytest.mark.django_db
def test_duplicate_sku_in_the_same_shop_is_refused(shop, owner):
    ProductVariantFactory(product__shop=shop, sku="KP-250")
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        create(shop, owner, sku="KP-250")

    assert refused.value.message_dict == {"sku": ["SKU ini sudah dipakai varian lain di toko Anda."]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_same_sku_in_another_shop_is_accepted(shop, owner):
    ProductVariantFactory(sku="KP-250")

    product = create(shop, owner, sku="KP-250")

    assert product.variants.get().sku == "KP-250"


@pytest.mark.django_db
def test_database_refuses_a_duplicate_sku_in_a_shop_even_past_the_services():
    variant = ProductVariantFactory(sku="KP-250")

    with pytest.raises(IntegrityError):
        ProductVariantFactory(product__shop=variant.shop, sku="KP-250")


@pytest.mark.django_db
def test_product_update_changes_the_title_but_never_the_slug(owner, shop):
    product = create(shop, owner)

    updated = product_update(product=product, actor=owner, title="Keripik Talas", weight_grams=300)

    updated.refresh_from_db()
    assert (updated.title, updated.slug, updated.weight_grams) == ("Keripik Talas", "keripik-pisang-dan-sambal", 300)


@pytest.mark.django_db
def test_product_update_refuses_bad_fields_and_changes_nothing(owner, shop):
    product = create(shop, owner)
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        product_update(product=product, actor=owner, title="x" * 121, weight_grams=1_000_001)

    assert error_codes(refused.value) == {"title": ["max_length"], "weight_grams": ["max_value"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_product_update_rejects_unknown_fields(owner, shop):
    product = create(shop, owner)

    with pytest.raises(TypeError):
        product_update(product=product, actor=owner, slug="lain")


@pytest.mark.django_db
def test_publishing_makes_the_product_active_and_approved_at_once(owner, shop):
    product = create(shop, owner)

    published = product_publish(product=product, actor=owner)

    published.refresh_from_db()
    assert (published.status, published.moderation) == ("active", "approved")


@pytest.mark.django_db
def test_publishing_waits_for_an_operator_when_new_products_need_review(owner, shop, settings):
    settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW = True
    product = create(shop, owner)

    published = product_publish(product=product, actor=owner)

    published.refresh_from_db()
    assert (published.status, published.moderation) == ("active", "pending")


@pytest.mark.django_db
def test_republishing_an_approved_product_keeps_it_approved_even_when_review_is_required(owner, settings):
    product = ProductFactory(status="archived", moderation="approved")
    owner = product.shop.members.get().user
    settings.SHOPS_NEW_PRODUCTS_NEED_REVIEW = True

    published = product_publish(product=product, actor=owner)

    assert (published.status, published.moderation) == ("active", "approved")


@pytest.mark.django_db
def test_publishing_an_active_product_is_refused():
    product = ProductFactory()
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ProductStateError) as refused:
        product_publish(product=product, actor=owner)

    assert (str(refused.value), refused.value.status) == ("Produk ini sudah tayang.", "active")
    assert catalogue_state() == before


@pytest.mark.django_db
def test_publishing_without_an_active_variant_is_refused():
    product = ProductFactory(status="draft", moderation="none", variant__is_active=False)
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        product_publish(product=product, actor=owner)

    assert error_codes(refused.value) == {NON_FIELD_ERRORS: ["no_variant"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_archiving_hides_an_active_product_and_a_second_archive_is_refused():
    product = ProductFactory()
    owner = product.shop.members.get().user

    archived = product_archive(product=product, actor=owner)
    assert Product.objects.get(pk=product.pk).status == "archived"
    with pytest.raises(ProductStateError):
        product_archive(product=archived, actor=owner)
    assert Product.objects.get(pk=product.pk).status == "archived"


@pytest.mark.django_db
def test_variant_add_adds_a_variant_with_its_own_sku():
    product = ProductFactory(variant__sku="KP-250")
    owner = product.shop.members.get().user

    variant = variant_add(product=product, actor=owner, name="500 g", sku="KP-500", price=28_000, stock=4)

    assert (variant.shop_id, variant.name, variant.sku, variant.price, variant.stock) == (
        product.shop_id,
        "500 g",
        "KP-500",
        28_000,
        4,
    )
    assert list(product.variants.order_by("pk").values_list("sku", flat=True)) == ["KP-250", "KP-500"]


@pytest.mark.django_db
def test_variant_add_refuses_a_duplicate_sku_negative_stock_and_a_price_over_the_maximum():
    product = ProductFactory(variant__sku="KP-250")
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        variant_add(product=product, actor=owner, sku="KP-250", price=100_000_001, stock=-1)

    assert error_codes(refused.value) == {"sku": ["duplicate_sku"], "price": ["max_value"], "stock": ["min_value"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_quick_edit_sets_stock_and_price():
    product = ProductFactory(variant__price=15_000, variant__stock=10)
    owner = product.shop.members.get().user
    variant = product.variants.get()

    variant_set_stock(variant=variant, actor=owner, stock=0)
    variant_set_price(variant=variant, actor=owner, price=17_500)

    assert ProductVariant.objects.filter(pk=variant.pk).values_list("price", "stock").get() == (17_500, 0)


@pytest.mark.django_db
def test_quick_edit_refuses_negative_stock_and_price_and_changes_nothing():
    product = ProductFactory(variant__price=15_000, variant__stock=10)
    owner = product.shop.members.get().user
    variant = product.variants.get()
    before = catalogue_state()

    with pytest.raises(ValidationError) as stock_refused:
        variant_set_stock(variant=variant, actor=owner, stock=-1)
    with pytest.raises(ValidationError) as price_refused:
        variant_set_price(variant=variant, actor=owner, price=-15_000)

    assert stock_refused.value.message_dict == {"stock": ["Stok tidak boleh negatif."]}
    assert price_refused.value.message_dict == {"price": ["Harga minimal Rp 1."]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_variant_update_refuses_a_sku_used_by_another_variant_of_the_shop():
    product = ProductFactory(variant__sku="KP-250")
    other = ProductVariantFactory(product__shop=product.shop, sku="KP-500")
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        variant_update(variant=other, actor=owner, sku="KP-250")

    assert error_codes(refused.value) == {"sku": ["duplicate_sku"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_variant_update_keeps_its_own_sku_and_changes_the_name():
    product = ProductFactory(variant__sku="KP-250")
    owner = product.shop.members.get().user

    variant = variant_update(variant=product.variants.get(), actor=owner, sku="KP-250", name="Pedas")

    assert ProductVariant.objects.filter(pk=variant.pk).values_list("sku", "name").get() == ("KP-250", "Pedas")


@pytest.mark.django_db
def test_last_active_variant_of_a_published_product_cannot_be_deactivated():
    product = ProductFactory()
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        variant_update(variant=product.variants.get(), actor=owner, is_active=False)

    assert error_codes(refused.value) == {"is_active": ["last_active_variant"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_the_last_variant_cannot_be_removed():
    product = ProductFactory(status="draft")
    owner = product.shop.members.get().user
    before = catalogue_state()

    with pytest.raises(ValidationError) as refused:
        variant_remove(variant=product.variants.get(), actor=owner)

    assert error_codes(refused.value) == {NON_FIELD_ERRORS: ["last_variant"]}
    assert catalogue_state() == before


@pytest.mark.django_db
def test_a_variant_other_than_the_last_is_removed():
    product = ProductFactory(variant__sku="KP-250")
    second = ProductVariantFactory(product=product, sku="KP-500")
    owner = product.shop.members.get().user

    variant_remove(variant=second, actor=owner)

    assert list(product.variants.values_list("sku", flat=True)) == ["KP-250"]


@pytest.mark.django_db
def test_badges_show_only_verified_and_unexpired_legal_data():
    product = ProductFactory(
        shop__halal_certificate_number="ID51110000123",
        shop__halal_expires_on=timezone.localdate() + timedelta(days=30),
        shop__halal_verified_at=timezone.now(),
        shop__pirt_number="2065103010123-27",
        shop__pirt_verified_at=None,
        shop__nib="1234567890123",
        shop__nib_verified_at=timezone.now(),
    )
    assert product.badges == ["halal", "nib"]

    product.shop.halal_expires_on = timezone.localdate()
    assert product.badges == ["nib"]

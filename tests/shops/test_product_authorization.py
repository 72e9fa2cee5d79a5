"""Who may change a shop's catalogue: its owner and staff; not a member of another shop, a shopper or an operator."""

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from shops import services
from shops.models import Product, ProductImage, ProductVariant
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import (
    CategoryFactory,
    ProductFactory,
    ProductImageFactory,
    ProductVariantFactory,
    ShopFactory,
    ShopMemberFactory,
)


def jpeg_upload() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), (200, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("foto.jpg", buffer.getvalue(), content_type="image/jpeg")


ACTIONS = {
    "product_create": lambda product, actor: services.product_create(
        shop=product.shop, actor=actor, title="Sambal Matah", category=CategoryFactory(), weight_grams=200, price=20_000
    ),
    "product_update": lambda product, actor: services.product_update(product=product, actor=actor, title="Baru"),
    "product_publish": lambda product, actor: services.product_publish(product=product, actor=actor),
    "product_archive": lambda product, actor: services.product_archive(product=product, actor=actor),
    "variant_add": lambda product, actor: services.variant_add(product=product, actor=actor, price=9_000),
    "variant_update": lambda product, actor: services.variant_update(
        variant=product.variants.first(), actor=actor, name="Pedas"
    ),
    "variant_set_stock": lambda product, actor: services.variant_set_stock(
        variant=product.variants.first(), actor=actor, stock=3
    ),
    "variant_set_price": lambda product, actor: services.variant_set_price(
        variant=product.variants.first(), actor=actor, price=3_000
    ),
    "variant_remove": lambda product, actor: services.variant_remove(variant=product.variants.last(), actor=actor),
    "product_image_add": lambda product, actor: services.product_image_add(
        product=product, actor=actor, uploaded_file=jpeg_upload()
    ),
    "product_image_reorder": lambda product, actor: services.product_image_reorder(
        product=product, actor=actor, image_ids=list(product.images.order_by("-position").values_list("pk", flat=True))
    ),
    "product_image_set_main": lambda product, actor: services.product_image_set_main(
        image=product.images.last(), actor=actor
    ),
    "product_image_remove": lambda product, actor: services.product_image_remove(
        image=product.images.last(), actor=actor
    ),
}

ROLES = {
    "owner": lambda shop: shop.members.get(role="owner").user,
    "staff": lambda shop: ShopMemberFactory(shop=shop).user,
    "member_of_another_shop": lambda shop: ShopFactory().members.get().user,
    "shopper": lambda shop: VerifiedUserFactory(),
    "operator": lambda shop: SuperuserFactory(),
}
ALLOWED = {"owner", "staff"}


def catalogue_state():
    return (
        list(Product.objects.order_by("pk").values_list("pk", "title", "status", "moderation", "updated_at")),
        list(ProductVariant.objects.order_by("pk").values_list("pk", "name", "sku", "price", "stock", "is_active")),
        list(ProductImage.objects.order_by("pk").values_list("pk", "position", "is_main")),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("action", sorted(ACTIONS))
@pytest.mark.parametrize("role", sorted(ROLES))
def test_catalogue_services_allow_only_the_shops_owner_and_staff(role, action):
    product = ProductFactory(status="draft", moderation="none", variant__sku="A-1")
    ProductVariantFactory(product=product, sku="A-2")
    ProductImageFactory(product=product, position=0, is_main=True)
    ProductImageFactory(product=product, position=1)
    actor = ROLES[role](product.shop)
    before = catalogue_state()

    if role in ALLOWED:
        ACTIONS[action](product, actor)
        assert catalogue_state() != before
    else:
        with pytest.raises(PermissionDenied):
            ACTIONS[action](product, actor)
        assert catalogue_state() == before

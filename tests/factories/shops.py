import hashlib
from datetime import timedelta

import factory
from django.utils import timezone

from shops.models import (
    Category,
    District,
    Product,
    ProductImage,
    ProductVariant,
    Province,
    Regency,
    Shop,
    ShopInvitation,
    ShopMember,
    Village,
)

from .accounts import VerifiedUserFactory


class ProvinceFactory(factory.django.DjangoModelFactory):
    code = "51"
    name = "Bali"

    class Meta:
        model = Province
        django_get_or_create = ("code",)


class RegencyFactory(factory.django.DjangoModelFactory):
    code = "51.03"
    province = factory.SubFactory(ProvinceFactory)
    kind = Regency.Kind.REGENCY
    name = "Kabupaten Badung"

    class Meta:
        model = Regency
        django_get_or_create = ("code",)


class DistrictFactory(factory.django.DjangoModelFactory):
    code = "51.03.06"
    regency = factory.SubFactory(RegencyFactory)
    name = "Kuta Utara"

    class Meta:
        model = District
        django_get_or_create = ("code",)


class VillageFactory(factory.django.DjangoModelFactory):
    code = "51.03.06.2005"
    district = factory.SubFactory(DistrictFactory)
    kind = Village.Kind.VILLAGE
    name = "Canggu"
    postal_code = "80363"

    class Meta:
        model = Village
        django_get_or_create = ("code",)


class ShopFactory(factory.django.DjangoModelFactory):
    """A draft shop with a complete profile (ready to submit) and an owner: `ShopFactory(owner=user)`."""

    name = factory.Sequence(lambda n: f"Warung Bu Made {n}")
    slug = factory.Sequence(lambda n: f"warung-bu-made-{n}")
    story = "Keripik pisang dan sambal matah buatan rumah sejak 1998."
    whatsapp = "+6281234567890"
    village = factory.SubFactory(VillageFactory)
    # Each level follows the one below it; pass None for a lower level to leave it out.
    district = factory.LazyAttribute(lambda shop: shop.village.district if shop.village else DistrictFactory())
    regency = factory.LazyAttribute(lambda shop: shop.district.regency if shop.district else RegencyFactory())
    province = factory.LazyAttribute(lambda shop: shop.regency.province if shop.regency else ProvinceFactory())
    street_address = "Jl. Pantai Berawa No. 12"
    postal_code = "80363"

    class Meta:
        model = Shop
        skip_postgeneration_save = True

    @factory.post_generation
    def owner(self, create, extracted, **kwargs):
        if create:
            ShopMember.objects.create(shop=self, user=extracted or VerifiedUserFactory(), role=ShopMember.Role.OWNER)


class SubmittedShopFactory(ShopFactory):
    status = Shop.Status.SUBMITTED
    submitted_at = factory.LazyFunction(timezone.now)


class ApprovedShopFactory(ShopFactory):
    status = Shop.Status.APPROVED


class ShopMemberFactory(factory.django.DjangoModelFactory):
    shop = factory.SubFactory(ShopFactory)
    user = factory.SubFactory(VerifiedUserFactory)
    role = ShopMember.Role.STAFF

    class Meta:
        model = ShopMember


class CategoryFactory(factory.django.DjangoModelFactory):
    """A root category; `CategoryFactory(parent=other)` makes a child."""

    name = factory.Sequence(lambda n: f"Kategori {n}")
    slug = factory.Sequence(lambda n: f"kategori-{n}")
    icon = Category.Icon.OTHER

    class Meta:
        model = Category

    @classmethod
    def _create(cls, model_class, *args, parent=None, **kwargs):
        if parent is None:
            return model_class.add_root(**kwargs)
        parent.refresh_from_db()
        return parent.add_child(**kwargs)


class ProductFactory(factory.django.DjangoModelFactory):
    """A published, approved product of an approved shop, with one variant: `ProductFactory(shop=shop)`.
    Pass `variant=None` for a product without its variant (only tests need such a thing)."""

    shop = factory.SubFactory(ApprovedShopFactory)
    title = factory.Sequence(lambda n: f"Keripik Pisang {n}")
    slug = factory.Sequence(lambda n: f"keripik-pisang-{n}")
    description = "Renyah, manis gurih.\nTanpa pengawet."
    category = factory.SubFactory(CategoryFactory)
    status = Product.Status.ACTIVE
    moderation = Product.Moderation.APPROVED
    weight_grams = 250
    variant = factory.RelatedFactory("tests.factories.shops.ProductVariantFactory", factory_related_name="product")

    class Meta:
        model = Product
        skip_postgeneration_save = True


class ProductVariantFactory(factory.django.DjangoModelFactory):
    product = factory.SubFactory(ProductFactory, variant=None)
    shop = factory.LazyAttribute(lambda variant: variant.product.shop)
    name = "250 g"
    sku = factory.Sequence(lambda n: f"SKU-{n}")
    price = 15_000
    stock = 10

    class Meta:
        model = ProductVariant


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A stored photo without renditions; the first one of a product should be `is_main=True`."""

    product = factory.SubFactory(ProductFactory)
    original = factory.django.ImageField(format="WEBP", width=64, height=48, color="orange")
    position = factory.Sequence(lambda n: n)
    width = 64
    height = 48

    class Meta:
        model = ProductImage


class ShopInvitationFactory(factory.django.DjangoModelFactory):
    """An open invitation, valid for 7 more days; its link's token is `token` (only the hash is stored):
    `ShopInvitationFactory(shop=shop, email="ani@contoh.id", token="t0k3n")`."""

    shop = factory.SubFactory(ShopFactory)
    email = factory.Sequence(lambda n: f"calon-staf{n}@contoh.id")
    token_hash = factory.LazyAttribute(lambda invitation: hashlib.sha256(invitation.token.encode()).hexdigest())
    expires_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))

    class Params:
        token = factory.Sequence(lambda n: f"token-undangan-{n}")

    class Meta:
        model = ShopInvitation

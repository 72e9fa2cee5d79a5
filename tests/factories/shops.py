import factory
from django.utils import timezone

from shops.models import Category, District, Province, Regency, Shop, ShopMember, Village

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

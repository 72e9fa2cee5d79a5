"""Factories of shipping options and the address book (orders app)."""

import factory

from orders.models import Address, ShippingOption

from .accounts import VerifiedUserFactory
from .shops import ShopFactory, VillageFactory


class ShippingOptionFactory(factory.django.DjangoModelFactory):
    """A flat rate of Rp 15.000; `ShippingOptionFactory(kind="weight", weight_bands=[...])`,
    `ShippingOptionFactory(kind="local_delivery", districts=[district])` for the other kinds."""

    shop = factory.SubFactory(ShopFactory)
    kind = ShippingOption.Kind.FLAT
    name = factory.Sequence(lambda n: f"Kurir {n}")
    fee = 15_000
    weight_bands = factory.LazyFunction(list)
    free_above = None
    is_active = True
    position = factory.Sequence(lambda n: n)

    class Meta:
        model = ShippingOption
        skip_postgeneration_save = True

    @factory.post_generation
    def districts(self, create, extracted, **kwargs):
        if create and extracted:
            self.districts.set(extracted)


class AddressFactory(factory.django.DjangoModelFactory):
    """An address in Canggu (Kuta Utara, Badung, Bali); not the default unless `is_default=True`."""

    user = factory.SubFactory(VerifiedUserFactory)
    label = "Rumah"
    is_default = False
    recipient_name = "Ni Luh Putu Ayu"
    phone = "+6281234567890"
    village = factory.SubFactory(VillageFactory)
    district = factory.LazyAttribute(lambda address: address.village.district)
    regency = factory.LazyAttribute(lambda address: address.district.regency)
    province = factory.LazyAttribute(lambda address: address.regency.province)
    street_address = "Jl. Raya Canggu No. 8"
    postal_code = "80361"

    class Meta:
        model = Address

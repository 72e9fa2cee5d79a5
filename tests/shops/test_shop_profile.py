"""Opening a shop (slug, one owned shop per user), editing its profile, and adding staff."""

from datetime import date

import pytest
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import IntegrityError

from shops import services
from shops.errors import ShopStateError
from shops.models import Shop, ShopMember
from tests.factories.accounts import SuperuserFactory, VerifiedUserFactory
from tests.factories.shops import (
    DistrictFactory,
    RegencyFactory,
    ShopFactory,
    ShopMemberFactory,
    VillageFactory,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 3, 2)
PROFILE_SNAPSHOT = (
    "name",
    "slug",
    "story",
    "whatsapp",
    "province_id",
    "regency_id",
    "district_id",
    "village_id",
    "street_address",
    "postal_code",
    "nib",
    "nib_verified_at",
    "halal_certificate_number",
    "halal_expires_on",
    "pirt_number",
    "status",
    "updated_at",
)


@pytest.fixture(autouse=True)
def frozen(time_machine):
    time_machine.move_to("2026-03-02 09:00 +08:00", tick=False)


def snapshot(shop: Shop) -> tuple:
    shop.refresh_from_db()
    return tuple(getattr(shop, field) for field in PROFILE_SNAPSHOT)


def owner_of(shop: Shop):
    return ShopMember.objects.get(shop=shop, role="owner").user


def error_codes(error: ValidationError) -> dict[str, list[str]]:
    return {field: [e.code for e in errors] for field, errors in error.error_dict.items()}


# --- Creating a shop and its slug ---------------------------------------------------------------------


def test_shop_create_makes_a_draft_owned_by_the_user():
    user = VerifiedUserFactory()

    shop = services.shop_create(owner=user, name="  Warung Kopi Bu Made ")

    assert (shop.name, shop.slug, shop.status) == ("Warung Kopi Bu Made", "warung-kopi-bu-made", "draft")
    assert list(ShopMember.objects.values_list("shop", "user", "role")) == [(shop.pk, user.pk, "owner")]


@pytest.mark.parametrize(
    ("name", "slug"),
    [
        ("Kopi & Teh Kintamani", "kopi-dan-teh-kintamani"),
        ("Kerajinan Ukir Bali — Mas", "kerajinan-ukir-bali-mas"),
        ("Dapur Bu Ñoman's", "dapur-bu-nomans"),
        ("!!!", "toko"),
    ],
)
def test_shop_slug_is_made_from_the_name_in_plain_ascii(name, slug):
    assert services.shop_create(owner=VerifiedUserFactory(), name=name).slug == slug


def test_a_taken_slug_gets_the_next_free_number():
    first = services.shop_create(owner=VerifiedUserFactory(), name="Sambal Matah Bali")
    second = services.shop_create(owner=VerifiedUserFactory(), name="Sambal  Matah bali")
    third = services.shop_create(owner=VerifiedUserFactory(), name="Sambal Matah Bali!")

    assert [first.slug, second.slug, third.slug] == ["sambal-matah-bali", "sambal-matah-bali-2", "sambal-matah-bali-3"]


def test_a_shop_whose_slug_only_starts_like_another_keeps_its_own_slug():
    ShopFactory(slug="kopi-bali-2")
    ShopFactory(slug="kopi-bali-utara")

    assert services.shop_create(owner=VerifiedUserFactory(), name="Kopi Bali").slug == "kopi-bali"


def test_the_slug_stays_when_the_shop_is_renamed():
    user = VerifiedUserFactory()
    shop = services.shop_create(owner=user, name="Kripik Pisang")

    renamed = services.shop_update_profile(shop=shop, actor=user, name="Kripik Pisang Mengwi")

    assert (renamed.name, renamed.slug) == ("Kripik Pisang Mengwi", "kripik-pisang")


def test_a_user_owns_at_most_one_shop():
    user = VerifiedUserFactory()
    services.shop_create(owner=user, name="Toko Pertama")

    with pytest.raises(ValidationError) as raised:
        services.shop_create(owner=user, name="Toko Kedua")

    assert error_codes(raised.value) == {NON_FIELD_ERRORS: ["already_owner"]}
    assert list(Shop.objects.values_list("name", flat=True)) == ["Toko Pertama"]


def test_the_database_refuses_a_second_owner_for_a_shop():
    shop = ShopFactory()

    with pytest.raises(IntegrityError):
        ShopMember.objects.create(shop=shop, user=VerifiedUserFactory(), role="owner")


@pytest.mark.parametrize(("name", "code"), [("", "required"), ("   ", "required"), ("x" * 81, "max_length")])
def test_shop_create_refuses_a_blank_or_long_name(name, code):
    with pytest.raises(ValidationError) as raised:
        services.shop_create(owner=VerifiedUserFactory(), name=name)

    assert error_codes(raised.value) == {"name": [code]}
    assert Shop.objects.count() == 0
    assert ShopMember.objects.count() == 0


# --- Editing the profile ------------------------------------------------------------------------------


def test_owner_saves_a_complete_profile_with_the_whatsapp_number_normalised():
    village = VillageFactory()
    user = VerifiedUserFactory()
    shop = services.shop_create(owner=user, name="Endek Mengwi")

    services.shop_update_profile(
        shop=shop,
        actor=user,
        story="Tenun endek dari Badung.",
        whatsapp="0812-3456-7890",
        province=village.district.regency.province,
        regency=village.district.regency,
        district=village.district,
        village=village,
        street_address="Jl. Raya Canggu 5",
        postal_code="80363",
        nib="1234567890123",
        halal_certificate_number="ID51110000123450124",
        halal_expires_on=date(2027, 1, 31),
        pirt_number="2065103010123-29",
    )

    shop.refresh_from_db()
    assert str(shop.whatsapp) == "+6281234567890"
    assert (shop.province_id, shop.regency_id, shop.district_id, shop.village_id) == (
        "51",
        "51.03",
        "51.03.06",
        "51.03.06.2005",
    )
    assert (shop.postal_code, shop.nib, shop.halal_expires_on) == ("80363", "1234567890123", date(2027, 1, 31))


def test_a_district_of_another_regency_is_refused():
    shop = ShopFactory()
    denpasar_selatan = DistrictFactory(
        code="51.71.01", name="Denpasar Selatan", regency=RegencyFactory(code="51.71", name="Kota Denpasar")
    )
    before = snapshot(shop)

    with pytest.raises(ValidationError) as raised:
        services.shop_update_profile(shop=shop, actor=owner_of(shop), district=denpasar_selatan)

    # The village (Canggu) now also lies outside the chosen district.
    assert error_codes(raised.value) == {"district": ["address_mismatch"], "village": ["address_mismatch"]}
    assert snapshot(shop) == before


def test_a_regency_of_another_province_is_refused():
    shop = ShopFactory(district=None, village=None)
    mataram = RegencyFactory(
        code="52.71", name="Kota Mataram", province__code="52", province__name="Nusa Tenggara Barat"
    )

    with pytest.raises(ValidationError) as raised:
        services.shop_update_profile(shop=shop, actor=owner_of(shop), regency=mataram)

    assert error_codes(raised.value) == {"regency": ["address_mismatch"]}
    assert Shop.objects.get().regency_id == "51.03"


@pytest.mark.parametrize(
    ("fields", "errors"),
    [
        ({"nib": "123456789012"}, {"nib": ["invalid_nib"]}),
        ({"nib": "12345678901a3"}, {"nib": ["invalid_nib"]}),
        ({"postal_code": "8036"}, {"postal_code": ["invalid_postal_code"]}),
        ({"whatsapp": "12345"}, {"whatsapp": ["invalid_phone"]}),
        ({"whatsapp": "+6591234567"}, {"whatsapp": ["invalid_phone"]}),
        ({"name": ""}, {"name": ["blank"]}),
        (
            {"halal_certificate_number": "ID511100001", "halal_expires_on": date(2026, 3, 1)},
            {"halal_expires_on": ["expired"]},
        ),
        (
            {"halal_certificate_number": "ID511100001", "halal_expires_on": TODAY},
            {"halal_expires_on": ["expired"]},
        ),
        ({"halal_certificate_number": "ID511100001"}, {"halal_expires_on": ["required"]}),
        ({"halal_expires_on": date(2027, 1, 1)}, {"halal_certificate_number": ["required"]}),
        (
            {"nib": "123", "postal_code": "x", "whatsapp": "1"},
            {"nib": ["invalid_nib"], "postal_code": ["invalid_postal_code"], "whatsapp": ["invalid_phone"]},
        ),
    ],
)
def test_bad_profile_values_are_refused_with_field_errors_and_change_nothing(fields, errors):
    shop = ShopFactory()
    before = snapshot(shop)

    with pytest.raises(ValidationError) as raised:
        services.shop_update_profile(shop=shop, actor=owner_of(shop), **fields)

    assert error_codes(raised.value) == errors
    assert snapshot(shop) == before


def test_the_database_refuses_an_nib_that_is_not_13_digits():
    shop = ShopFactory()

    with pytest.raises(IntegrityError):
        Shop.objects.filter(pk=shop.pk).update(nib="123456789012")


def test_changing_the_nib_withdraws_its_verification():
    shop = ShopFactory(status="approved", nib="1234567890123", nib_verified_at="2026-01-05T10:00:00+08:00")

    services.shop_update_profile(shop=shop, actor=owner_of(shop), nib="9876543210987")

    shop.refresh_from_db()
    assert (shop.nib, shop.nib_verified_at) == ("9876543210987", None)


def test_saving_the_same_nib_keeps_its_verification():
    shop = ShopFactory(status="approved", nib="1234567890123", nib_verified_at="2026-01-05T10:00:00+08:00")

    services.shop_update_profile(shop=shop, actor=owner_of(shop), nib="1234567890123", story="Cerita baru.")

    shop.refresh_from_db()
    assert shop.nib_verified_at is not None


@pytest.mark.parametrize("status", ["submitted", "suspended"])
def test_the_profile_cannot_be_edited_while_waiting_for_review_or_suspended(status):
    shop = ShopFactory(status=status)
    before = snapshot(shop)

    with pytest.raises(ShopStateError):
        services.shop_update_profile(shop=shop, actor=owner_of(shop), story="Cerita baru.")

    assert snapshot(shop) == before


@pytest.mark.parametrize("role", ["staff", "stranger"])
def test_only_the_owner_edits_the_profile(role):
    shop = ShopFactory()
    actor = ShopMemberFactory(shop=shop).user if role == "staff" else VerifiedUserFactory()
    before = snapshot(shop)

    with pytest.raises(PermissionDenied):
        services.shop_update_profile(shop=shop, actor=actor, story="Cerita baru.")

    assert snapshot(shop) == before


def test_an_unknown_profile_field_is_a_programming_error():
    shop = ShopFactory()

    with pytest.raises(TypeError, match="status"):
        services.shop_update_profile(shop=shop, actor=owner_of(shop), status="approved")

    assert Shop.objects.get().status == "draft"


# --- Legal verification ------------------------------------------------------------------------------


@pytest.fixture
def operator():
    return SuperuserFactory()


def test_an_operator_verifies_legal_documents(operator):
    shop = ShopFactory(nib="1234567890123", pirt_number="2065103010123-29")

    services.shop_verify_legal(shop=shop, operator=operator, fields=["nib", "pirt"])

    shop.refresh_from_db()
    assert shop.nib_verified_at is not None
    assert shop.nib_verified_at == shop.pirt_verified_at
    assert shop.halal_verified_at is None


def test_an_empty_or_expired_document_cannot_be_verified(operator):
    shop = ShopFactory(halal_certificate_number="ID511100001", halal_expires_on=date(2026, 3, 1))

    with pytest.raises(ValidationError) as raised:
        services.shop_verify_legal(shop=shop, operator=operator, fields=["nib", "halal"])

    assert error_codes(raised.value) == {"nib": ["empty"], "halal_expires_on": ["expired"]}
    shop.refresh_from_db()
    assert (shop.nib_verified_at, shop.halal_verified_at) == (None, None)


def test_a_shop_owner_cannot_verify_legal_documents():
    shop = ShopFactory(nib="1234567890123")

    with pytest.raises(PermissionDenied):
        services.shop_verify_legal(shop=shop, operator=owner_of(shop), fields=["nib"])

    assert Shop.objects.get().nib_verified_at is None


# --- Members --------------------------------------------------------------------------------------------


def test_the_owner_adds_staff():
    shop = ShopFactory()
    colleague = VerifiedUserFactory()

    member = services.shop_member_add(shop=shop, actor=owner_of(shop), user=colleague, role="staff")

    assert (member.shop, member.user, member.role) == (shop, colleague, "staff")


def test_staff_cannot_add_members():
    shop = ShopFactory()
    staff = ShopMemberFactory(shop=shop).user

    with pytest.raises(PermissionDenied):
        services.shop_member_add(shop=shop, actor=staff, user=VerifiedUserFactory(), role="staff")

    assert ShopMember.objects.filter(shop=shop).count() == 2


def test_a_member_cannot_be_added_twice_nor_as_a_second_owner():
    shop = ShopFactory()
    owner = owner_of(shop)
    staff = ShopMemberFactory(shop=shop).user

    with pytest.raises(ValidationError) as twice:
        services.shop_member_add(shop=shop, actor=owner, user=staff, role="staff")
    with pytest.raises(ValidationError) as second_owner:
        services.shop_member_add(shop=shop, actor=owner, user=VerifiedUserFactory(), role="owner")

    assert error_codes(twice.value) == {"user": ["already_member"]}
    assert error_codes(second_owner.value) == {"role": ["invalid_role"]}
    assert ShopMember.objects.filter(shop=shop).count() == 2

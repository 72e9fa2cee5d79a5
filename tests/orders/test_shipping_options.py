"""A shop's shipping options and its cash-on-delivery switch: services, seller pages, API and who may do what."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation
from rest_framework.test import APIClient

from orders.models import MAX_SHIPPING_FEE, ShippingOption
from orders.services.shipping_options import (
    MAX_OPTIONS_PER_SHOP,
    shipping_option_create,
    shipping_option_delete,
    shipping_option_update,
)
from shops.models import Shop
from shops.services.shops import shop_set_cash_on_delivery
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.orders_shipping import ShippingOptionFactory
from tests.factories.shops import DistrictFactory, RegencyFactory, ShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

LIST = "/penjual/pengiriman/"
ADD = "/penjual/pengiriman/tambah/"
COD = "/penjual/pengiriman/cod/"
API_LIST = "/api/v1/seller/shipping-options/"
API_COD = "/api/v1/seller/shipping-options/cash-on-delivery/"
BANDS = [{"up_to_grams": 1000, "fee": 10_000}, {"up_to_grams": 3000, "fee": 18_000}]


def indonesian(msgid: str, **params) -> str:
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def snapshot() -> dict:
    """Every row these endpoints could change."""
    return {
        "options": list(ShippingOption.objects.order_by("pk").values()),
        "districts": list(ShippingOption.districts.through.objects.order_by("pk").values()),
        "cod": list(Shop.objects.order_by("pk").values_list("pk", "accepts_cash_on_delivery", "updated_at")),
    }


def errors(caught) -> dict[str, list[str]]:
    with translation.override("en"):
        return {field: [str(message) for message in messages] for field, messages in caught.value.message_dict.items()}


@pytest.fixture
def owner():
    return VerifiedUserFactory()


@pytest.fixture
def shop(owner):
    return ShopFactory(owner=owner)


@pytest.fixture
def staff(shop):
    return ShopMemberFactory(shop=shop).user


@pytest.fixture
def district(db):
    return DistrictFactory()  # Kuta Utara, in the shop's regency


# --- Services ------------------------------------------------------------------------------------------------


def test_member_adds_each_kind_and_unused_values_are_dropped(shop, owner, district):
    flat = shipping_option_create(
        shop=shop, user=owner, kind="flat", name="  Kurir Kilat  ", fee=12_000, weight_bands=BANDS, districts=[district]
    )
    weight = shipping_option_create(shop=shop, user=owner, kind="weight", name="JNE", fee=5_000, weight_bands=BANDS)
    pickup = shipping_option_create(shop=shop, user=owner, kind="pickup", name="Ambil", fee=9_000, free_above=1000)
    local = shipping_option_create(
        shop=shop, user=owner, kind="local_delivery", name="Antar", fee=8_000, districts=[district], free_above=200_000
    )

    rows = list(
        ShippingOption.objects.filter(shop=shop)
        .order_by("position")
        .values_list("name", "kind", "fee", "weight_bands", "free_above", "position")
    )
    assert rows == [
        ("Kurir Kilat", "flat", 12_000, [], None, 0),
        ("JNE", "weight", 0, BANDS, None, 1),
        ("Ambil", "pickup", 0, [], None, 2),
        ("Antar", "local_delivery", 8_000, [], 200_000, 3),
    ]
    assert [list(option.districts.all()) for option in (flat, weight, pickup, local)] == [[], [], [], [district]]


def test_staff_manage_options_too(shop, staff):
    option = shipping_option_create(shop=shop, user=staff, kind="pickup", name="Ambil di toko")
    shipping_option_update(shop=shop, user=staff, option=option, name="Ambil di warung")
    assert ShippingOption.objects.get().name == "Ambil di warung"
    shipping_option_delete(shop=shop, user=staff, option=option)
    assert ShippingOption.objects.count() == 0


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"kind": "flat", "name": "  "}, {"name": ["Enter the name shoppers see, for example JNE Reguler."]}),
        ({"kind": "flat", "name": "x" * 81}, {"name": ["The name is at most 80 characters."]}),
        ({"kind": "kapal", "name": "Kapal"}, {"kind": ["Choose how this option ships."]}),
        (
            {"kind": "flat", "name": "K", "fee": None},
            {"fee": ["Enter the fee as a whole number of rupiah, from 0 to 10.000.000."]},
        ),
        (
            {"kind": "flat", "name": "K", "fee": -1},
            {"fee": ["Enter the fee as a whole number of rupiah, from 0 to 10.000.000."]},
        ),
        (
            {"kind": "flat", "name": "K", "fee": MAX_SHIPPING_FEE + 1},
            {"fee": ["Enter the fee as a whole number of rupiah, from 0 to 10.000.000."]},
        ),
        ({"kind": "weight", "name": "K", "weight_bands": []}, {"weight_bands": ["Add at least one weight band."]}),
        (
            {
                "kind": "weight",
                "name": "K",
                "weight_bands": [{"up_to_grams": 100 * n, "fee": 1000} for n in range(1, 12)],
            },
            {"weight_bands": ["At most 10 weight bands."]},
        ),
        (
            {
                "kind": "weight",
                "name": "K",
                "weight_bands": [{"up_to_grams": 2000, "fee": 1}, {"up_to_grams": 2000, "fee": 2}],
            },
            {"weight_bands": ["Band 2: each weight limit must be higher than the one before."]},
        ),
        (
            {
                "kind": "weight",
                "name": "K",
                "weight_bands": [{"up_to_grams": 2000, "fee": 1}, {"up_to_grams": 1000, "fee": 2}],
            },
            {"weight_bands": ["Band 2: each weight limit must be higher than the one before."]},
        ),
        (
            {"kind": "weight", "name": "K", "weight_bands": [{"up_to_grams": 0, "fee": 1000}]},
            {
                "weight_bands": [
                    "Band 1: enter the weight limit in grams (1 to 1.000.000) and the fee in rupiah (0 to 10.000.000)."
                ]
            },
        ),
        (
            {
                "kind": "weight",
                "name": "K",
                "weight_bands": [{"up_to_grams": 500, "fee": 1}, {"up_to_grams": 900, "fee": -5}],
            },
            {
                "weight_bands": [
                    "Band 2: enter the weight limit in grams (1 to 1.000.000) and the fee in rupiah (0 to 10.000.000)."
                ]
            },
        ),
        (
            {"kind": "weight", "name": "K", "weight_bands": [{"up_to_grams": "500", "fee": 1}]},
            {
                "weight_bands": [
                    "Band 1: enter the weight limit in grams (1 to 1.000.000) and the fee in rupiah (0 to 10.000.000)."
                ]
            },
        ),
        (
            {"kind": "local_delivery", "name": "Antar", "fee": 5000},
            {"districts": ["Choose at least one district you deliver to."]},
        ),
        (
            {"kind": "flat", "name": "K", "fee": 1, "free_above": 0},
            {
                "free_above": [
                    "Enter the amount as a whole number of rupiah, from 1 to 1.000.000.000, or leave it empty."
                ]
            },
        ),
        (
            {"kind": "", "name": "", "fee": 0},
            {
                "kind": ["Choose how this option ships."],
                "name": ["Enter the name shoppers see, for example JNE Reguler."],
            },
        ),
    ],
)
def test_bad_values_are_refused_with_a_clear_message_and_nothing_is_created(shop, owner, values, expected):
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        shipping_option_create(shop=shop, user=owner, **values)
    assert errors(caught) == expected
    assert snapshot() == before


def test_messages_are_indonesian_by_default(shop, owner):
    with pytest.raises(ValidationError) as caught:
        shipping_option_create(shop=shop, user=owner, kind="local_delivery", name="Antar", fee=0)
    assert caught.value.message_dict == {"districts": [indonesian("Choose at least one district you deliver to.")]}


@pytest.mark.parametrize("who", ["shopper", "other shop owner", "anonymous"])
def test_only_members_of_the_shop_manage_its_options(shop, who):
    from django.contrib.auth.models import AnonymousUser

    user = {
        "shopper": VerifiedUserFactory,
        "other shop owner": lambda: ShopFactory().members.get().user,
        "anonymous": AnonymousUser,
    }[who]()
    option = ShippingOptionFactory(shop=shop)
    before = snapshot()
    with pytest.raises(PermissionDenied):
        shipping_option_create(shop=shop, user=user, kind="pickup", name="Ambil")
    with pytest.raises(PermissionDenied):
        shipping_option_update(shop=shop, user=user, option=option, name="Diubah")
    with pytest.raises(PermissionDenied):
        shipping_option_delete(shop=shop, user=user, option=option)
    with pytest.raises(PermissionDenied):
        shop_set_cash_on_delivery(shop=shop, user=user, accepts=True)
    assert snapshot() == before


def test_an_option_of_another_shop_cannot_be_changed_through_ones_own_shop(shop, owner):
    foreign = ShippingOptionFactory(name="Milik toko lain")
    before = snapshot()
    with pytest.raises(PermissionDenied):
        shipping_option_update(shop=shop, user=owner, option=foreign, name="Diubah")
    with pytest.raises(PermissionDenied):
        shipping_option_delete(shop=shop, user=owner, option=foreign)
    assert snapshot() == before


def test_update_keeps_the_values_not_given_and_checks_the_result(shop, owner, district):
    option = ShippingOptionFactory(shop=shop, kind="flat", name="Kurir", fee=12_000, free_above=300_000)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        shipping_option_update(shop=shop, user=owner, option=option, kind="local_delivery")
    assert errors(caught) == {"districts": ["Choose at least one district you deliver to."]}
    assert snapshot() == before

    updated = shipping_option_update(shop=shop, user=owner, option=option, kind="local_delivery", districts=[district])
    assert (updated.kind, updated.name, updated.fee, updated.free_above) == ("local_delivery", "Kurir", 12_000, 300_000)
    assert list(updated.districts.all()) == [district]

    back = shipping_option_update(shop=shop, user=owner, option=option, kind="flat", is_active=False)
    assert (back.kind, back.is_active, list(back.districts.all())) == ("flat", False, [])


def test_update_refuses_unknown_fields(shop, owner):
    with pytest.raises(TypeError, match="unknown fields: shop_id"):
        shipping_option_update(shop=shop, user=owner, option=ShippingOptionFactory(shop=shop), shop_id=None)


def test_a_shop_has_at_most_the_limit_of_options(shop, owner):
    ShippingOptionFactory.create_batch(MAX_OPTIONS_PER_SHOP, shop=shop)
    before = snapshot()
    with pytest.raises(ValidationError) as caught:
        shipping_option_create(shop=shop, user=owner, kind="pickup", name="Satu lagi")
    assert errors(caught) == {"__all__": ["A shop has at most 20 shipping options. Delete one you no longer use."]}
    assert snapshot() == before


@pytest.mark.parametrize("role", ["owner", "staff"])
def test_owner_and_staff_switch_cash_on_delivery(shop, owner, staff, role):
    user = owner if role == "owner" else staff
    assert shop_set_cash_on_delivery(shop=shop, user=user, accepts=True).accepts_cash_on_delivery is True
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is True
    assert shop_set_cash_on_delivery(shop=shop, user=user, accepts=False).accepts_cash_on_delivery is False
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is False


# --- Seller pages ------------------------------------------------------------------------------------------


def test_list_page_shows_the_options_and_the_cod_switch(client, shop, owner, district):
    ShippingOptionFactory(shop=shop, kind="weight", name="JNE Reguler", fee=0, weight_bands=BANDS, position=0)
    ShippingOptionFactory(shop=shop, kind="local_delivery", name="Antar sendiri", fee=8000, districts=[district])
    ShippingOptionFactory(name="Kurir toko lain")
    client.force_login(owner)

    response = client.get(LIST)

    assert response.status_code == 200
    assert [option.name for option in response.context["options"]] == ["JNE Reguler", "Antar sendiri"]
    page = response.content.decode()
    assert "Kurir toko lain" not in page
    assert "Rp 18.000" in page
    assert "Rp 8.000" in page
    assert "Kuta Utara" in page
    assert indonesian("Turn cash on delivery on") in page


def test_list_page_queries_do_not_grow_with_the_options(client, shop, owner, district, django_assert_max_num_queries):
    client.force_login(owner)
    ShippingOptionFactory(shop=shop, kind="local_delivery", districts=[district])
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    other = DistrictFactory(code="51.03.05", name="Mengwi", regency=RegencyFactory())
    for _index in range(8):
        ShippingOptionFactory(shop=shop, kind="local_delivery", districts=[district, other])
        ShippingOptionFactory(shop=shop, kind="weight", weight_bands=BANDS)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert len(response.context["options"]) == 17


def test_seller_adds_a_weight_option_through_the_form(client, shop, owner):
    client.force_login(owner)
    response = client.post(
        ADD,
        {
            "kind": "weight",
            "name": "JNE Reguler",
            "fee": "",
            "free_above": "200000",
            "is_active": "on",
            "band_1_up_to_grams": "1000",
            "band_1_fee": "10000",
            "band_2_up_to_grams": "3000",
            "band_2_fee": "18000",
        },
    )
    assert (response.status_code, response.url) == (302, LIST)
    option = ShippingOption.objects.get()
    assert (option.shop, option.kind, option.name, option.weight_bands, option.free_above, option.is_active) == (
        shop,
        "weight",
        "JNE Reguler",
        BANDS,
        200_000,
        True,
    )


def test_add_form_offers_the_districts_of_the_shops_regency(client, shop, owner, district):
    DistrictFactory(code="52.01.01", name="Jauh", regency=RegencyFactory(code="52.01", name="Lombok Barat"))
    client.force_login(owner)
    response = client.get(ADD)
    assert response.status_code == 200
    assert list(response.context["form"].fields["districts"].queryset) == [district]


def test_bands_out_of_order_are_refused_on_the_form_and_nothing_is_saved(client, shop, owner):
    client.force_login(owner)
    response = client.post(
        ADD,
        {
            "kind": "weight",
            "name": "JNE",
            "band_1_up_to_grams": "3000",
            "band_1_fee": "10000",
            "band_2_up_to_grams": "1000",
            "band_2_fee": "18000",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].band_errors == [
        indonesian("Band %(number)d: each weight limit must be higher than the one before.", number=2)
    ]
    assert indonesian("Band %(number)d: each weight limit must be higher than the one before.", number=2) in (
        response.content.decode()
    )
    assert ShippingOption.objects.count() == 0


def test_seller_edits_an_option(client, shop, owner, district):
    option = ShippingOptionFactory(shop=shop, kind="flat", name="Kurir", fee=10_000)
    client.force_login(owner)
    url = f"/penjual/pengiriman/{option.pk}/ubah/"
    assert client.get(url).context["form"].initial["name"] == "Kurir"
    response = client.post(url, {"kind": "local_delivery", "name": "Antar", "fee": "7000", "districts": [district.pk]})
    assert (response.status_code, response.url) == (302, LIST)
    option.refresh_from_db()
    assert (option.kind, option.name, option.fee, option.is_active) == ("local_delivery", "Antar", 7000, False)
    assert list(option.districts.all()) == [district]


def test_seller_deletes_an_option(client, shop, staff):
    option = ShippingOptionFactory(shop=shop)
    client.force_login(staff)
    response = client.post(f"/penjual/pengiriman/{option.pk}/hapus/")
    assert (response.status_code, response.url) == (302, LIST)
    assert ShippingOption.objects.count() == 0


def test_another_shops_option_is_404_on_every_page_and_unchanged(client, owner, shop):
    foreign = ShippingOptionFactory(name="Milik toko lain")
    client.force_login(owner)
    before = snapshot()
    assert client.get(f"/penjual/pengiriman/{foreign.pk}/ubah/").status_code == 404
    assert client.post(f"/penjual/pengiriman/{foreign.pk}/ubah/", {"kind": "pickup", "name": "X"}).status_code == 404
    assert client.post(f"/penjual/pengiriman/{foreign.pk}/hapus/").status_code == 404
    assert snapshot() == before


def test_cod_switch_on_the_page(client, shop, staff):
    client.force_login(staff)
    response = client.post(COD, {"accepts": "on"})
    assert (response.status_code, response.url) == (302, LIST)
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is True
    page = client.get(LIST).content.decode()
    assert indonesian("Turn cash on delivery off") in page

    client.post(COD, {})
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is False


def test_pages_send_a_shopper_to_open_a_shop_and_anonymous_to_log_in(client, shop):
    option = ShippingOptionFactory(shop=shop)
    before = snapshot()
    for url, method in (
        (LIST, "get"),
        (ADD, "post"),
        (COD, "post"),
        (f"/penjual/pengiriman/{option.pk}/hapus/", "post"),
    ):
        anonymous = getattr(client, method)(url, {"accepts": "on"} if method == "post" else None)
        assert (anonymous.status_code, anonymous.url.split("?")[0]) == (302, "/akun/login/"), url
    client.force_login(VerifiedUserFactory())
    for url, method in ((LIST, "get"), (ADD, "post"), (COD, "post")):
        response = getattr(client, method)(url, {"accepts": "on"} if method == "post" else None)
        assert (response.status_code, response.url) == (302, "/penjual/buka/"), url
    assert client.post(f"/penjual/pengiriman/{option.pk}/hapus/").status_code == 302
    assert snapshot() == before


# --- API -----------------------------------------------------------------------------------------------------


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_login(user)
    return client


def test_api_lists_the_shops_options_paginated(shop, owner, district, django_assert_max_num_queries):
    ShippingOptionFactory(shop=shop, kind="local_delivery", name="Antar", fee=8000, districts=[district], position=1)
    ShippingOptionFactory(shop=shop, kind="weight", name="JNE", fee=0, weight_bands=BANDS, position=0)
    ShippingOptionFactory(name="Toko lain")
    for _index in range(5):
        ShippingOptionFactory(shop=shop, kind="local_delivery", districts=[district], position=9)
    client = api(owner)
    with django_assert_max_num_queries(8):
        response = client.get(API_LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 7
    first, second = body["results"][:2]
    assert first == {
        "id": first["id"],
        "kind": "weight",
        "name": "JNE",
        "fee": 0,
        "weight_bands": BANDS,
        "free_above": None,
        "districts": [],
        "is_active": True,
        "position": 0,
    }
    assert (second["name"], second["districts"]) == ("Antar", [{"code": "51.03.06", "name": "Kuta Utara"}])


def test_api_creates_updates_and_deletes_an_option(shop, staff, district):
    client = api(staff)
    created = client.post(
        API_LIST,
        {"kind": "local_delivery", "name": "Antar sendiri", "fee": 5000, "districts": ["51.03.06"]},
        format="json",
    )
    assert created.status_code == 201
    option_id = created.json()["id"]
    assert created.json()["districts"] == [{"code": "51.03.06", "name": "Kuta Utara"}]

    patched = client.patch(f"{API_LIST}{option_id}/", {"free_above": 100_000}, format="json")
    assert (patched.status_code, patched.json()["free_above"], patched.json()["fee"]) == (200, 100_000, 5000)

    deleted = client.delete(f"{API_LIST}{option_id}/")
    assert deleted.status_code == 204
    assert ShippingOption.objects.count() == 0


def test_api_refuses_bad_bands_with_field_errors(shop, owner):
    response = api(owner).post(
        API_LIST,
        {
            "kind": "weight",
            "name": "JNE",
            "weight_bands": [{"up_to_grams": 2000, "fee": 1}, {"up_to_grams": 1000, "fee": 1}],
        },
        format="json",
        headers={"accept-language": "en"},
    )
    assert response.status_code == 400
    assert response.json() == {"weight_bands": ["Band 2: each weight limit must be higher than the one before."]}
    assert ShippingOption.objects.count() == 0


def test_api_switches_cash_on_delivery(shop, staff):
    client = api(staff)
    assert client.get(API_COD).json() == {"accepts": False}
    response = client.patch(API_COD, {"accepts": True}, format="json")
    assert (response.status_code, response.json()) == (200, {"accepts": True})
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is True


@pytest.mark.parametrize("role", ["other_member", "shopper", "anonymous"])
def test_api_permission_matrix_nobody_else_reaches_our_options(shop, role):
    option = ShippingOptionFactory(shop=shop)
    other_shop = ShopFactory()
    user = {
        "other_member": other_shop.members.get().user,
        "shopper": VerifiedUserFactory(),
        "anonymous": None,
    }[role]
    client = api(user)
    detail = f"{API_LIST}{option.pk}/"
    # Another shop's member works on their own shop: our option is a 404 for them. A shopper has no shop: 404.
    expected = {"other_member": 404, "shopper": 404, "anonymous": 401}[role]
    before = snapshot()
    calls = [
        client.get(detail),
        client.patch(detail, {"name": "Diubah"}, format="json"),
        client.delete(detail),
    ]
    assert [call.status_code for call in calls] == [expected] * 3
    writes_own_shop = {
        "other_member": (200, 201, 200),
        "shopper": (404, 404, 404),
        "anonymous": (401, 401, 401),
    }[role]
    own = (
        client.get(API_LIST).status_code,
        client.post(API_LIST, {"kind": "pickup", "name": "Ambil"}, format="json").status_code,
        client.patch(API_COD, {"accepts": True}, format="json").status_code,
    )
    assert own == writes_own_shop
    after = snapshot()
    # Nothing of our shop changed; only the other shop's own option and COD flag for its member.
    ours = ShippingOption.objects.filter(shop=shop)
    assert list(ours.values()) == [row for row in before["options"] if row["shop_id"] == shop.pk]
    assert Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery is False
    if role != "other_member":
        assert after == before


# --- Demo data -----------------------------------------------------------------------------------------------


def test_demo_gives_each_shop_two_or_three_options_once_and_cod_to_half():
    from orders.demo_shipping import seed_shipping_options

    shops = [ShopFactory() for _index in range(4)]
    assert seed_shipping_options(shops) == 10
    assert seed_shipping_options(shops) == 0
    counts = [ShippingOption.objects.filter(shop=shop).count() for shop in shops]
    assert counts == [3, 2, 3, 2]
    local = ShippingOption.objects.filter(shop=shops[0], kind="local_delivery").get()
    assert list(local.districts.values_list("code", flat=True)) == [shops[0].district_id]
    assert [Shop.objects.get(pk=shop.pk).accepts_cash_on_delivery for shop in shops] == [True, False, True, False]
    assert list(ShippingOption.objects.filter(free_above=200_000).values_list("shop", flat=True).order_by("shop")) == [
        shops[0].pk,
        shops[3].pk,
    ]

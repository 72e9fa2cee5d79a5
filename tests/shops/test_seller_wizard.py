"""The seller onboarding wizard at /penjual/, driven through the pages with Django's test client."""

import io
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.forms.models import model_to_dict
from django.utils import translation
from PIL import Image

from shops.models import Shop, ShopMember
from shops.regions import load_regions
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopFactory, ShopMemberFactory, SubmittedShopFactory

HOME = "/penjual/"
START = "/penjual/buka/"
STATUS = "/penjual/status/"
REVIEW = "/penjual/tinjau/"


def indonesian(msgid: str, **params) -> str:
    """A page text as Indonesian readers get it (new msgids read as English until the catalogue has them)."""
    with translation.override("id"):
        text = translation.gettext(msgid)
    return text % params if params else text


def step_url(step: int) -> str:
    return f"/penjual/langkah/{step}/"


@pytest.fixture
def regions(db):
    load_regions()


@pytest.fixture
def seller(client, db):
    user = VerifiedUserFactory()
    client.force_login(user)
    return user


def shop_row(shop: Shop) -> dict:
    """Every stored value of the shop, for "nothing changed" asserts."""
    return model_to_dict(Shop.objects.get(pk=shop.pk)) | {"updated_at": Shop.objects.get(pk=shop.pk).updated_at}


def jpeg_upload(name: str = "logo.jpg", size=(400, 300)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, "JPEG")
    buffer.seek(0)
    buffer.name = name
    return buffer


def draft_shop(owner, **values) -> Shop:
    """A fresh draft with nothing filled in but the name, as `shop_create` leaves it."""
    shop = Shop.objects.create(name="Warung Bu Made", slug=f"warung-bu-made-{owner.pk}", **values)
    ShopMember.objects.create(shop=shop, user=owner, role=ShopMember.Role.OWNER)
    return shop


# --- Access -------------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("url", [HOME, START, STATUS, step_url(1), REVIEW])
def test_anonymous_visitor_is_sent_to_login(client, url):
    response = client.get(url)

    assert response.status_code == 302
    assert response.url == f"/akun/login/?next={url}"


@pytest.mark.django_db
def test_user_with_unverified_email_is_told_to_verify_and_cannot_open_a_shop(client):
    user = UserFactory()
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    client.force_login(user)

    response = client.post(START, {"name": "Warung Bu Made"})

    assert response.status_code == 200
    assert "account/verified_email_required.html" in [template.name for template in response.templates]
    assert Shop.objects.count() == 0
    assert [message.to for message in mail.outbox] == [[user.email]]


@pytest.mark.django_db
def test_verified_user_without_shop_is_sent_to_open_one(client, seller):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == START
    page = client.get(START)
    assert page.status_code == 200
    assert indonesian("Open a shop") in page.content.decode()


@pytest.mark.django_db
def test_english_pages_live_under_en(client, seller):
    response = client.get("/en/penjual/buka/")

    assert response.status_code == 200
    assert "Open a shop" in response.content.decode()
    assert client.get("/en/penjual/").url == "/en/penjual/buka/"


# --- Happy path ---------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_seller_goes_through_every_step_to_submitted(client, seller, regions):
    response = client.post(START, {"name": "  Kopi & Teh Bu Made "})
    shop = Shop.objects.get()
    assert response.status_code == 302
    assert response.url == step_url(1)
    assert (shop.name, shop.slug, shop.status) == ("Kopi & Teh Bu Made", "kopi-dan-teh-bu-made", "draft")
    assert ShopMember.objects.get().user == seller
    assert indonesian("Step %(step)s of %(count)s", step=1, count=6) in client.get(step_url(1)).content.decode()

    response = client.post(step_url(1), {"name": "Kopi Bu Made", "story": "Kopi Kintamani sangrai sendiri."})
    shop.refresh_from_db()
    assert response.url == step_url(2)
    assert (shop.name, shop.story, shop.slug) == (
        "Kopi Bu Made",
        "Kopi Kintamani sangrai sendiri.",
        "kopi-dan-teh-bu-made",
    )

    response = client.post(step_url(2), {"logo": jpeg_upload("logo.jpg"), "banner": jpeg_upload("banner.png")})
    shop.refresh_from_db()
    assert response.url == step_url(3)
    assert re.fullmatch(r"shops/logos/logo-[0-9a-f]{32}\.webp", shop.logo.name)
    assert re.fullmatch(r"shops/banners/banner-[0-9a-f]{32}\.webp", shop.banner.name)
    with shop.logo.open("rb") as stored:
        assert Image.open(stored).format == "WEBP"

    response = client.post(step_url(3), {"whatsapp": "0812-3456-7890"})
    shop.refresh_from_db()
    assert response.url == step_url(4)
    assert str(shop.whatsapp) == "+6281234567890"

    # Without JavaScript: each saved level reloads the page with the options of the next.
    response = client.post(step_url(4), {"province": "51", "street_address": "Jl. Pantai Berawa No. 12"})
    shop.refresh_from_db()
    assert response.url == step_url(4)
    assert (shop.province_id, shop.regency_id, shop.street_address) == ("51", None, "Jl. Pantai Berawa No. 12")
    page = client.get(step_url(4)).content.decode()
    assert '<option value="51.03">Kabupaten Badung</option>' in page

    client.post(step_url(4), {"province": "51", "regency": "51.03", "street_address": "Jl. Pantai Berawa No. 12"})
    shop.refresh_from_db()
    assert shop.regency_id == "51.03"
    assert '<option value="51.03.06">Kuta Utara</option>' in client.get(step_url(4)).content.decode()

    client.post(
        step_url(4),
        {"province": "51", "regency": "51.03", "district": "51.03.06", "street_address": "Jl. Pantai Berawa No. 12"},
    )
    shop.refresh_from_db()
    assert shop.district_id == "51.03.06"
    assert '<option value="51.03.06.2005">Canggu</option>' in client.get(step_url(4)).content.decode()

    response = client.post(
        step_url(4),
        {
            "province": "51",
            "regency": "51.03",
            "district": "51.03.06",
            "village": "51.03.06.2005",
            "street_address": "Jl. Pantai Berawa No. 12",
            "postal_code": "",
        },
    )
    shop.refresh_from_db()
    assert response.url == step_url(5)
    assert (shop.province_id, shop.regency_id, shop.district_id, shop.village_id) == (
        "51",
        "51.03",
        "51.03.06",
        "51.03.06.2005",
    )
    assert shop.postal_code == "80363"  # from the village

    response = client.post(
        step_url(5),
        {
            "nib": "1234567890123",
            "halal_certificate_number": "",
            "halal_expires_on": "",
            "pirt_number": "P-IRT 2065103010123-27",
        },
    )
    shop.refresh_from_db()
    assert response.url == REVIEW
    assert (shop.nib, shop.halal_certificate_number, shop.halal_expires_on, shop.pirt_number) == (
        "1234567890123",
        "",
        None,
        "P-IRT 2065103010123-27",
    )

    review = client.get(REVIEW).content.decode()
    assert indonesian("Step %(step)s of %(count)s", step=6, count=6) in review
    assert "+6281234567890" in review
    response = client.post(REVIEW)
    shop.refresh_from_db()
    assert response.url == STATUS
    assert shop.status == Shop.Status.SUBMITTED
    assert shop.submitted_at is not None
    assert "Menunggu peninjauan" in client.get(STATUS).content.decode()
    assert client.get(HOME).url == STATUS


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("values", "expected_step"),
    [
        ({}, step_url(1)),
        ({"story": "Kopi Kintamani."}, step_url(2)),
        ({"story": "Kopi Kintamani.", "logo": "shops/logos/a.webp"}, step_url(3)),
        ({"story": "Kopi Kintamani.", "whatsapp": "+6281234567890"}, step_url(4)),
    ],
)
def test_returning_seller_continues_at_the_first_incomplete_step(client, seller, values, expected_step):
    draft_shop(seller, **values)

    response = client.get(HOME)

    assert response.status_code == 302
    assert response.url == expected_step


@pytest.mark.django_db
def test_returning_seller_with_a_complete_profile_continues_at_the_review(client, seller):
    ShopFactory(owner=seller)

    assert client.get(HOME).url == REVIEW


@pytest.mark.django_db
def test_seller_who_left_midway_through_the_address_resumes_with_their_choices(client, seller, regions):
    draft_shop(seller, story="Kopi.", whatsapp="+6281234567890", province_id="51", regency_id="51.03")

    assert client.get(HOME).url == step_url(4)
    page = client.get(step_url(4)).content.decode()
    assert '<option value="51.03" selected>Kabupaten Badung</option>' in page
    assert '<option value="51.03.06">Kuta Utara</option>' in page


# --- Bad input ----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_bad_whatsapp_number_is_refused_in_indonesian_and_changes_nothing(client, seller):
    shop = ShopFactory(owner=seller)
    before = shop_row(shop)

    response = client.post(step_url(3), {"whatsapp": "12345"})

    assert response.status_code == 400
    assert response.context["form"].errors["whatsapp"] == [
        indonesian("Enter a valid Indonesian phone number, for example 0812-3456-7890 or +62 812-3456-7890.")
    ]
    assert shop_row(shop) == before


@pytest.mark.django_db
def test_nib_of_12_digits_is_refused_and_changes_nothing(client, seller):
    shop = ShopFactory(owner=seller)
    before = shop_row(shop)

    response = client.post(step_url(5), {"nib": "123456789012", "pirt_number": "P-IRT 1"})

    assert response.status_code == 400
    assert response.context["form"].errors["nib"] == ["NIB terdiri dari tepat 13 angka."]
    assert shop_row(shop) == before


@pytest.mark.django_db
def test_district_outside_the_chosen_regency_is_refused_and_changes_nothing(client, seller, regions):
    shop = draft_shop(seller, story="Kopi.", province_id="51", regency_id="51.03")
    before = shop_row(shop)

    response = client.post(
        step_url(4), {"province": "51", "regency": "51.03", "district": "51.71.01", "street_address": "Jl. Baru 1"}
    )

    assert response.status_code == 400
    assert response.context["form"].errors["district"] == ["Kecamatan ini tidak berada di kabupaten/kota yang dipilih."]
    assert shop_row(shop) == before


@pytest.mark.django_db
def test_html_file_named_jpg_is_refused_as_logo_and_changes_nothing(client, seller):
    shop = ShopFactory(owner=seller)
    before = shop_row(shop)
    upload = io.BytesIO(b"<html><script>alert(1)</script></html>")
    upload.name = "logo.jpg"

    response = client.post(step_url(2), {"logo": upload})

    assert response.status_code == 400
    assert response.context["form"].errors["logo"] == ["Berkas ini bukan foto JPEG, PNG, atau WebP."]
    assert shop_row(shop) == before


@pytest.mark.django_db
def test_submitting_an_incomplete_shop_lists_what_is_missing_and_changes_nothing(client, seller):
    shop = draft_shop(seller, story="Kopi.")
    before = shop_row(shop)

    response = client.post(REVIEW)

    assert response.status_code == 400
    assert len(response.context["errors"]) == 7  # whatsapp, four address levels, street address, postal code
    assert shop_row(shop) == before


# --- Who may act --------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_member_sees_the_status_but_cannot_submit(client, seller):
    shop = ShopFactory()
    ShopMemberFactory(shop=shop, user=seller)
    before = shop_row(shop)

    response = client.post(REVIEW)

    assert response.status_code == 403
    assert "Hanya pemilik toko yang dapat melakukan ini." in response.content.decode()
    assert shop_row(shop) == before
    assert client.get(HOME).url == STATUS
    status_page = client.get(STATUS)
    assert status_page.status_code == 200
    assert status_page.context["is_owner"] is False
    assert (
        indonesian("Only the shop owner can change the shop or submit it for review.") in status_page.content.decode()
    )


@pytest.mark.django_db
def test_staff_member_cannot_edit_a_step(client, seller):
    shop = ShopFactory()
    ShopMemberFactory(shop=shop, user=seller)
    before = shop_row(shop)

    response = client.post(step_url(1), {"name": "Dibajak", "story": "x"})

    assert response.status_code == 403
    assert "Hanya pemilik toko yang dapat melakukan ini." in response.content.decode()
    assert shop_row(shop) == before
    assert client.get(step_url(1)).url == STATUS


@pytest.mark.django_db
def test_a_seller_only_ever_edits_their_own_shop(client, seller):
    other = ShopFactory()
    mine = ShopFactory(owner=seller)
    other_before = shop_row(other)

    response = client.post(step_url(1), {"name": "Toko Saya", "story": "Cerita saya."})

    assert response.status_code == 302
    assert shop_row(other) == other_before
    mine.refresh_from_db()
    assert (mine.name, mine.story) == ("Toko Saya", "Cerita saya.")


@pytest.mark.django_db
def test_user_without_shop_cannot_post_to_a_step(client, seller):
    other = ShopFactory()
    before = shop_row(other)

    response = client.post(step_url(1), {"name": "Toko Orang", "story": "x"})

    assert response.status_code == 302
    assert response.url == START
    assert shop_row(other) == before


@pytest.mark.django_db
def test_owner_cannot_open_a_second_shop(client, seller):
    ShopFactory(owner=seller)

    response = client.post(START, {"name": "Toko Kedua"})

    assert response.status_code == 302
    assert response.url == HOME
    assert Shop.objects.count() == 1


# --- Statuses -----------------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_submitted_shop_cannot_be_edited_while_waiting(client, seller):
    shop = SubmittedShopFactory(owner=seller)
    before = shop_row(shop)

    response = client.post(step_url(1), {"name": "Nama Baru", "story": "Baru."})

    assert response.status_code == 302
    assert response.url == STATUS
    assert shop_row(shop) == before
    assert client.get(step_url(1)).url == STATUS


@pytest.mark.django_db
def test_rejected_shop_shows_the_reason_and_can_be_fixed_and_resubmitted(client, seller):
    shop = ShopFactory(owner=seller, status=Shop.Status.REJECTED, status_reason="Foto logo buram.")

    assert client.get(HOME).url == STATUS
    assert "Foto logo buram." in client.get(STATUS).content.decode()
    client.post(step_url(2), {"logo": jpeg_upload()})
    response = client.post(REVIEW)

    shop.refresh_from_db()
    assert response.url == STATUS
    assert (shop.status, shop.status_reason) == (Shop.Status.SUBMITTED, "")
    assert shop.logo.name.endswith(".webp")


@pytest.mark.django_db
def test_approved_shop_is_told_it_is_open_without_a_dead_link(client, seller):
    ApprovedShopFactory(owner=seller)

    page = client.get(STATUS).content.decode()

    assert indonesian("Your shop is open") in page
    assert "/toko/" not in page


# --- Query budget -------------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "budget"),
    [
        (HOME, 4),
        (STATUS, 6),
        (step_url(1), 6),
        (step_url(2), 6),
        (step_url(3), 6),
        (step_url(4), 10),
        (step_url(5), 6),
        (REVIEW, 6),
    ],
)
def test_wizard_pages_stay_within_the_query_budget(client, seller, regions, url, budget, django_assert_max_num_queries):
    """Session, user, verified email, membership with the shop and its address; step 4 adds one query per select."""
    ShopFactory(owner=seller, province_id="51", regency_id="51.03", district_id="51.03.06", village_id="51.03.06.2005")

    with django_assert_max_num_queries(budget):
        response = client.get(url)

    assert response.status_code == (302 if url == HOME else 200)

"""Issue 8's "done means", on 360 px phones: a trainer creates and publishes a workshop; a new user registers and
sees their QR code; the trainer checks them in by the typed code; the participant opens a shop and lists a product
with a photo, and the trainer's participant list shows the new step without anyone ticking anything; the
certificate downloads and verifies on the public page. And the door: the trainer's phone camera reads a
participant's QR code (Chromium's fake camera playing a video of it; the vendored jsQR decodes it).

Labels are looked up in the catalogue (`gettext` with Indonesian active), so the journey follows the pages' own
words without repeating them here.
"""

import io
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override
from PIL import Image
from playwright.sync_api import expect

from shops.demo import seed_categories
from shops.regions import load_regions
from tests.e2e.test_seller_journey import (
    EMAIL as PARTICIPANT_EMAIL,
)
from tests.e2e.test_seller_journey import (
    FULL_NAME as PARTICIPANT_NAME,
)
from tests.e2e.test_seller_journey import (
    add_a_product_with_a_photo,
    field_label,
    open_shop_through_the_wizard,
    product_photo_bytes,
    sign_up_and_verify,
    submit_the_shop,
)
from tests.factories.accounts import DEFAULT_PASSWORD, VerifiedUserFactory
from workshops.models import Registration, TrainerProfile, Workshop
from workshops.notifications import WITA
from workshops.qr import qr_png
from workshops.services import registration_create

TRAINER_EMAIL = "kadek.pelatih@contoh.id"
TITLE = "Jualan Online untuk Pemula"
PHONE = {"width": 360, "height": 800}


def t(message: str) -> str:
    """The Indonesian words the page shows for `message`."""
    with override("id"):
        return gettext(message)


def assert_fits_the_phone(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def a_trainer():
    user = VerifiedUserFactory(email=TRAINER_EMAIL, full_name="Kadek Pelatih")
    TrainerProfile.objects.create(user=user)
    return user


def log_in(page, base_url: str, email: str, password: str, next_path: str) -> None:
    page.goto(f"{base_url}/akun/login/?next={next_path}")
    main = page.get_by_role("main")
    main.get_by_label(field_label("Email")).fill(email)
    main.get_by_label(field_label("Kata sandi")).fill(password)
    main.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}{next_path}")


def trainer_creates_and_publishes(page, base_url: str) -> Workshop:
    main = page.get_by_role("main")
    log_in(page, base_url, TRAINER_EMAIL, DEFAULT_PASSWORD, "/pelatih/")
    main.get_by_role("link", name=t("New workshop")).click()
    expect(page).to_have_url(f"{base_url}/pelatih/pelatihan/baru/")
    assert_fits_the_phone(page)

    day = (timezone.now().astimezone(WITA) + timedelta(days=7)).date()
    main.get_by_label(field_label(t("Title"))).fill(TITLE)
    main.get_by_label(field_label(t("Description"))).fill("Foto produk, harga, dan pesanan pertama.\nBawa HP.")
    first_session = main.get_by_role("group", name=re.compile(r"1$")).first
    first_session.get_by_label(field_label(t("Date"))).fill(day.isoformat())
    first_session.get_by_label(field_label(t("Starts"))).fill("09:00")
    first_session.get_by_label(field_label(t("Ends"))).fill("12:00")
    main.get_by_label(field_label(t("Venue")), exact=True).fill("Aula Kantor Camat Mengwi")
    main.get_by_label(field_label(t("Venue address"))).fill("Jl. Raya Mengwi No. 1")
    main.get_by_label(field_label(t("Seats"))).fill("20")
    main.get_by_label(field_label(t("Registration closes"))).fill(f"{(day - timedelta(days=1)).isoformat()}T17:00")
    main.get_by_role("button", name=t("Save as draft")).click()

    expect(page).to_have_url(re.compile(r"/pelatih/pelatihan/\d+/$"))
    workshop = Workshop.objects.get(title=TITLE)
    assert workshop.status == Workshop.Status.DRAFT
    main.get_by_role("button", name=t("Publish")).click()
    expect(main.get_by_role("button", name=t("Publish"))).to_have_count(0)
    workshop.refresh_from_db()
    assert workshop.status == Workshop.Status.PUBLISHED
    session = workshop.sessions.get()
    assert (session.starts_at.astimezone(WITA).hour, session.ends_at.astimezone(WITA).hour) == (9, 12)
    assert [question["key"] for question in workshop.questions] == ["business", "district", "sells_online"]
    return workshop


def participant_registers(page, base_url: str, workshop: Workshop) -> Registration:
    main = page.get_by_role("main")
    page.goto(f"{base_url}/pelatihan/")
    main.get_by_role("link", name=TITLE).first.click()
    expect(page).to_have_url(f"{base_url}/pelatihan/{workshop.slug}/")
    main.get_by_label(t("Food & drink")).check()
    main.get_by_label(field_label(t("In which district is your business?"))).fill("Mengwi")
    main.get_by_role("group", name=t("Do you already sell online?")).get_by_label(t("No")).check()
    assert_fits_the_phone(page)
    main.get_by_role("button", name=t("Register")).click()

    registration = Registration.objects.get(workshop=workshop, user__email=PARTICIPANT_EMAIL)
    expect(page).to_have_url(f"{base_url}/pelatihan/pendaftaran/{registration.pk}/")
    assert registration.status == Registration.Status.REGISTERED
    assert registration.answers == {"business": t("Food & drink"), "district": "Mengwi", "sells_online": "no"}
    # The QR code and the short code the participant shows at the door.
    expect(main.locator("[data-qr] svg")).to_be_visible()
    expect(main.locator("[data-short-code]")).to_contain_text(registration.short_code)
    assert_fits_the_phone(page)
    return registration


def trainer_checks_in_by_code(page, base_url: str, workshop: Workshop, registration: Registration) -> None:
    main = page.get_by_role("main")
    page.goto(f"{base_url}/pelatih/pelatihan/{workshop.pk}/")
    main.get_by_role("link", name=t("Check-in")).first.click()
    expect(page).to_have_url(f"{base_url}/pelatih/pelatihan/{workshop.pk}/check-in/")
    main.get_by_label(field_label(t("Participant's code"))).fill(registration.short_code.lower())
    main.get_by_role("button", name=t("Check in"), exact=True).click()
    result = main.locator("[data-check-in-result]")
    expect(result).to_have_attribute("data-check-in-result", "ok")
    expect(result).to_contain_text(PARTICIPANT_NAME)
    registration.refresh_from_db()
    assert registration.checked_in_at is not None
    assert re.fullmatch(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", registration.certificate_code)


def participant_row(page, registration: Registration):
    return page.get_by_role("main").locator(f"[data-participant='{registration.pk}']")


@pytest.mark.e2e
def test_trainer_publishes_a_user_registers_is_checked_in_opens_a_shop_and_verifies_the_certificate(
    live_server, browser, page, mailoutbox, tmp_path
):
    load_regions()
    seed_categories()
    base_url = live_server.url
    a_trainer()
    trainer_context = browser.new_context(viewport=PHONE, locale="id-ID")
    trainer_page = trainer_context.new_page()
    try:
        # 1. The trainer creates the workshop and publishes it.
        workshop = trainer_creates_and_publishes(trainer_page, base_url)

        # 2. Someone who wants to sell signs up, registers, and sees their QR code.
        sign_up_and_verify(page, base_url, mailoutbox)
        registration = participant_registers(page, base_url, workshop)
        assert mailoutbox[-1].to == [PARTICIPANT_EMAIL]
        assert registration.short_code in mailoutbox[-1].body

        # 3. At the door, the trainer types the code.
        trainer_checks_in_by_code(trainer_page, base_url, workshop, registration)
        trainer_page.get_by_role("main").get_by_role("link", name=t("Participants")).first.click()
        row = participant_row(trainer_page, registration)
        expect(row).to_have_attribute("data-step", "email_verified")
        expect(row).to_have_attribute("data-checked-in", "")
        assert_fits_the_phone(trainer_page)

        # 4. The participant opens a shop and lists a product with a photo, then submits the shop; nobody ticks
        # anything, and the trainer's list shows where they are now.
        open_shop_through_the_wizard(page, base_url)
        photo_path = tmp_path / "IMG_20261205_101500.jpg"
        photo_path.write_bytes(product_photo_bytes())
        add_a_product_with_a_photo(page, base_url, photo_path)
        trainer_page.reload()
        expect(row).to_have_attribute("data-step", "shop_created")
        expect(row).to_contain_text(t("Shop created"))
        submit_the_shop(page, base_url)
        trainer_page.reload()
        expect(row).to_have_attribute("data-step", "shop_submitted")
        expect(row.locator("[data-step-label]")).to_have_text(t("Shop submitted"))

        # 5. The participant downloads the certificate; anyone verifies its code on the public page.
        main = page.get_by_role("main")
        page.goto(f"{base_url}/pelatihan/saya/")
        main.get_by_role("link", name=TITLE).first.click()
        expect(page).to_have_url(f"{base_url}/pelatihan/pendaftaran/{registration.pk}/")
        with page.expect_download() as download_info:
            main.locator("[data-certificate-link]").click()
        download = download_info.value
        registration.refresh_from_db()
        assert download.suggested_filename == f"sertifikat-{registration.certificate_code}.pdf"
        assert download.path().read_bytes().startswith(b"%PDF")

        visitor = browser.new_context(viewport=PHONE, locale="id-ID").new_page()
        visitor.goto(f"{base_url}/pelatihan/sertifikat/")
        visitor.get_by_role("main").get_by_role("textbox").first.fill(registration.certificate_code.replace("-", ""))
        visitor.get_by_role("main").get_by_role("button").first.click()
        expect(visitor).to_have_url(
            f"{base_url}{reverse('workshops:certificate-verify', args=[registration.certificate_code])}"
        )
        verified = visitor.locator("[data-certificate]")
        expect(verified).to_have_attribute("data-certificate", "valid")
        expect(verified).to_contain_text(PARTICIPANT_NAME)
        expect(verified).to_contain_text(TITLE)
        assert PARTICIPANT_EMAIL not in visitor.content()
        visitor.context.close()
    finally:
        trainer_context.close()


# --- The camera at the door ---------------------------------------------------------------------------------


def fake_camera_video(png: bytes, path) -> None:
    """A Y4M video (what Chromium's fake camera plays) of 640x480 white frames with the QR code in the middle."""
    frame = Image.new("RGB", (640, 480), "white")
    frame.paste(Image.open(io.BytesIO(png)).convert("RGB").resize((400, 400), Image.NEAREST), (120, 40))
    luma, blue, red = frame.convert("YCbCr").split()
    planes = luma.tobytes() + blue.resize((320, 240)).tobytes() + red.resize((320, 240)).tobytes()
    with open(path, "wb") as video:
        video.write(b"YUV4MPEG2 W640 H480 F10:1 Ip A1:1 C420jpeg\n")
        for _frame in range(20):
            video.write(b"FRAME\n" + planes)


@pytest.mark.e2e
def test_the_trainers_camera_reads_a_qr_code_and_checks_the_participant_in(
    live_server, browser, chromium_path, tmp_path
):
    """checkin.js with a fake camera showing a participant's QR code: this Chromium has no BarcodeDetector, so the
    vendored jsQR reads it; the same code read again after the pause answers "already"."""
    trainer = a_trainer()
    starts = timezone.now() + timedelta(days=3)
    workshop = Workshop.objects.create(
        title=TITLE,
        slug="jualan-online",
        status=Workshop.Status.PUBLISHED,
        capacity=10,
        registration_deadline=starts - timedelta(days=1),
        venue_name="Aula Kantor Camat Mengwi",
        venue_address="Jl. Raya Mengwi No. 1",
    )
    workshop.sessions.create(starts_at=starts, ends_at=starts + timedelta(hours=3))
    workshop.trainers.add(trainer)
    registration = registration_create(workshop=workshop, user=VerifiedUserFactory(full_name="Luh Kamera"))
    video = tmp_path / "qr.y4m"
    fake_camera_video(qr_png(registration.qr_secret), video)

    camera_browser = browser.browser_type.launch(
        executable_path=chromium_path,
        headless=True,
        args=[
            "--no-sandbox",
            "--use-fake-ui-for-media-stream",
            "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ],
    )
    try:
        page = camera_browser.new_context(viewport=PHONE, locale="id-ID").new_page()
        log_in(page, live_server.url, TRAINER_EMAIL, DEFAULT_PASSWORD, f"/pelatih/pelatihan/{workshop.pk}/check-in/")
        main = page.get_by_role("main")
        expect(main.locator("[data-camera-stop]")).to_be_hidden()
        main.get_by_role("button", name=t("Start the camera")).click()
        result = main.locator("[data-check-in-box]")
        expect(result).to_have_attribute("data-check-in-result", "ok", timeout=20_000)
        expect(result).to_contain_text("Luh Kamera")
        # Still in front of the camera after the pause: harmless, and said so.
        expect(result).to_have_attribute("data-check-in-result", "already", timeout=10_000)
        main.get_by_role("button", name=t("Stop the camera")).click()
        expect(main.get_by_role("button", name=t("Start the camera"))).to_be_visible()
    finally:
        camera_browser.close()
    registration.refresh_from_db()
    assert registration.checked_in_by == trainer

"""Attendance certificates: the PDF for the participant once checked in (nobody else), and the public page that
says whether a certificate code is real, without telling anything more about the person."""

import contextlib
import re
import zlib

import pytest
from django.utils import translation

from tests.factories.accounts import VerifiedUserFactory
from tests.workshops.helpers import trainer, workshop
from workshops.certificates import certificate_pdf
from workshops.models import Registration
from workshops.services import registration_check_in, registration_create

pytestmark = pytest.mark.django_db


def pdf_text(content: bytes) -> str:
    """The text drawn in a PDF made by fpdf2: its content streams (inflated when compressed), strings joined."""
    streams = re.findall(rb"stream\r?\n(.*?)\r?\nendstream", content, re.S)
    strings = []
    for stream in streams:
        with contextlib.suppress(zlib.error):  # fpdf2 compresses by default; `compress=False` leaves them plain
            stream = zlib.decompress(stream)
        strings.extend(re.findall(rb"\(((?:\\.|[^\\)])*)\) ?Tj", stream))
    return "\n".join(re.sub(rb"\\(.)", rb"\1", string).decode("latin-1") for string in strings)


def checked_in(*, name="Ni Made Ayu", **workshop_fields):
    """A participant checked in at a workshop by its trainer: (registration, participant, trainer)."""
    coach = trainer()
    item = workshop(trainers=[coach], **workshop_fields)
    participant = VerifiedUserFactory(full_name=name)
    registration = registration_create(workshop=item, user=participant)
    registration, _already = registration_check_in(workshop=item, code=registration.short_code, trainer=coach)
    return Registration.objects.get(pk=registration.pk), participant, coach


def pdf_url(registration) -> str:
    return f"/pelatihan/pendaftaran/{registration.pk}/sertifikat.pdf"


# --- The PDF ----------------------------------------------------------------------------------------------


def test_the_participant_downloads_their_certificate_once_checked_in(client, settings):
    settings.SITE_URL = "https://pasar.example"
    registration, participant, _coach = checked_in()
    client.force_login(participant)
    response = client.get(pdf_url(registration))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    code = registration.certificate_code
    assert response["Content-Disposition"] == f'attachment; filename="sertifikat-{code}.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response.content)
    assert code in text
    assert "Ni Made Ayu" in text
    assert "Jualan Online untuk Pemula" in text
    assert "Kadek Pelatih" in text
    assert "WITA" in text
    assert f"https://pasar.example/pelatihan/sertifikat/{code}/" in text


def test_the_certificate_reads_in_english_with_the_venue_and_the_verification_link(settings):
    settings.SITE_URL = "https://pasar.example"
    registration, _participant, _coach = checked_in()
    with translation.override("en"):
        content = certificate_pdf(registration, compress=False)
    code = registration.certificate_code.encode()
    assert content.startswith(b"%PDF")
    assert b"(" + code + b")" in content  # drawn as plain text, uncompressed
    text = pdf_text(content)
    assert "Certificate of attendance" in text
    assert "Aula Kecamatan Kuta Utara" in text
    assert "Trainer: Kadek Pelatih" in text
    # The link is always in the default language, whatever the one of the certificate.
    assert f"https://pasar.example/pelatihan/sertifikat/{registration.certificate_code}/" in text


def test_a_participant_without_a_name_gets_a_neutral_word_not_their_email(client):
    registration, participant, _coach = checked_in(name="")
    with translation.override("en"):
        text = pdf_text(certificate_pdf(registration))
    assert "Participant" in text
    assert participant.email not in text
    assert participant.email.split("@")[0] not in text


def test_no_certificate_before_check_in(client):
    participant = VerifiedUserFactory()
    registration = registration_create(workshop=workshop(), user=participant)
    client.force_login(participant)
    assert client.get(pdf_url(registration)).status_code == 404
    with pytest.raises(ValueError, match="checked-in"):
        certificate_pdf(registration)


def test_nobody_else_downloads_a_certificate(client):
    registration, _participant, coach = checked_in()
    url = pdf_url(registration)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/akun/login/?next={url}"
    client.force_login(VerifiedUserFactory())
    assert client.get(url).status_code == 404
    client.force_login(coach)  # a trainer of the workshop too: the certificate is the participant's
    assert client.get(url).status_code == 404


# --- The public verification page -------------------------------------------------------------------------


def test_a_real_code_shows_the_attendance_and_nothing_else_about_the_person(client):
    registration, participant, _coach = checked_in()
    code = registration.certificate_code
    response = client.get(f"/en/pelatihan/sertifikat/{code}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert 'data-certificate="valid"' in html
    assert "Ni Made Ayu" in html
    assert "Jualan Online untuk Pemula" in html
    assert "Kadek Pelatih" in html
    assert "Checked in on" in html
    assert participant.email not in html
    assert registration.short_code not in html
    assert registration.qr_secret not in html


def test_the_code_may_be_typed_in_lower_case_without_dashes(client):
    registration, _participant, _coach = checked_in()
    typed = registration.certificate_code.replace("-", "").lower()
    response = client.get(f"/pelatihan/sertifikat/{typed}/")
    assert response.status_code == 200
    assert 'data-certificate="valid"' in response.content.decode()


@pytest.mark.parametrize("code", ["ABCD-EFGH-JKMN", "pendek", "ZZZZ-ZZZZ-ZZZZ-ZZZZ"])
def test_an_unknown_code_is_a_404_page_saying_so(client, code):
    checked_in()
    response = client.get(f"/en/pelatihan/sertifikat/{code}/")
    html = response.content.decode()
    assert response.status_code == 404
    assert 'data-certificate="invalid"' in html
    assert "No certificate has the code" in html


def test_a_registration_never_checked_in_has_no_valid_certificate(client):
    registration = registration_create(workshop=workshop(), user=VerifiedUserFactory())
    Registration.objects.filter(pk=registration.pk).update(certificate_code="ABCD-EFGH-JKMN")
    response = client.get("/pelatihan/sertifikat/ABCD-EFGH-JKMN/")
    assert response.status_code == 404
    assert 'data-certificate="invalid"' in response.content.decode()


def test_the_lookup_form_sends_a_typed_code_to_its_page(client):
    registration, _participant, _coach = checked_in()
    code = registration.certificate_code
    assert client.get("/pelatihan/sertifikat/").status_code == 200
    response = client.get("/pelatihan/sertifikat/", {"code": f" {code.lower().replace('-', ' ')} "})
    assert response.status_code == 302
    assert response["Location"] == f"/pelatihan/sertifikat/{code}/"
    bad = client.get("/pelatihan/sertifikat/", {"code": "123"})
    assert bad.status_code == 400
    assert 'class="error"' in bad.content.decode()

import pytest
from django.core.exceptions import ValidationError
from phonenumber_field.phonenumber import PhoneNumber

from accounts.forms import phone_form_field
from accounts.phone import format_phone_national, normalise_phone, validate_indonesian_phone

INDONESIAN_MESSAGE = "Masukkan nomor HP Indonesia yang valid, misalnya 0812-3456-7890 atau +62 812-3456-7890."


@pytest.mark.parametrize(
    "raw",
    ["0812-3456-7890", "+62 812 3456 7890", "6281234567890", "081234567890", " 0812 3456 7890 ", "+62-812-3456-7890"],
)
def test_normalise_phone_turns_every_common_spelling_into_e164(raw):
    assert normalise_phone(raw) == "+6281234567890"


def test_normalise_phone_keeps_a_landline_with_its_area_code():
    assert normalise_phone("(0361) 234567") == "+62361234567"


@pytest.mark.parametrize("raw", ["12345", "+1 202 555 0100", "0812", "62", "abc", "", "08123456789012345"])
def test_normalise_phone_refuses_what_is_not_an_indonesian_number(raw):
    with pytest.raises(ValidationError) as error:
        normalise_phone(raw)

    assert error.value.code == "invalid_phone"
    assert error.value.messages == [INDONESIAN_MESSAGE]


def test_validate_indonesian_phone_accepts_an_indonesian_number():
    assert validate_indonesian_phone("+6281234567890") is None
    assert validate_indonesian_phone(PhoneNumber.from_string("0812-3456-7890", region="ID")) is None


@pytest.mark.parametrize("value", ["+12025550100", "+6281", "not a number", PhoneNumber.from_string("+442079460958")])
def test_validate_indonesian_phone_refuses_foreign_short_and_garbled_numbers(value):
    with pytest.raises(ValidationError) as error:
        validate_indonesian_phone(value)

    assert error.value.code == "invalid_phone"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("+6281234567890", "0812-3456-7890"),
        (PhoneNumber.from_string("+6285612345678"), "0856-1234-5678"),
        ("+62361234567", "(0361) 234567"),
        ("+442079460958", "+44 20 7946 0958"),
        ("", ""),
        (None, ""),
        ("garbled", "garbled"),
    ],
)
def test_format_phone_national_shows_numbers_the_way_indonesians_write_them(value, shown):
    assert format_phone_national(value) == shown


@pytest.mark.parametrize("raw", ["0812-3456-7890", "+62 812 3456 7890", "6281234567890"])
def test_phone_form_field_cleans_every_common_spelling_to_the_same_number(raw):
    cleaned = phone_form_field(required=False).clean(raw)

    assert cleaned.as_e164 == "+6281234567890"


@pytest.mark.parametrize("raw", ["12345", "+1 202 555 0100"])
def test_phone_form_field_refuses_with_one_indonesian_message(raw):
    with pytest.raises(ValidationError) as error:
        phone_form_field(required=False).clean(raw)

    assert error.value.messages == [INDONESIAN_MESSAGE]


def test_phone_form_field_leaves_an_optional_empty_number_empty():
    assert phone_form_field(required=False).clean("") == ""

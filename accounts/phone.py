"""Indonesian phone numbers: parsed with `phonenumbers`, stored as E.164 (+62…), shown as 0812-3456-7890."""

import phonenumbers
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from phonenumber_field.phonenumber import PhoneNumber

INDONESIA_COUNTRY_CODE = 62

INVALID_PHONE_MESSAGE = _("Enter a valid Indonesian phone number, for example 0812-3456-7890 or +62 812-3456-7890.")


def validate_indonesian_phone(value: PhoneNumber | str) -> None:
    """Accept only valid Indonesian numbers (+62). Raises ValidationError with a translated message."""
    try:
        number = value if isinstance(value, PhoneNumber) else PhoneNumber.from_string(str(value), region="ID")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone") from error
    if not number.is_valid() or number.country_code != INDONESIA_COUNTRY_CODE:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone")


def normalise_phone(raw: str) -> str:
    """`0812-3456-7890`, `+62 812 3456 7890`, `62812…` → `+6281234567890`. Raises ValidationError.

    A national number starts with 0, so digits starting with 62 are the country code typed without "+".
    """
    try:
        text = raw.strip()
        if text.startswith("62") and not text.startswith("+"):
            text = "+" + text
        number = phonenumbers.parse(text, "ID")
    except phonenumbers.NumberParseException as error:
        raise ValidationError(INVALID_PHONE_MESSAGE, code="invalid_phone") from error
    wrapped = PhoneNumber.from_string(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))
    validate_indonesian_phone(wrapped)
    return wrapped.as_e164


def format_phone_national(value: PhoneNumber | str | None) -> str:
    """How Indonesians write a number: mobile `+6281234567890` → `0812-3456-7890`, landline → `(0361) 234567`.

    Anything that is not a valid number comes back unchanged, so a display never fails.
    """
    if not value:
        return ""
    try:
        number = value if isinstance(value, PhoneNumber) else PhoneNumber.from_string(str(value), region="ID")
    except phonenumbers.NumberParseException:
        return str(value)
    if not number.is_valid():
        return str(value)
    if number.country_code != INDONESIA_COUNTRY_CODE:
        return number.as_international
    return number.as_national

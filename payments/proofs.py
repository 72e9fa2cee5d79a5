"""Checking a proof of transfer before it is stored: the file must be what it says it is.

The declared content type is only a claim (a browser takes it from the file name). Images are opened with
Pillow through the product photo checks (`shops.images.validate_product_photo`: only the JPEG, PNG and WebP
plugins may parse the bytes, the header's pixel count is checked before decoding so decompression bombs are
refused, the image is decoded completely so truncated files are refused) and the format found must be the
declared one. A PDF must start with `%PDF-`. The extension the file is stored under comes from the checked
type, never from the uploaded name.
"""

import io

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from shops.images import validate_product_photo

# The content type each image format Pillow finds must have been declared with.
IMAGE_FORMAT_CONTENT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
PDF_CONTENT_TYPE = "application/pdf"
PDF_HEADER = b"%PDF-"

WRONG_TYPE_MESSAGE = _("Upload a photo (JPEG, PNG, WebP) or a PDF of the transfer receipt.")
NOT_WHAT_IT_SAYS_MESSAGE = _(
    "This file is not a real photo (JPEG, PNG, WebP) or PDF, or it is damaged. "
    "Take a screenshot or a photo of the receipt and upload that."
)


def proof_extension(file, *, allowed: dict[str, str]) -> str:
    """The extension to store `file` under (`allowed[content_type]`), once its content is checked against
    its declared content type. Reads the file and leaves it at position 0. Raises ValidationError on "proof"
    (codes `invalid_type`, `invalid_content`, `too_many_pixels`)."""
    content_type = getattr(file, "content_type", "") or ""
    if content_type not in allowed:
        raise ValidationError({"proof": ValidationError(WRONG_TYPE_MESSAGE, code="invalid_type")})
    not_what_it_says = ValidationError({"proof": ValidationError(NOT_WHAT_IT_SAYS_MESSAGE, code="invalid_content")})
    if content_type == PDF_CONTENT_TYPE:
        file.seek(0)
        header = file.read(len(PDF_HEADER))
        file.seek(0)
        if header != PDF_HEADER:
            raise not_what_it_says
        return allowed[content_type]
    # Pillow may close the file it was given; it reads a copy (at most 5 MB, checked by the caller).
    file.seek(0)
    copy = io.BytesIO(file.read())
    copy.name = getattr(file, "name", "") or ""
    file.seek(0)
    try:
        photo = validate_product_photo(copy)
    except ValidationError as error:
        if getattr(error, "code", None) == "too_many_pixels":
            raise ValidationError({"proof": error}) from error
        raise not_what_it_says from error
    photo.image.close()
    if IMAGE_FORMAT_CONTENT_TYPES.get(photo.format) != content_type:
        raise not_what_it_says
    return allowed[content_type]

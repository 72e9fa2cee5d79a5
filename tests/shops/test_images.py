"""Product photo pipeline: validation (upload attacks), normalisation, renditions and the photo coach.

Every image is generated here with Pillow; nothing is downloaded and no database is needed.
"""

import io
import random

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.utils import translation
from PIL import ExifTags, Image, ImageCms, ImageDraw, ImageFile, ImageFilter

from shops import images
from shops.images import (
    MAX_UPLOAD_BYTES,
    check_photo_name,
    make_renditions,
    normalise_photo,
    validate_product_photo,
)
from shops.photo_coach import coach_photo

# --- helpers -------------------------------------------------------------------------------------------------


def scene(size=(1600, 1200), seed=1) -> Image.Image:
    """A busy, sharp, evenly lit picture: gradient background, coloured shapes and text."""
    rnd = random.Random(seed)
    width, height = size
    picture = Image.linear_gradient("L").resize(size).convert("RGB")
    picture = Image.merge(
        "RGB",
        [
            picture.getchannel(0).point(lambda value: 90 + value // 3),
            Image.new("L", size, 120),
            picture.getchannel(2).point(lambda value: 160 - value // 4),
        ],
    )
    draw = ImageDraw.Draw(picture)
    for _ in range(25):
        left, top = rnd.randrange(width), rnd.randrange(height)
        box = (left, top, left + rnd.randrange(4, max(5, width // 4)), top + rnd.randrange(4, max(5, height // 3)))
        colour = tuple(rnd.randrange(256) for _ in range(3))
        (draw.ellipse if rnd.random() < 0.5 else draw.rectangle)(box, fill=colour)
    for _ in range(12):
        position = (rnd.randrange(width - width // 5), rnd.randrange(max(1, height - 40)))
        draw.text(position, "Keripik Pisang 250g", fill=(0, 0, 0), font_size=max(10, width // 57))
    return picture


def product_on_white(size=(1600, 1200)) -> Image.Image:
    picture = Image.new("RGB", size, (245, 245, 245))
    draw = ImageDraw.Draw(picture)
    draw.ellipse((500, 300, 1100, 900), fill=(180, 90, 40))
    draw.rectangle((650, 500, 950, 560), fill=(250, 230, 120))
    draw.text((660, 510), "SAMBAL", fill=(0, 0, 0), font_size=40)
    return picture


def encode(picture: Image.Image, image_format: str, **options) -> bytes:
    buffer = io.BytesIO()
    picture.save(buffer, image_format, **options)
    return buffer.getvalue()


def upload(content: bytes, name: str = "foto.jpg", content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def refusal_code(uploaded_file) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_product_photo(uploaded_file)
    return caught.value.code


def bilevel_png(size: tuple[int, int]) -> bytes:
    """A 1-bit PNG: a huge canvas compresses to a small file, the shape of a decompression bomb."""
    return encode(Image.new("1", size), "PNG", optimize=True)


def decode(content: bytes) -> Image.Image:
    decoded = Image.open(io.BytesIO(content))
    decoded.load()
    return decoded


def photo_with_metadata() -> bytes:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Xiaomi"
    exif[ExifTags.Base.Model] = "Redmi 9A"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "S"
    gps[ExifTags.GPS.GPSLatitude] = (8.0, 39.0, 12.5)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (115.0, 10.0, 3.25)
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description>secret-xmp-location</rdf:Description></x:xmpmeta>'
    icc_profile = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    return encode(scene((800, 600)), "JPEG", exif=exif, xmp=xmp, icc_profile=icc_profile, comment=b"secret-comment")


# --- validation: accepted uploads ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("image_format", "name", "content_type"),
    [("JPEG", "foto.jpg", "image/jpeg"), ("PNG", "foto.png", "image/png"), ("WEBP", "foto.webp", "image/webp")],
)
def test_real_jpeg_png_and_webp_photos_are_accepted(image_format, name, content_type):
    content = encode(scene((900, 700)), image_format)

    photo = validate_product_photo(upload(content, name, content_type))

    assert photo.format == image_format
    assert (photo.width, photo.height) == (900, 700)
    assert photo.image.size == (900, 700)
    assert photo.size_bytes == len(content)
    assert photo.frame_count == 1


def test_jpeg_with_mpf_extension_from_a_phone_camera_is_accepted_as_jpeg():
    first, second = Image.new("RGB", (640, 480), "red"), Image.new("RGB", (640, 480), "blue")
    content = encode(first, "MPO", save_all=True, append_images=[second])

    photo = validate_product_photo(upload(content))

    assert (photo.format, photo.frame_count) == ("JPEG", 2)
    assert photo.image.getpixel((320, 240))[0] > 240  # the first frame, red


def test_large_jpeg_is_decoded_at_a_reduced_scale_that_still_covers_the_stored_size():
    content = encode(Image.new("RGB", (6000, 4000), "green"), "JPEG")

    photo = validate_product_photo(upload(content))

    assert (photo.width, photo.height) == (6000, 4000)
    assert photo.image.size == (3000, 2000)


@pytest.mark.parametrize("image_format", ["WEBP", "PNG"])
def test_animated_photo_is_accepted_and_only_its_first_frame_is_kept(image_format):
    frames = [Image.new("RGB", (400, 300), colour) for colour in ("red", "blue", "green")]
    content = encode(frames[0], image_format, save_all=True, append_images=frames[1:], duration=100, loop=0)

    photo = validate_product_photo(upload(content, f"stiker.{image_format.lower()}"))
    stored = decode(normalise_photo(photo.image).content)

    assert photo.frame_count == 3
    assert getattr(stored, "n_frames", 1) == 1
    red, green, blue = stored.convert("RGB").getpixel((200, 150))
    assert red > 240
    assert green < 15
    assert blue < 15


@pytest.mark.parametrize(
    "name",
    [
        "IMG_20240102_101112.jpg",
        "Screenshot_2024-01-02-10-11-12-123_com.whatsapp.jpg",
        "produk.JPG",
        "foto.jpeg",
        "foto.jfif",
        "keripik.v2.png",
        "image",
        "C:\\fakepath\\foto.webp",
    ],
)
def test_ordinary_phone_and_browser_file_names_are_accepted(name):
    photo = validate_product_photo(upload(encode(scene((300, 200)), "JPEG"), name))

    assert photo.format == "JPEG"


def test_upload_of_exactly_the_size_limit_is_accepted_and_one_byte_more_is_refused():
    jpeg = encode(scene((300, 200)), "JPEG")
    # Bytes after the end-of-image marker are ignored by decoders; they only make the file bigger.
    at_limit = jpeg + b"\0" * (MAX_UPLOAD_BYTES - len(jpeg))

    assert validate_product_photo(upload(at_limit)).size_bytes == MAX_UPLOAD_BYTES
    assert refusal_code(upload(at_limit + b"\0")) == "too_large"


# --- validation: upload attacks and other refusals -----------------------------------------------------------


@pytest.mark.parametrize("size", [(7000, 6000), (9500, 9500), (30000, 30000)])
def test_decompression_bomb_is_refused_from_the_header_without_decoding_pixels(monkeypatch, size):
    # 42 MP (over our limit), 90 MP (Pillow's warning) and 900 MP (Pillow's error); all tiny files.
    content = bilevel_png(size)
    assert len(content) < 200_000

    def no_decoding(self):
        raise AssertionError("pixels were decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding)

    assert refusal_code(upload(content, "foto.png", "image/png")) == "too_many_pixels"


def test_photo_of_exactly_forty_megapixels_is_accepted():
    photo = validate_product_photo(upload(bilevel_png((8000, 5000)), "foto.png", "image/png"))

    assert (photo.width, photo.height) == (8000, 5000)


def test_svg_with_script_is_refused_even_when_renamed_to_jpg():
    svg = (
        b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="100" height="100">'
        b'<script>fetch("/api/v1/me/").then(r => r.text()).then(alert)</script><rect width="100" height="100"/></svg>'
    )

    assert refusal_code(upload(svg, "foto.jpg", "image/jpeg")) == "unsupported_format"
    assert refusal_code(upload(svg, "logo.svg", "image/svg+xml")) == "invalid_extension"


def test_html_renamed_to_jpg_is_refused():
    html = b"<!DOCTYPE html><html><body><script>document.location='https://evil.example/'</script></body></html>"

    assert refusal_code(upload(html, "foto.jpg", "image/jpeg")) == "unsupported_format"


def test_html_with_a_jpeg_magic_number_in_front_is_refused():
    html = b"\xff\xd8\xff\xe0<html><script>alert(1)</script></html>"

    assert refusal_code(upload(html, "foto.jpg", "image/jpeg")) == "corrupt"


@pytest.mark.parametrize("image_format", ["JPEG", "PNG", "WEBP"])
def test_truncated_photo_is_refused(image_format):
    content = encode(scene((800, 600)), image_format)

    assert ImageFile.LOAD_TRUNCATED_IMAGES is False
    assert refusal_code(upload(content[: len(content) * 2 // 3], f"foto.{image_format.lower()}")) == "corrupt"


def test_validation_refuses_to_run_when_truncated_images_are_allowed_globally(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)

    with pytest.raises(RuntimeError):
        validate_product_photo(upload(encode(scene((300, 200)), "JPEG")))


def test_fifty_megabyte_file_is_refused_from_its_size_without_being_opened(monkeypatch):
    def no_opening(*args, **kwargs):
        raise AssertionError("the file was opened by Pillow")

    monkeypatch.setattr(images.Image, "open", no_opening)
    size = 50 * 1024 * 1024
    uploaded_file = TemporaryUploadedFile("foto.jpg", "image/jpeg", size, None)
    try:
        # A JPEG header followed by a hole: the temporary file is sparse, nothing big is held in memory.
        uploaded_file.write(b"\xff\xd8\xff\xe0")
        uploaded_file.truncate(size)
        uploaded_file.seek(0)

        assert refusal_code(uploaded_file) == "too_large"
    finally:
        uploaded_file.close()


def test_empty_file_is_refused():
    assert refusal_code(upload(b"")) == "empty"


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("foto.php.jpg", "double_extension"),
        ("FOTO.PHP.JPG", "double_extension"),
        ("foto.html.png", "double_extension"),
        ("foto.php5.webp", "double_extension"),
        ("foto.svg.jpeg", "double_extension"),
        ("foto.jpg.exe", "invalid_extension"),
        ("foto.jpg.php", "invalid_extension"),
        ("foto.php.", "invalid_extension"),
        ("foto.gif", "invalid_extension"),
        ("foto.heic", "invalid_extension"),
        ("foto\x00.jpg", "invalid_name"),
        ("foto\n.jpg", "invalid_name"),
    ],
)
def test_suspicious_file_names_are_refused_even_with_a_real_photo_inside(name, code):
    assert refusal_code(upload(encode(scene((300, 200)), "JPEG"), name)) == code


@pytest.mark.parametrize("image_format", ["GIF", "BMP", "TIFF", "ICO", "PPM"])
def test_other_image_formats_are_refused(image_format):
    content = encode(scene((64, 48)), image_format)

    assert refusal_code(upload(content, "foto.jpg")) == "unsupported_format"


def test_refusal_message_is_plain_and_states_the_limit():
    with pytest.raises(ValidationError) as caught:
        validate_product_photo(upload(b"x" * (MAX_UPLOAD_BYTES + 1)))

    with translation.override("en"):
        assert caught.value.messages == ["The photo is larger than 10 MB. Choose a smaller photo."]


def test_every_refusal_has_its_own_code_and_message():
    assert sorted(images.ERROR_MESSAGES) == [
        "corrupt",
        "double_extension",
        "empty",
        "invalid_extension",
        "invalid_name",
        "too_large",
        "too_many_pixels",
        "unsupported_format",
    ]
    assert len({str(message) for message in images.ERROR_MESSAGES.values()}) == 8


def test_name_check_alone_accepts_a_missing_name():
    assert check_photo_name(None) is None
    assert check_photo_name("") is None


# --- normalisation -------------------------------------------------------------------------------------------


def test_normalised_photo_has_no_exif_gps_xmp_icc_or_comment():
    content = photo_with_metadata()
    source = Image.open(io.BytesIO(content))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)[ExifTags.GPS.GPSLatitudeRef] == "S"

    stored = normalise_photo(validate_product_photo(upload(content)).image)
    decoded = decode(stored.content)

    assert (stored.format, stored.content_type, stored.extension) == ("WEBP", "image/webp", "webp")
    assert decoded.format == "WEBP"
    assert len(decoded.getexif()) == 0
    assert decoded.getexif().get_ifd(ExifTags.IFD.GPSInfo) == {}
    assert set(decoded.info) & {"exif", "xmp", "icc_profile", "comment"} == set()
    for secret in (b"Exif", b"Redmi 9A", b"Xiaomi", b"secret-xmp-location", b"secret-comment"):
        assert secret not in stored.content


def test_exif_rotated_photo_is_stored_upright():
    # Stored landscape, left half red and right half blue; orientation 6 says "turn 90 degrees clockwise".
    sideways = Image.new("RGB", (600, 400), "blue")
    sideways.paste(Image.new("RGB", (300, 400), "red"), (0, 0))
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6
    content = encode(sideways, "JPEG", exif=exif, quality=95)

    photo = validate_product_photo(upload(content))
    stored = normalise_photo(photo.image)
    decoded = decode(stored.content).convert("RGB")

    assert (photo.width, photo.height) == (600, 400)
    assert (stored.width, stored.height) == (400, 600)
    assert decoded.size == (400, 600)
    assert decoded.getpixel((200, 100))[0] > 200  # the top is the red half
    assert decoded.getpixel((200, 500))[2] > 200  # the bottom is the blue half
    assert ExifTags.Base.Orientation not in decoded.getexif()


def test_transparency_is_kept_as_webp_with_alpha():
    sticker = Image.new("RGBA", (400, 300), (0, 0, 0, 0))
    sticker.paste(Image.new("RGBA", (200, 300), (200, 30, 30, 255)), (0, 0))

    stored = normalise_photo(validate_product_photo(upload(encode(sticker, "PNG"), "stiker.png")).image)
    decoded = decode(stored.content)

    assert decoded.mode == "RGBA"
    assert decoded.getpixel((300, 150))[3] == 0
    assert decoded.getpixel((100, 150))[3] == 255


def test_palette_png_with_a_transparent_colour_keeps_its_transparency():
    palette_image = Image.new("P", (200, 100), 0)
    palette_image.putpalette([255, 255, 255, 200, 30, 30] + [0] * 762)
    palette_image.paste(1, (0, 0, 100, 100))

    photo = validate_product_photo(upload(encode(palette_image, "PNG", transparency=0), "logo.png"))
    decoded = decode(normalise_photo(photo.image).content)

    assert decoded.mode == "RGBA"
    assert decoded.getpixel((150, 50))[3] == 0
    assert decoded.getpixel((50, 50))[3] == 255


def test_fully_opaque_alpha_channel_is_dropped():
    content = encode(scene((400, 300)).convert("RGBA"), "PNG")

    decoded = decode(normalise_photo(validate_product_photo(upload(content, "foto.png")).image).content)

    assert decoded.mode == "RGB"


def test_cmyk_jpeg_is_stored_as_rgb():
    content = encode(Image.new("CMYK", (300, 200), (0, 255, 255, 0)), "JPEG")

    decoded = decode(normalise_photo(validate_product_photo(upload(content)).image).content)

    assert decoded.mode == "RGB"
    red, green, blue = decoded.getpixel((150, 100))
    assert red > 240
    assert green < 15
    assert blue < 15


def test_sixteen_bit_png_keeps_its_brightness():
    content = encode(Image.new("I;16", (300, 200), 32768), "PNG")

    decoded = decode(normalise_photo(validate_product_photo(upload(content, "foto.png")).image).content)

    assert decoded.mode == "RGB"
    assert abs(decoded.getpixel((150, 100))[0] - 128) <= 2


def test_photo_with_an_unusable_colour_profile_is_stored_without_it():
    content = encode(scene((400, 300)), "JPEG", icc_profile=b"not a colour profile")

    decoded = decode(normalise_photo(validate_product_photo(upload(content)).image).content)

    assert (decoded.mode, decoded.size) == ("RGB", (400, 300))
    assert "icc_profile" not in decoded.info


@pytest.mark.parametrize(
    ("size", "stored_size"),
    [((4000, 3000), (2560, 1920)), ((3000, 5000), (1536, 2560)), ((1000, 800), (1000, 800))],
)
def test_stored_photo_is_capped_at_the_maximum_edge_and_never_upscaled(size, stored_size):
    content = encode(Image.new("RGB", size, "orange"), "PNG")

    stored = normalise_photo(validate_product_photo(upload(content, "foto.png")).image)

    assert (stored.width, stored.height) == stored_size
    assert decode(stored.content).size == stored_size


def test_normalising_leaves_the_validated_image_untouched():
    image = validate_product_photo(upload(encode(scene((3000, 2000)), "PNG"), "foto.png")).image

    normalise_photo(image)

    assert (image.size, image.mode) == ((3000, 2000), "RGB")


# --- renditions ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        ((2000, 1500), {"thumbnail": (160, 160), "card": (480, 360), "detail": (1200, 900)}),
        ((1500, 3000), {"thumbnail": (160, 160), "card": (240, 480), "detail": (600, 1200)}),
        ((300, 200), {"thumbnail": (160, 160), "card": (300, 200), "detail": (300, 200)}),
        ((100, 80), {"thumbnail": (80, 80), "card": (100, 80), "detail": (100, 80)}),
    ],
)
def test_renditions_have_exact_sizes_and_are_never_upscaled(size, expected):
    original = normalise_photo(scene(size)).content

    renditions = make_renditions(original)

    assert {name: (rendition.width, rendition.height) for name, rendition in renditions.items()} == expected
    for name, rendition in renditions.items():
        decoded = decode(rendition.content)
        assert (decoded.format, decoded.size) == ("WEBP", expected[name])


def test_thumbnail_is_a_centred_square_crop():
    banner = Image.new("RGB", (900, 300), "blue")
    banner.paste(Image.new("RGB", (300, 300), "red"), (300, 0))

    thumbnail = decode(make_renditions(normalise_photo(banner).content)["thumbnail"].content).convert("RGB")

    assert thumbnail.size == (160, 160)
    for corner in [(2, 2), (157, 2), (2, 157), (157, 157)]:
        assert thumbnail.getpixel(corner)[0] > 200


def test_renditions_keep_transparency():
    sticker = Image.new("RGBA", (800, 800), (0, 0, 0, 0))
    sticker.paste(Image.new("RGBA", (400, 800), (30, 120, 30, 255)), (0, 0))

    renditions = make_renditions(normalise_photo(sticker).content)

    for rendition in renditions.values():
        decoded = decode(rendition.content)
        assert decoded.mode == "RGBA"
        assert decoded.getpixel((decoded.width - 1, decoded.height // 2))[3] == 0


def test_renditions_refuse_bytes_that_are_not_a_photo():
    with pytest.raises(ValidationError) as caught:
        make_renditions(b"<html></html>")

    assert caught.value.code == "unsupported_format"


# --- photo coach ---------------------------------------------------------------------------------------------


def advice_codes(picture: Image.Image, **options) -> list[str]:
    return [advice.code for advice in coach_photo(picture, **options)]


def test_good_photo_gets_no_advice():
    assert advice_codes(scene()) == []
    assert advice_codes(scene(seed=2)) == []


def test_good_photo_of_a_product_on_a_white_background_gets_no_advice():
    assert advice_codes(product_on_white()) == []


def test_dark_photo_gets_the_dark_advice_only():
    dark = scene().point(lambda value: value * 4 // 10)

    assert advice_codes(dark) == ["dark"]


def test_washed_out_photo_gets_the_too_bright_advice_only():
    washed_out = scene().point(lambda value: 190 + value // 4)

    assert advice_codes(washed_out) == ["too_bright"]


@pytest.mark.parametrize("radius", [3, 5, 8])
def test_blurred_photo_gets_the_blurred_advice_only(radius):
    blurred = scene().filter(ImageFilter.GaussianBlur(radius))

    assert advice_codes(blurred) == ["blurred"]


def test_slightly_soft_photo_is_not_called_blurred():
    assert advice_codes(scene().filter(ImageFilter.GaussianBlur(1))) == []


def test_small_photo_gets_the_small_advice_only():
    assert advice_codes(scene((640, 480))) == ["small"]
    assert advice_codes(scene((1200, 799))) == ["small"]
    assert advice_codes(scene((1200, 800))) == []


def test_small_advice_uses_the_original_size_when_given():
    reduced = scene((1000, 750))

    assert advice_codes(reduced, original_size=(4000, 3000)) == []
    assert advice_codes(scene(), original_size=(700, 525)) == ["small"]


def test_dark_blurred_and_small_photo_gets_all_three_advices_in_order():
    bad = scene((640, 480)).filter(ImageFilter.GaussianBlur(4)).point(lambda value: value // 4)

    assert advice_codes(bad) == ["dark", "blurred", "small"]


def test_sixteen_bit_photo_is_judged_by_its_real_brightness():
    sixteen_bit = scene().convert("L").convert("I").point(lambda value: value * 256).convert("I;16")

    assert advice_codes(sixteen_bit) == []


def test_transparent_background_is_judged_on_white_not_as_black():
    sticker = Image.new("RGBA", (1600, 1200), (0, 0, 0, 0))
    sticker.paste(scene((800, 600)).convert("RGBA"), (400, 300))

    assert "dark" not in advice_codes(sticker)


def test_advice_has_a_plain_message():
    dark = scene((640, 480)).point(lambda value: value // 3)

    with translation.override("en"):
        messages = [str(advice.message) for advice in coach_photo(dark)]

    assert messages == [
        "The photo is too dark — try near a window.",
        "The photo is too small — use the original photo from the camera, at least 800 pixels on each side.",
    ]


def test_coach_advice_never_stops_a_photo_from_being_stored():
    bad = scene((640, 480)).filter(ImageFilter.GaussianBlur(4)).point(lambda value: value // 4)
    content = encode(bad, "JPEG")

    photo = validate_product_photo(upload(content))
    stored = normalise_photo(photo.image)

    assert [advice.code for advice in coach_photo(photo.image)] == ["dark", "blurred", "small"]
    assert (stored.width, stored.height) == (640, 480)

"""Pictures for the demo catalogue, drawn with Pillow: nothing is downloaded, and the same input always gives
the same picture.

A product photo is a soft gradient in the colour of its category, a "table" at the bottom, a simple drawn motif
of the kind of product (a jar, a cup, a basket, a folded cloth...) and the product's initials on a label. Its
sharp edges keep the photo coach from calling it blurred; flat colours in a PNG keep the WebP encoding of the
upload pipeline cheap (a JPEG's artefacts, or a fine texture, cost about twice as much).
A shop logo is the shop's initials on a coloured circle, a banner a wide gradient with rows of circles.
All come back as encoded bytes, to go through the same upload path as a seller's photo.
"""

from __future__ import annotations

import io
import random
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

# Small on purpose: the upload pipeline's WebP encoding grows with the area, and `make demo` and CI seed 120 photos.
# (The photo coach records its "small" advice, under 800 px, which only the seller sees.)
PHOTO_EDGE = 480
# The demo seller's own products: at the photo coach's minimum, so the seller sees no "too small" advice.
SELLER_PHOTO_EDGE = 800
LOGO_EDGE = 256
BANNER_SIZE = (1200, 400)
JPEG_QUALITY = 88  # banners

RGB = tuple[int, int, int]

MOTIFS = ("bag", "jar", "cup", "cake", "box", "basket", "carving", "jewel", "cloth", "shirt", "bottle", "leaf", "hand")

# Small words that make poor initials ("Kripik Pisang dan Cokelat" → "KP").
STOP_WORDS = frozenset({"dan", "&", "isi", "khas", "bali", "ala", "untuk", "per", "dengan", "di", "ke", "x"})


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    # Pillow's own bundled font (no system font needed); scalable when Pillow has FreeType.
    return ImageFont.load_default(size=size)


def initials(text: str, *, letters: int = 2) -> str:
    """`Kopi Arabika Pelaga` → `KA`; falls back to the first letters of the text."""
    words = [word for word in text.replace("-", " ").split() if word.lower() not in STOP_WORDS and word[0].isalnum()]
    picked = "".join(word[0] for word in words[:letters]).upper()
    return picked or (text[:letters].upper() or "?")


def _mix(colour: RGB, other: RGB, amount: float) -> RGB:
    return tuple(round(a + (b - a) * amount) for a, b in zip(colour, other, strict=True))  # type: ignore[return-value]


def _darker(colour: RGB, amount: float = 0.35) -> RGB:
    return _mix(colour, (0, 0, 0), amount)


def _lighter(colour: RGB, amount: float = 0.6) -> RGB:
    return _mix(colour, (255, 255, 255), amount)


def _gradient(edge: int, top: RGB, bottom: RGB) -> Image.Image:
    mask = Image.linear_gradient("L").resize((edge, edge))
    return Image.composite(Image.new("RGB", (edge, edge), bottom), Image.new("RGB", (edge, edge), top), mask)


def _png(image: Image.Image) -> bytes:
    # PNG, not JPEG: flat colours without compression artefacts make the WebP encoding of the pipeline cheaper.
    buffer = io.BytesIO()
    image.save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def _centred_text(draw: ImageDraw.ImageDraw, centre: tuple[float, float], text: str, size: int, fill: RGB) -> None:
    draw.text(centre, text, font=_font(size), fill=fill, anchor="mm")


def _draw_motif(draw: ImageDraw.ImageDraw, motif: str, box: tuple[int, int, int, int], colour: RGB, rng) -> None:
    """A simple drawing of the product kind inside `box` (left, top, right, bottom)."""
    left, top, right, bottom = box
    width, height = right - left, bottom - top
    cx = (left + right) / 2
    dark, light = _darker(colour), _lighter(colour, 0.75)
    outline = _darker(colour, 0.55)
    line = max(3, width // 60)

    if motif == "bag":  # a snack pouch
        draw.rounded_rectangle(
            (left + width * 0.2, top + height * 0.1, right - width * 0.2, bottom), 24, colour, outline, line
        )
        draw.rectangle((left + width * 0.2, top + height * 0.1, right - width * 0.2, top + height * 0.2), dark)
        draw.ellipse((cx - width * 0.18, top + height * 0.4, cx + width * 0.18, top + height * 0.76), light, outline)
    elif motif == "jar":  # sambal, honey, spices
        draw.rounded_rectangle((left + width * 0.22, top + height * 0.22, right - width * 0.22, bottom), 40, colour)
        draw.rounded_rectangle(
            (left + width * 0.28, top + height * 0.05, right - width * 0.28, top + height * 0.24), 12, dark
        )
        draw.rectangle((left + width * 0.3, top + height * 0.45, right - width * 0.3, top + height * 0.75), light)
    elif motif == "cup":  # coffee, tea
        draw.ellipse((left, bottom - height * 0.16, right, bottom), dark)  # saucer
        draw.pieslice(
            (left + width * 0.15, top - height * 0.1, right - width * 0.15, bottom - height * 0.08), 0, 180, colour
        )
        draw.arc(
            (right - width * 0.25, top + height * 0.45, right - width * 0.02, top + height * 0.75),
            270,
            90,
            dark,
            line * 3,
        )
        draw.ellipse(
            (left + width * 0.15, top + height * 0.32, right - width * 0.15, top + height * 0.48), _darker(colour, 0.6)
        )
    elif motif == "cake":  # jajanan: stacked layers on a plate
        draw.ellipse((left, bottom - height * 0.18, right, bottom), light, outline, line)
        for layer in range(3):
            y = bottom - height * (0.3 + layer * 0.2)
            draw.rounded_rectangle(
                (left + width * 0.18, y, right - width * 0.18, y + height * 0.2), 16, colour if layer % 2 else dark
            )
    elif motif == "box":  # a gift box
        draw.rectangle((left + width * 0.1, top + height * 0.3, right - width * 0.1, bottom), colour, outline, line)
        draw.rectangle((left + width * 0.05, top + height * 0.2, right - width * 0.05, top + height * 0.34), dark)
        draw.rectangle((cx - width * 0.06, top + height * 0.2, cx + width * 0.06, bottom), light)
        draw.ellipse((cx - width * 0.22, top, cx, top + height * 0.22), None, light, line * 2)
        draw.ellipse((cx, top, cx + width * 0.22, top + height * 0.22), None, light, line * 2)
    elif motif == "basket":  # anyaman: a woven bowl
        draw.chord((left, top - height * 0.2, right, bottom), 0, 180, colour, outline, line)
        for step in range(1, 8):
            x = left + width * step / 8
            draw.line((x, top + height * 0.35, x, bottom - height * 0.05), dark, line)
        for step in range(1, 5):
            y = top + height * 0.3 + height * 0.6 * step / 5
            draw.line((left + width * 0.05, y, right - width * 0.05, y), light, line)
    elif motif == "carving":  # ukiran: a carved panel
        draw.rounded_rectangle((left + width * 0.15, top, right - width * 0.15, bottom), 30, colour, outline, line)
        for ring in range(4):
            inset = width * (0.22 + ring * 0.07)
            draw.ellipse(
                (left + inset, top + inset, right - inset, bottom - inset), None, dark if ring % 2 else light, line
            )
    elif motif == "jewel":  # silver
        draw.ellipse(
            (left + width * 0.1, top + height * 0.1, right - width * 0.1, bottom - height * 0.1),
            None,
            (200, 200, 210),
            line * 4,
        )
        draw.regular_polygon((cx, top + height * 0.15, width * 0.12), 6, 0, colour, outline)
    elif motif == "cloth":  # endek: a folded cloth with a zigzag pattern
        draw.rectangle((left, top + height * 0.15, right, bottom - height * 0.05), colour, outline, line)
        step = width / 10
        for row in range(5):
            y = top + height * (0.25 + row * 0.14)
            points = [(left + step * i, y + (step * 0.5 if i % 2 else 0)) for i in range(11)]
            draw.line(points, light if row % 2 else dark, line * 2)
    elif motif == "shirt":
        draw.polygon(
            [
                (left + width * 0.3, top),
                (left, top + height * 0.2),
                (left + width * 0.12, top + height * 0.42),
                (left + width * 0.22, top + height * 0.36),
                (left + width * 0.22, bottom),
                (right - width * 0.22, bottom),
                (right - width * 0.22, top + height * 0.36),
                (right - width * 0.12, top + height * 0.42),
                (right, top + height * 0.2),
                (right - width * 0.3, top),
            ],
            colour,
            outline,
        )
        draw.chord((cx - width * 0.12, top - height * 0.1, cx + width * 0.12, top + height * 0.1), 0, 180, light)
    elif motif == "bottle":  # oils and scrubs
        draw.rounded_rectangle((left + width * 0.3, top + height * 0.3, right - width * 0.3, bottom), 36, colour)
        draw.rectangle((cx - width * 0.07, top + height * 0.1, cx + width * 0.07, top + height * 0.32), colour)
        draw.rectangle((cx - width * 0.09, top, cx + width * 0.09, top + height * 0.12), dark)
        draw.rectangle((left + width * 0.34, top + height * 0.55, right - width * 0.34, top + height * 0.8), light)
    elif motif == "leaf":  # farm produce
        draw.ellipse(
            (left + width * 0.1, top + height * 0.05, right - width * 0.1, bottom - height * 0.05),
            colour,
            outline,
            line,
        )
        draw.line(
            (left + width * 0.2, bottom - height * 0.15, right - width * 0.2, top + height * 0.15), dark, line * 2
        )
        for step in range(1, 5):
            x = left + width * (0.2 + step * 0.12)
            y = bottom - height * (0.15 + step * 0.14)
            draw.line((x, y, x - width * 0.12, y - height * 0.18), dark, line)
            draw.line((x, y, x + width * 0.1, y + height * 0.08), dark, line)
    else:  # "hand": a service
        draw.ellipse(
            (left + width * 0.15, top + height * 0.15, right - width * 0.15, bottom - height * 0.15),
            colour,
            outline,
            line,
        )
        draw.regular_polygon((cx, (top + bottom) / 2, width * 0.22), 5, rng.randrange(0, 72), light)


def product_photo(*, title: str, colour: RGB, motif: str, seed: int, edge: int = PHOTO_EDGE) -> bytes:
    """A PNG photo of a product: always the same bytes for the same arguments."""
    rng = random.Random(seed)  # noqa: S311 - a deterministic picture, not a secret
    # A shade of its own, so that products of one category do not all look alike.
    # (Lighter only a little: a pale photo would earn the coach's "too bright" advice.)
    colour = _mix(colour, (0, 0, 0), rng.uniform(0.0, 0.25)) if rng.random() < 0.6 else _lighter(colour, 0.1)
    image = _gradient(edge, _lighter(colour, 0.85), _lighter(colour, 0.45))
    draw = ImageDraw.Draw(image)
    # The table the product stands on.
    draw.rectangle((0, round(edge * 0.78), edge, edge), _lighter(colour, 0.92))
    draw.line((0, round(edge * 0.78), edge, round(edge * 0.78)), _darker(colour, 0.2), 4)
    margin = round(edge * 0.2)
    _draw_motif(draw, motif, (margin, round(edge * 0.14), edge - margin, round(edge * 0.8)), colour, rng)
    # The initials on a label, as a brand sticker.
    label = initials(title)
    centre = (edge * 0.5, edge * 0.89)
    draw.rounded_rectangle(
        (edge * 0.34, edge * 0.82, edge * 0.66, edge * 0.96),
        radius=edge // 40,
        fill=(255, 255, 255),
        outline=colour,
        width=4,
    )
    _centred_text(draw, centre, label, edge // 12, _darker(colour, 0.5))
    return _png(image)


def shop_logo(*, name: str, colour: RGB, edge: int = LOGO_EDGE) -> bytes:
    """A PNG logo: the shop's initials in white on a coloured circle, on a transparent square."""
    image = Image.new("RGBA", (edge, edge), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((4, 4, edge - 5, edge - 5), fill=colour, outline=_darker(colour), width=max(2, edge // 40))
    _centred_text(draw, (edge / 2, edge / 2), initials(name), round(edge * 0.38), (255, 255, 255))
    return _png(image)


def shop_banner(*, colour: RGB, seed: int, size: tuple[int, int] = BANNER_SIZE) -> bytes:
    """A JPEG banner: a wide gradient in the shop's colour with rows of soft circles, like a woven pattern."""
    rng = random.Random(seed)  # noqa: S311 - a deterministic picture, not a secret
    width, height = size
    image = _gradient(width, _lighter(colour, 0.7), colour).resize(size)
    draw = ImageDraw.Draw(image)
    step = height // 4
    for row in range(5):
        for column in range(width // step + 2):
            x = column * step + (step // 2 if row % 2 else 0) + rng.randrange(-6, 7)
            y = row * step
            radius = step * 0.38
            fill = _lighter(colour, 0.2 + 0.15 * ((row + column) % 3))
            draw.ellipse(
                (x - radius, y - radius, x + radius, y + radius), fill=fill, outline=_darker(colour, 0.2), width=3
            )
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()

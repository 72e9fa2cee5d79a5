"""Photo coach: plain-language advice about a product photo. It warns, it never refuses.

Everything is measured with Pillow on a grayscale working copy whose longest edge is at most
``WORKING_EDGE`` px, so the numbers do not depend on the camera's resolution and a 40 MP photo costs
little.

Calibration (generated images, see tests/shops/test_images.py for the cases kept as tests): two busy scenes
and a product on a white background, 1600 x 1200 and 640 x 480, with and without sensor-like noise
(sigma 6), blurred with a Gaussian radius of 0, 1, 2, 3, 5 and 8 px.

- ``blurred``: variance of ``ImageFilter.FIND_EDGES`` (a Laplacian kernel) after a 3 x 3 median filter (without
  it, sensor noise made a blurred photo look sharp) and ``ImageOps.autocontrast`` (so that a dark or washed-out
  photo is not also called blurred: edge strength grows with contrast). Measured: radius 0-1 gave 382-2565,
  radius 3-5 gave 48-177 at normal exposure and up to 274 at 40 % brightness (where the stretched noise adds
  edges), radius 2 (slightly soft, not worth a warning either way) gave 227-573. The threshold is 300.
  A photo of a single flat colour also counts as blurred; that is acceptable advice.
- ``dark``: mean luminance below 60 (the busy scenes measured 119-128; at 40 % of their brightness 47-50, at
  60 % 71-76). Transparent areas are judged as if on white.
- ``too_bright``: mean luminance above 210 *and* standard deviation below 25, i.e. washed out. Brightness alone
  is not enough: a product on a white background, a good photo, measured a mean of 226 with a standard
  deviation of 46; the washed-out versions of the scenes measured means of 214-241 with deviations of 7-11.
- ``small``: the shorter edge is below 800 px (the detail page shows up to 1200 px).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFilter, ImageOps, ImageStat

from shops.images import to_standard_mode

WORKING_EDGE = 512
BLUR_VARIANCE_THRESHOLD = 300.0
DARK_MEAN_THRESHOLD = 60.0
BRIGHT_MEAN_THRESHOLD = 210.0
BRIGHT_MAX_STDDEV = 25.0
MIN_SHORT_EDGE = 800

ADVICE_MESSAGES = {
    "dark": _("The photo is too dark — try near a window."),
    "too_bright": _("The photo is too bright — avoid direct sunlight and the flash."),
    "blurred": _("The photo looks blurred — hold the phone still and tap the product to focus."),
    "small": _("The photo is too small — use the original photo from the camera, at least 800 pixels on each side."),
}


@dataclass(frozen=True)
class Advice:
    code: str
    message: Promise  # lazy: rendered in the language active when it is shown


@dataclass(frozen=True)
class PhotoMeasurements:
    mean_luminance: float
    luminance_stddev: float
    edge_variance: float
    short_edge: int


def _working_grayscale(image: Image.Image) -> Image.Image:
    if image.mode not in ("1", "L", "LA", "P", "PA", "RGB", "RGBA"):
        image = to_standard_mode(image)
    scale = min(1.0, WORKING_EDGE / max(image.size))
    working = image
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        working = image.resize(size, Image.Resampling.BILINEAR, reducing_gap=2.0)
    if working.mode in ("RGBA", "LA", "PA", "P") or "transparency" in working.info:
        # Transparent pixels often hold black; judge the photo as it will look on the white page.
        rgba = working.convert("RGBA")
        working = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    return working.convert("L")


def measure_photo(image: Image.Image, *, original_size: tuple[int, int] | None = None) -> PhotoMeasurements:
    """Measure what the coach judges. ``original_size`` overrides ``image.size`` for the size check
    (a JPEG may have been decoded at a reduced scale)."""
    grayscale = _working_grayscale(image)
    luminance = ImageStat.Stat(grayscale)
    # Median first: sensor noise would otherwise look like detail. Then stretch the contrast, so that edge
    # strength measures focus and not exposure (a dark or washed-out photo has weaker edges).
    normalised = ImageOps.autocontrast(grayscale.filter(ImageFilter.MedianFilter(3)), cutoff=1)
    edges = normalised.filter(ImageFilter.FIND_EDGES)
    if edges.width > 2 and edges.height > 2:
        # The filter's border pixels compare with padding, not with the photo.
        edges = edges.crop((1, 1, edges.width - 1, edges.height - 1))
    width, height = original_size or image.size
    return PhotoMeasurements(
        mean_luminance=luminance.mean[0],
        luminance_stddev=luminance.stddev[0],
        edge_variance=ImageStat.Stat(edges).var[0],
        short_edge=min(width, height),
    )


def coach_photo(image: Image.Image, *, original_size: tuple[int, int] | None = None) -> list[Advice]:
    """Return advice for a decoded photo, in a fixed order (dark, too_bright, blurred, small); empty when the
    photo looks fine. Never raises for a valid image and never refuses anything."""
    measurements = measure_photo(image, original_size=original_size)
    codes = []
    if measurements.mean_luminance < DARK_MEAN_THRESHOLD:
        codes.append("dark")
    elif measurements.mean_luminance > BRIGHT_MEAN_THRESHOLD and measurements.luminance_stddev < BRIGHT_MAX_STDDEV:
        codes.append("too_bright")
    if measurements.edge_variance < BLUR_VARIANCE_THRESHOLD:
        codes.append("blurred")
    if measurements.short_edge < MIN_SHORT_EDGE:
        codes.append("small")
    return [Advice(code=code, message=ADVICE_MESSAGES[code]) for code in codes]

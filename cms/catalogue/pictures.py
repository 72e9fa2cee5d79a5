"""`<img>` attributes for product photos: the WebP renditions as a `srcset`, with width and height so the
browser keeps the space before the photo arrives (no layout shift on a slow connection).

The renditions (`shops.images.RENDITION_SIZES`) fit inside 480 px (card) and 1200 px (detail) boxes and are
never upscaled, so their sizes follow from the original's. The square thumbnail is left out of `srcset`: it is
cropped, and a `srcset` must offer one picture at several sizes. While the background task has not made the
renditions yet, the normalised original is served alone.
"""

from dataclasses import dataclass

from shops.images import RENDITION_SIZES
from shops.models import ProductImage

# The grid of cards: two columns on a phone, three from 768 px, four from 1024 px in a 1120 px container.
CARD_SIZES = "(min-width: 1120px) 264px, (min-width: 1024px) 24vw, (min-width: 768px) 32vw, 48vw"
# The gallery: the whole width on a phone, half of the container from 768 px.
DETAIL_SIZES = "(min-width: 1120px) 544px, (min-width: 768px) 48vw, 100vw"


@dataclass(frozen=True)
class Picture:
    src: str
    srcset: str
    width: int
    height: int


def _fitted(image: ProductImage, edge: int) -> tuple[int, int]:
    """The size of a rendition fitted inside an `edge` box (as Pillow's `thumbnail` makes it)."""
    longest = max(image.width, image.height)
    if longest <= edge:
        return image.width, image.height
    scale = edge / longest
    return max(1, round(image.width * scale)), max(1, round(image.height * scale))


def picture(image: ProductImage | None, rendition: str = "card") -> Picture | None:
    """The photo as `rendition` ("card" or "detail") with a `srcset` of card and detail; None without a photo."""
    if image is None:
        return None
    if not (image.card and image.detail):
        return Picture(src=image.original.url, srcset="", width=image.width, height=image.height)
    candidates = {}  # width → URL: a small original makes card and detail the same size; offer it once
    for name in ("card", "detail"):
        width, _height = _fitted(image, RENDITION_SIZES[name])
        candidates.setdefault(width, getattr(image, name).url)
    width, height = _fitted(image, RENDITION_SIZES[rendition])
    srcset = ", ".join(f"{url} {candidate}w" for candidate, url in candidates.items())
    return Picture(src=getattr(image, rendition).url, srcset=srcset, width=width, height=height)

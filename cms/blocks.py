"""The blocks operators build the home page with (and the blocks of the standard and news pages).

Catalogue blocks (featured products and shops, category grid, newest products) read the catalogue only through
`shops.selectors`, so an item chosen today that stops being public (archived, shop suspended) silently drops
out. On the home page, `HomePage.get_context` loads what every block needs at once (`preload_home`: all
chosen and newest products in three queries, shops in one, categories in one), whatever the number of blocks
and items; a block rendered anywhere else (the editor's block preview) loads its own items the same way.
The "upcoming workshops" block reads `workshops.selectors.workshop_list_upcoming` (DESIGN §2: cms → workshops
through selectors), preloaded the same way; workshop changes refresh the cached home page
(`workshops.cms_signals`).
"""

import logging
from dataclasses import dataclass, field

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

from marketplace.core import pagecache
from shops import selectors
from shops.models import Category, Shop
from workshops import selectors as workshop_selectors

from .catalogue.cards import CARD_SIZES, ProductCard, product_cards
from .choosers import CategoryChooserBlock, ProductChooserBlock, ShopChooserBlock

PREVIEW_TEMPLATE = "cms/blocks/preview.html"
PRELOAD_CONTEXT_KEY = "home_preload"
MAX_CHOSEN = 12
NEWEST_DEFAULT = 8
NEWEST_MAX = 24
WORKSHOPS_DEFAULT = 3
WORKSHOPS_MAX = 12
# The upcoming workshops' cards are kept this long under the storefront's page-cache generation, which every
# workshop, session or registration change replaces (`workshops.cms_signals`); time alone (a workshop ending)
# refreshes them within this many seconds.
WORKSHOP_CARDS_SECONDS = 60
RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul"]

logger = logging.getLogger(__name__)


# --- Links into the catalogue --------------------------------------------------------------------------------


def category_url(slug: str) -> str:
    return reverse("storefront:category", args=[slug])


def shop_url(slug: str) -> str:
    return reverse("storefront:shop", args=[slug])


def seller_start_url() -> str:
    """Where "sell on Pasar UMKM" leads: the seller dashboard, which starts the shop wizard."""
    try:
        return reverse("seller:home")
    except NoReverseMatch:
        return "/penjual/"


# --- What the blocks show -----------------------------------------------------------------------------------


@dataclass
class HomePreload:
    """Everything the home page's catalogue blocks show, loaded once per request."""

    products: dict[int, ProductCard] = field(default_factory=dict)
    newest: list[ProductCard] = field(default_factory=list)
    shops: dict[int, Shop] = field(default_factory=dict)
    categories: dict[int, Category] = field(default_factory=dict)
    root_categories: list[Category] = field(default_factory=list)
    # Cards of the next published workshops (as many as the largest "upcoming workshops" block shows).
    workshops: list = field(default_factory=list)


def _pk(item) -> int | None:
    """A chooser value as stored (an id, or a list item `{"type": "item", "value": id}`) or converted (a model
    instance) → its id."""
    if isinstance(item, dict):
        item = item.get("value")
    if item is None:
        return None
    return getattr(item, "pk", item)


def _ids(items) -> list[int]:
    return [pk for pk in (_pk(item) for item in items or []) if pk is not None]


def preload_home(raw_blocks) -> HomePreload:
    """Load what the home page's blocks need from their stored values (`StreamValue.raw_data`), without
    converting the chooser blocks (which would cost one query per block type).

    Products: the ids of the newest N (N = the largest count of any "newest" block) in one query that walks the
    newest-first index, then those and the chosen ones in one query plus the two prefetches of
    `product_list_public()`. (A single query with `pk IN (chosen) OR pk IN (newest N)` cannot use an index
    for the OR and checked every public product: 20 ms on 10,000 products against 2 ms for the two.)"""
    product_ids: set[int] = set()
    shop_ids: set[int] = set()
    category_ids: set[int] = set()
    newest_count = 0
    workshop_count = 0
    need_roots = False
    for raw in raw_blocks:
        kind, value = raw.get("type"), raw.get("value") or {}
        if kind == "featured_products":
            product_ids.update(_ids(value.get("products")))
        elif kind == "newest_products":
            newest_count = max(newest_count, _newest_count(value))
        elif kind == "featured_shops":
            shop_ids.update(_ids(value.get("shops")))
        elif kind == "category_grid":
            chosen = _ids(value.get("categories"))
            category_ids.update(chosen)
            need_roots = need_roots or not chosen
        elif kind == "upcoming_workshops":
            workshop_count = max(workshop_count, _workshop_count(value))

    preload = HomePreload()
    if product_ids or newest_count:
        public = selectors.product_list_public()
        newest_ids = list(public.values_list("pk", flat=True)[:newest_count]) if newest_count else []
        products = list(public.filter(pk__in=product_ids.union(newest_ids)))
        cards = {product.pk: card for product, card in zip(products, product_cards(products), strict=True)}
        preload.products = {pk: card for pk, card in cards.items() if pk in product_ids}
        preload.newest = [cards[pk] for pk in newest_ids if pk in cards]
    if shop_ids:
        preload.shops = {shop.pk: shop for shop in selectors.shop_list_public().filter(pk__in=shop_ids)}
    if category_ids or need_roots:
        condition = Q(pk__in=category_ids)
        if need_roots:
            condition |= Q(depth=1)
        categories = list(selectors.category_tree().filter(condition))
        preload.categories = {category.pk: category for category in categories if category.pk in category_ids}
        preload.root_categories = [category for category in categories if category.depth == 1]
    if workshop_count:
        preload.workshops = upcoming_workshop_cards(workshop_count)
    return preload


def _newest_count(value) -> int:
    try:
        count = int(value.get("count") or NEWEST_DEFAULT)
    except (TypeError, ValueError):
        count = NEWEST_DEFAULT
    return max(1, min(count, NEWEST_MAX))


def upcoming_workshop_cards(limit: int) -> list:
    """Cards of the next `limit` public workshops (`workshops.selectors.workshop_list_upcoming`: one query and two
    prefetches), kept in the cache under the page cache's generation (see `WORKSHOP_CARDS_SECONDS`), so the home
    page usually reads them without a query. Without a reachable cache they are read every time."""
    generation = pagecache.current_generation()
    key = f"cms:home-workshops:{translation.get_language()}:{generation}:{limit}"
    if generation is not None:
        try:
            cards = cache.get(key)
        except Exception:  # a cache failure means "no cache", never an error page
            logger.warning("Could not read the cached workshop cards.", exc_info=True)
            cards, generation = None, None
        if cards is not None:
            return cards
    cards = workshop_cards(workshop_selectors.workshop_list_upcoming(limit=limit))
    if generation is not None:
        try:
            cache.set(key, cards, WORKSHOP_CARDS_SECONDS)
        except Exception:  # as above
            logger.warning("Could not cache the workshop cards.", exc_info=True)
    return cards


def _workshop_count(value) -> int:
    try:
        count = int(value.get("count") or WORKSHOPS_DEFAULT)
    except (TypeError, ValueError):
        count = WORKSHOPS_DEFAULT
    return max(1, min(count, WORKSHOPS_MAX))


def _preloaded(parent_context) -> HomePreload | None:
    return (parent_context or {}).get(PRELOAD_CONTEXT_KEY)


def _in_order(ids: list[int], found: dict) -> list:
    return [found[pk] for pk in dict.fromkeys(ids) if pk in found]


# Blocks whose values the home page renders from the stored data with `preload_home`'s objects (see
# `cms.templatetags.storefront.home_body`), so their chooser values are never converted one query per type.
PRELOADED_BLOCKS = frozenset({"featured_products", "featured_shops", "category_grid", "newest_products"})


# --- Blocks ---------------------------------------------------------------------------------------------------


class PreviewMeta:
    """Shared by the blocks: the editor's block picker shows a preview in the site's own styles."""

    preview_template = PREVIEW_TEMPLATE


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=300)
    button_text = blocks.CharBlock(label=_("Button text"), required=False, max_length=40)
    button_url = blocks.CharBlock(label=_("Button link"), required=False, max_length=200)
    image = ImageChooserBlock(
        label=_("Image"),
        required=False,
        help_text=_("Cropped to 1200 by 500 pixels; set the image's focal point to keep what matters."),
    )

    class Meta:
        icon = "image"
        label = _("Hero banner")
        template = "cms/blocks/hero.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Belanja langsung dari UMKM Badung",
            "text": "Kripik, kopi, kain endek, dan kerajinan dari penjual lokal.",
            "button_text": "Mulai belanja",
            "button_url": "/",
        }
        description = _("A large banner with a heading, a short text, a button and an image.")


class FeaturedProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    products = blocks.ListBlock(ProductChooserBlock(), label=_("Products"), min_num=1, max_num=MAX_CHOSEN)

    class Meta:
        icon = "tag"
        label = _("Featured products")
        template = "cms/blocks/product_list.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Products you choose, shown as cards. Products no longer on sale are left out.")

    def get_preview_value(self):
        ids = list(selectors.product_list_public().values_list("pk", flat=True)[:4])
        return self.normalize({"heading": "Pilihan minggu ini", "products": ids})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        ids = _ids(value.get("products"))
        preload = _preloaded(parent_context)
        if preload is not None:
            found = preload.products
        else:
            products = list(selectors.product_list_public().filter(pk__in=ids))
            found = {product.pk: card for product, card in zip(products, product_cards(products), strict=True)}
        context["products"] = _in_order(ids, found)
        context.update(default_heading=_("Featured products"), card_sizes=CARD_SIZES, eager_cards=0)
        return context


class NewestProductsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    count = blocks.IntegerBlock(
        label=_("Number of products"), default=NEWEST_DEFAULT, min_value=1, max_value=NEWEST_MAX
    )

    class Meta:
        icon = "time"
        label = _("Newest products")
        template = "cms/blocks/product_list.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "", "count": 4}
        description = _("The products most recently put on sale, updated automatically.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        count = _newest_count(value)
        preload = _preloaded(parent_context)
        if preload is not None:
            context["products"] = preload.newest[:count]
        else:
            context["products"] = product_cards(selectors.product_list_public()[:count])
        context.update(default_heading=_("Newest products"), card_sizes=CARD_SIZES, eager_cards=0)
        return context


class FeaturedShopsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    shops = blocks.ListBlock(ShopChooserBlock(), label=_("Shops"), min_num=1, max_num=MAX_CHOSEN)

    class Meta:
        icon = "home"
        label = _("Featured shops")
        template = "cms/blocks/shop_list.html"
        preview_template = PREVIEW_TEMPLATE
        description = _("Shops you choose. Shops that are not approved (or suspended) are left out.")

    def get_preview_value(self):
        ids = list(selectors.shop_list_public().values_list("pk", flat=True)[:4])
        return self.normalize({"heading": "Toko pilihan", "shops": ids})

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        ids = _ids(value.get("shops"))
        preload = _preloaded(parent_context)
        found = preload.shops if preload is not None else selectors.shop_list_public().in_bulk(ids)
        context["shops"] = [(shop, shop_url(shop.slug)) for shop in _in_order(ids, found)]
        context["default_heading"] = _("Featured shops")
        return context


class CategoryGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    categories = blocks.ListBlock(
        CategoryChooserBlock(),
        label=_("Categories"),
        max_num=MAX_CHOSEN,
        help_text=_("Leave empty to show every top-level category."),
    )

    class Meta:
        icon = "folder-open-inverse"
        label = _("Category grid")
        template = "cms/blocks/category_grid.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "", "categories": []}
        description = _("Category tiles; the top-level categories unless you choose some.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        ids = _ids(value.get("categories"))
        preload = _preloaded(parent_context)
        if preload is not None:
            categories = _in_order(ids, preload.categories) if ids else preload.root_categories
        elif ids:
            categories = _in_order(ids, selectors.category_tree().in_bulk(ids))
        else:
            categories = list(selectors.category_tree().filter(depth=1))
        context["categories"] = [(category, category_url(category.slug)) for category in categories]
        context["default_heading"] = _("Categories")
        return context


@dataclass
class WorkshopCard:
    """What the home page shows of an upcoming workshop."""

    title: str
    url: str
    starts_at: object  # aware datetime of the first session (the template shows it in WITA), or None
    place: str  # the venue and its district, or "" for an online workshop
    seats_left: int


def workshop_cards(workshops) -> list[WorkshopCard]:
    """Cards for workshops of `workshops.selectors.workshop_list_public()` (annotated `first_starts_at` and
    `seats_taken`, district joined): no further query."""
    cards = []
    for workshop in workshops:
        venue = workshop.venue_name
        district = workshop.district.name if workshop.district_id else ""
        place = ", ".join(part for part in (venue, district) if part)
        cards.append(
            WorkshopCard(
                title=workshop.title,
                url=reverse("workshops:detail", args=[workshop.slug]),
                starts_at=workshop.first_starts_at,
                place=place,
                seats_left=max(workshop.capacity - workshop.seats_taken, 0),
            )
        )
    return cards


class UpcomingWorkshopsBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=80, required=False)
    count = blocks.IntegerBlock(
        label=_("Number of workshops"), default=WORKSHOPS_DEFAULT, min_value=1, max_value=WORKSHOPS_MAX
    )

    class Meta:
        icon = "date"
        label = _("Upcoming workshops")
        template = "cms/blocks/upcoming_workshops.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {"heading": "", "count": WORKSHOPS_DEFAULT}
        description = _("The next training workshops (published, soonest first), updated automatically.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        count = _workshop_count(value)
        preload = _preloaded(parent_context)
        cards = preload.workshops if preload is not None else upcoming_workshop_cards(count)
        context["workshops"] = cards[:count]
        context["all_url"] = reverse("workshops:list")
        context["default_heading"] = _("Upcoming workshops")
        return context


class SellCallToActionBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=300)
    button_text = blocks.CharBlock(label=_("Button text"), max_length=40)

    class Meta:
        icon = "pick"
        label = _("Sell on Pasar UMKM")
        template = "cms/blocks/sell_cta.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Punya usaha? Jualan di Pasar UMKM",
            "text": "Gratis buka toko, didampingi pelatih program.",
            "button_text": "Mulai berjualan",
        }
        description = _("Invites visitors to open a shop; the button leads to the seller sign-up.")

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        context["seller_url"] = seller_start_url()
        return context


def rich_text_block() -> blocks.RichTextBlock:
    return blocks.RichTextBlock(
        label=_("Text"),
        features=RICH_TEXT_FEATURES,
        template="cms/blocks/rich_text.html",
        preview_template=PREVIEW_TEMPLATE,
        preview_value="<h2>Kenapa belanja di Pasar UMKM?</h2><p>Produk asli dari usaha lokal.</p>",
        description=_("Formatted text with headings, lists and links."),
    )


class HomeBodyBlock(blocks.StreamBlock):
    """The home page's blocks."""

    hero = HeroBlock()
    featured_products = FeaturedProductsBlock()
    featured_shops = FeaturedShopsBlock()
    category_grid = CategoryGridBlock()
    newest_products = NewestProductsBlock()
    upcoming_workshops = UpcomingWorkshopsBlock()
    rich_text = rich_text_block()
    sell_cta = SellCallToActionBlock()


# --- Standard and news pages ----------------------------------------------------------------------------------


class FaqItemBlock(blocks.StructBlock):
    question = blocks.CharBlock(label=_("Question"), max_length=200)
    answer = blocks.RichTextBlock(label=_("Answer"), features=["bold", "italic", "link", "ol", "ul"])

    class Meta:
        icon = "help"
        label = _("Question and answer")


class FaqBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120, required=False)
    items = blocks.ListBlock(FaqItemBlock(), label=_("Questions"), min_num=1)

    class Meta:
        icon = "help"
        label = _("Frequently asked questions")
        template = "cms/blocks/faq.html"
        preview_template = PREVIEW_TEMPLATE
        preview_value = {
            "heading": "Pertanyaan umum",
            "items": [{"question": "Apakah buka toko gratis?", "answer": "<p>Ya, gratis.</p>"}],
        }
        description = _("Questions and answers; search engines read them as an FAQ.")

    def clean(self, value):
        value = super().clean(value)
        questions = [item["question"].strip().casefold() for item in value["items"]]
        if len(set(questions)) != len(questions):
            raise StructBlockValidationError(
                block_errors={"items": ValidationError(_("Each question may appear only once."))}
            )
        return value


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/image.html"


class StandardBodyBlock(blocks.StreamBlock):
    rich_text = rich_text_block()
    image = CaptionedImageBlock()
    faq = FaqBlock()


class ArticleBodyBlock(blocks.StreamBlock):
    rich_text = rich_text_block()
    image = CaptionedImageBlock()


# --- Navigation menu (site settings) ---------------------------------------------------------------------------


class NavigationLinkBlock(blocks.StructBlock):
    label = blocks.CharBlock(label=_("Label"), max_length=40)
    page = blocks.PageChooserBlock(label=_("Page"), required=False)
    url = blocks.CharBlock(
        label=_("Or a link"),
        required=False,
        max_length=300,
        help_text=_("A path on this site such as /kategori/kopi/, or a full address starting with https://."),
    )

    class Meta:
        icon = "link"
        label = _("Menu link")

    def clean(self, value):
        value = super().clean(value)
        url = (value.get("url") or "").strip()
        errors = {}
        if bool(value.get("page")) == bool(url):
            errors["url"] = ValidationError(_("Choose a page or enter a link, not both."))
        elif url and not (url.startswith("/") and not url.startswith("//")) and not url.startswith("https://"):
            errors["url"] = ValidationError(_("Enter a path starting with / or an address starting with https://."))
        if errors:
            raise StructBlockValidationError(block_errors=errors)
        return value

"""Reads of the shops app."""

import hashlib

from django.conf import settings
from django.db.models import Exists, ExpressionWrapper, F, FloatField, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import NullIf
from django.utils import timezone

from accounts.models import User
from accounts.selectors import OPERATOR_GROUP

from .models import (
    Category,
    District,
    Product,
    ProductImage,
    ProductVariant,
    Province,
    Regency,
    Shop,
    ShopInvitation,
    ShopMember,
    Village,
)

# --- Regions: the cascading choice of an address (province → regency → district → village) -----------


def province_list() -> QuerySet[Province]:
    return Province.objects.order_by("name", "code")


def province_exists(*, province_code: str) -> bool:
    return Province.objects.filter(code=province_code).exists()


def regency_list_for_province(*, province_code: str) -> QuerySet[Regency]:
    return Regency.objects.filter(province_id=province_code).order_by("name", "code")


def regency_exists(*, regency_code: str) -> bool:
    return Regency.objects.filter(code=regency_code).exists()


def district_list_for_regency(*, regency_code: str) -> QuerySet[District]:
    return District.objects.filter(regency_id=regency_code).order_by("name", "code")


def district_exists(*, district_code: str) -> bool:
    return District.objects.filter(code=district_code).exists()


def village_list_for_district(*, district_code: str) -> QuerySet[Village]:
    return Village.objects.filter(district_id=district_code).order_by("name", "code")


# --- Who may act ------------------------------------------------------------------------------------------


def user_is_operator(user) -> bool:
    """An operator runs the marketplace: a superuser, or an active member of the Operator group."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name=OPERATOR_GROUP).exists()


def operator_email_list() -> list[str]:
    """The addresses of every active operator (superusers and the Operator group), sorted, no duplicates."""
    users = User.objects.filter(Q(is_superuser=True) | Q(groups__name=OPERATOR_GROUP), is_active=True)
    return sorted(set(users.exclude(email="").values_list("email", flat=True)))


def shop_member_role(*, user, shop: Shop) -> str | None:
    """The user's role in the shop ("owner" or "staff"), or None for anyone else."""
    if user is None or not user.is_authenticated:
        return None
    return ShopMember.objects.filter(shop=shop, user=user).values_list("role", flat=True).first()


# --- Shops ------------------------------------------------------------------------------------------------

SHOP_ADDRESS_RELATIONS = ("province", "regency", "district", "village")


def shop_list_public() -> QuerySet[Shop]:
    """Shops the storefront, search and the public API may show: approved only, never draft, submitted,
    rejected or suspended. The address is joined, so a list costs one query whatever its length."""
    return Shop.objects.filter(status=Shop.Status.APPROVED).select_related(*SHOP_ADDRESS_RELATIONS).order_by("name")


def shop_get_public(*, slug: str) -> Shop | None:
    """The public shop with this slug, or None when there is none or it is not approved."""
    return shop_list_public().filter(slug=slug).first()


def shop_list_for_member(*, user) -> QuerySet[Shop]:
    """The shops the user owns or works in, by name."""
    if user is None or not user.is_authenticated:
        return Shop.objects.none()
    return Shop.objects.filter(members__user=user).select_related(*SHOP_ADDRESS_RELATIONS).order_by("name")


def seller_membership(*, user) -> ShopMember | None:
    """The membership a seller page or `/api/v1/seller/…` works on: the shop the user owns, else the first
    shop (by name) they are staff of; None for a user in no shop. Shop and address are loaded along (one query).
    No shop id ever comes from the client: this is how a seller reaches only their own shop."""
    if user is None or not user.is_authenticated:
        return None
    return (
        ShopMember.objects.filter(user=user)
        .select_related("shop", *(f"shop__{relation}" for relation in SHOP_ADDRESS_RELATIONS))
        .order_by("role", "shop__name")  # "owner" sorts before "staff"
        .first()
    )


def shop_get_for_member(*, user, shop_id: int) -> Shop | None:
    """The shop if the user is its owner or staff, whatever its status; None for anyone else (answer 404)."""
    return shop_list_for_member(user=user).filter(pk=shop_id).first()


def shop_list_for_review() -> QuerySet[Shop]:
    """Shops waiting for an operator, the longest-waiting first."""
    return (
        Shop.objects.filter(status=Shop.Status.SUBMITTED)
        .select_related(*SHOP_ADDRESS_RELATIONS)
        .order_by("submitted_at", "pk")
    )


def shop_get_for_operator(*, slug: str) -> Shop | None:
    """The shop with this slug whatever its status (operators review drafts, submitted and suspended shops
    too), or None. Call it only after checking `user_is_operator`."""
    return Shop.objects.filter(slug=slug).first()


def shop_owner(*, shop: Shop):
    """The owner's user, or None for a shop without one."""
    membership = ShopMember.objects.filter(shop=shop, role=ShopMember.Role.OWNER).select_related("user").first()
    return membership.user if membership else None


# --- Team: members and invitations ------------------------------------------------------------------------


def shop_member_list_for_team(*, shop: Shop) -> QuerySet[ShopMember]:
    """The shop's members for its team page: the owner first, then staff by joining date; users joined."""
    return ShopMember.objects.filter(shop=shop).select_related("user").order_by("role", "created_at", "pk")


def invitation_list_open_for_shop(*, shop: Shop) -> QuerySet[ShopInvitation]:
    """The shop's invitations neither accepted nor revoked, newest first. Expired ones stay listed (they can be
    sent again or cancelled)."""
    return ShopInvitation.objects.filter(shop=shop, accepted_at__isnull=True, revoked_at__isnull=True).order_by(
        "-created_at", "-pk"
    )


def invitation_token_hash(token: str) -> str:
    """The SHA-256 (hex) of an invitation token, as stored in `ShopInvitation.token_hash`."""
    return hashlib.sha256((token or "").encode()).hexdigest()


def invitation_get_by_token(*, token: str) -> ShopInvitation | None:
    """The invitation this link's token belongs to (shop joined), whatever its state; None for an unknown token."""
    if not token:
        return None
    return ShopInvitation.objects.select_related("shop").filter(token_hash=invitation_token_hash(token)).first()


# --- Categories -------------------------------------------------------------------------------------------


def category_tree() -> QuerySet[Category]:
    """Every category in tree order: each parent followed by its children, children by name.

    Each row has `depth` (1 = top level) for indentation."""
    return Category.get_tree()


def category_with_descendants(*, slug: str) -> QuerySet[Category]:
    """The category with this slug and everything below it, in tree order; empty for an unknown slug.

    Usable as `Product.objects.filter(category__in=category_with_descendants(slug=...))`."""
    path = Category.objects.filter(slug=slug).values_list("path", flat=True).first()
    if path is None:
        return Category.objects.none()
    return Category.objects.filter(path__startswith=path).order_by("path")


# --- Products ---------------------------------------------------------------------------------------------


def _main_image_prefetch() -> Prefetch:
    """`product.main_images`: a list with the main photo, or empty."""
    return Prefetch("images", queryset=ProductImage.objects.filter(is_main=True), to_attr="main_images")


def product_list_public() -> QuerySet[Product]:
    """Products the storefront, search and the public API may show: published (active), approved by
    moderation, with at least one active variant, of an approved shop (never draft, submitted, rejected or
    suspended). Newest first.

    Shop (with its district, which product cards show) and category are joined; `product.active_variants`
    (cheapest first) and `product.main_images` are prefetched, so a page costs three queries whatever its
    length."""
    active_variant = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
    return (
        Product.objects.filter(
            Exists(active_variant),
            status=Product.Status.ACTIVE,
            moderation=Product.Moderation.APPROVED,
            shop__status=Shop.Status.APPROVED,
        )
        .select_related("shop__district", "category")
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).order_by("price", "pk"),
                to_attr="active_variants",
            ),
            _main_image_prefetch(),
        )
        .order_by("-created_at", "-pk")
    )


def product_get_public(*, slug: str) -> Product | None:
    """The public product with this slug (as `product_list_public`, plus every photo in order as
    `product.ordered_images`), or None when there is none or it may not be shown."""
    return (
        product_list_public()
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images")
        )
        .filter(slug=slug)
        .first()
    )


def product_list_for_shop(*, user, shop_id: int) -> QuerySet[Product]:
    """Every product of the shop, in any status, for its owner and staff; empty for anyone else.

    Most recently changed first. Category joined; `product.variants.all()` and `product.main_images`
    prefetched: three queries whatever the number of products."""
    if user is None or not user.is_authenticated:
        return Product.objects.none()
    return (
        Product.objects.filter(shop_id=shop_id, shop__members__user=user)
        .select_related("shop", "category")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.order_by("pk")),
            _main_image_prefetch(),
        )
        .order_by("-updated_at", "-pk")
    )


def product_get_for_member(*, user, product_id: int) -> Product | None:
    """The product if the user is an owner or staff of its shop, whatever its status; None for anyone else
    (answer 404). Variants and every photo in order are prefetched."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Product.objects.filter(pk=product_id, shop__members__user=user)
        .select_related("shop", "category")
        .prefetch_related(
            Prefetch("variants", queryset=ProductVariant.objects.order_by("pk")),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images"),
        )
        .first()
    )


# --- Storefront: catalogue pages (category, product, shop) ------------------------------------------------

PRODUCT_SORTS = ("newest", "price_asc", "price_desc", "best_selling", "rating")
PRODUCT_BADGES = ("halal", "pirt", "nib")


def badge_q(badge: str, *, prefix: str = "shop__") -> Q:
    """The query-level twin of `Product.badges` for one badge code: the shop's legal data an operator
    verified (and a halal certificate not yet expired, today being the site's date). `prefix` is the path
    from the filtered model to the shop ("" to filter shops). Keep the two in step (a test compares them)."""
    if badge == "halal":
        return Q(
            **{
                f"{prefix}halal_verified_at__isnull": False,
                f"{prefix}halal_expires_on__gt": timezone.localdate(),
            }
        )
    if badge == "pirt":
        return Q(**{f"{prefix}pirt_verified_at__isnull": False}) & ~Q(**{f"{prefix}pirt_number": ""})
    if badge == "nib":
        return Q(**{f"{prefix}nib_verified_at__isnull": False}) & ~Q(**{f"{prefix}nib": ""})
    raise ValueError(f"Unknown badge {badge!r}")


def shop_badges(*, shop: Shop) -> list[str]:
    """The badges a shop shows: those its products show, from the one rule in `Product.badges`."""
    return Product(shop=shop).badges


def district_list_with_public_shops() -> QuerySet[District]:
    """Districts where at least one public (approved) shop is, by name: the district filter's choices."""
    public_shop_here = Shop.objects.filter(district=OuterRef("pk"), status=Shop.Status.APPROVED)
    return District.objects.filter(Exists(public_shop_here)).order_by("name", "code")


def category_get_with_family(*, slug: str) -> tuple[Category | None, list[Category], list[Category]]:
    """The category with this slug, its ancestors (top level first: breadcrumbs) and its descendants in tree
    order (itself excluded), in two queries; `(None, [], [])` for an unknown slug."""
    category = Category.objects.filter(slug=slug).first()
    if category is None:
        return None, [], []
    steplen = Category.steplen
    ancestor_paths = [category.path[:length] for length in range(steplen, len(category.path), steplen)]
    family = list(
        Category.objects.filter(Q(path__in=ancestor_paths) | Q(path__startswith=category.path))
        .exclude(pk=category.pk)
        .order_by("path")
    )
    ancestors = [node for node in family if node.depth < category.depth]
    descendants = [node for node in family if node.depth > category.depth]
    return category, ancestors, descendants


def category_ancestors(*, category: Category) -> list[Category]:
    """The category's ancestors, top level first (breadcrumbs); one query, none for a top-level category."""
    if category.depth <= 1:
        return []
    return list(category.get_ancestors())


def product_list_public_filtered(
    *,
    category_ids: list[int] | None = None,
    shop_id: int | None = None,
    min_price: int | None = None,
    max_price: int | None = None,
    district_code: str | None = None,
    badges: tuple[str, ...] | list[str] = (),
    in_stock: bool = False,
    sort: str = "newest",
) -> QuerySet[Product]:
    """The storefront's product lists (category and shop pages): `product_list_public` narrowed by the
    shopper's filters, in the chosen order. Every filter is optional; an unknown sort is "newest".

    - `min_price`/`max_price` (whole rupiah): some active variant is priced within the range.
    - `district_code`: the shop's district. `badges`: the shop has all of them (`badge_q`).
    - `in_stock`: some active variant has stock.
    - `sort`: "newest", "price_asc"/"price_desc" (by the cheapest active variant, the price a card shows
      first), "best_selling" and "rating" (`product_sort`).

    The shop's district is joined (cards show it); a page costs four queries with its count."""
    products = product_list_public()
    if category_ids is not None:
        products = products.filter(category_id__in=category_ids)
    if shop_id is not None:
        products = products.filter(shop_id=shop_id)
    if min_price is not None or max_price is not None:
        priced = ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True)
        if min_price is not None:
            priced = priced.filter(price__gte=min_price)
        if max_price is not None:
            priced = priced.filter(price__lte=max_price)
        products = products.filter(Exists(priced))
    if district_code:
        products = products.filter(shop__district_id=district_code)
    for badge in badges:
        products = products.filter(badge_q(badge))
    if in_stock:
        products = products.filter(
            Exists(ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True, stock__gt=0))
        )
    if sort in ("price_asc", "price_desc"):
        cheapest = (
            ProductVariant.objects.filter(product=OuterRef("pk"), is_active=True).order_by("price").values("price")[:1]
        )
        products = products.annotate(price_from=Subquery(cheapest))
        if sort == "price_asc":
            products = products.order_by("price_from", "-created_at", "-pk")
        else:
            products = products.order_by("-price_from", "-created_at", "-pk")
    elif sort in ("best_selling", "rating"):
        products = product_sort(products, sort)
    # "newest" (and anything unknown): `product_list_public`'s order.
    return products


def product_sort(products: QuerySet[Product], sort: str) -> QuerySet[Product]:
    """Order products by what shoppers bought and said, the newest first among equals (catalogue pages and the
    database search backend; the Elasticsearch backend sorts its documents the same way):

    - "best_selling": units sold in orders not cancelled (`sold_count`), most first.
    - "rating": the reviews' average (`rating_total / rating_count`), highest first, products without reviews
      last; equal averages by the number of reviews, most first.
    """
    if sort == "best_selling":
        return products.order_by("-sold_count", "-created_at", "-pk")
    if sort == "rating":
        average = ExpressionWrapper(F("rating_total") * 1.0 / NullIf(F("rating_count"), 0), output_field=FloatField())
        return products.annotate(rating_average_sort=average).order_by(
            F("rating_average_sort").desc(nulls_last=True), "-rating_count", "-created_at", "-pk"
        )
    raise ValueError(f"Unknown sort {sort!r}")


def product_get_public_for_page(*, slug: str) -> Product | None:
    """The public product with this slug for its page, or None when it may not be shown: as
    `product_get_public` (active variants cheapest first, every photo in order as `product.ordered_images`)
    with the shop's address joined for the shop card; `product.main_images` is taken from the ordered photos
    rather than queried again. Three queries."""
    product = (
        product_list_public()
        .select_related("shop__district", "shop__regency")
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "variants",
                queryset=ProductVariant.objects.filter(is_active=True).order_by("price", "pk"),
                to_attr="active_variants",
            ),
            Prefetch("images", queryset=ProductImage.objects.order_by("position", "pk"), to_attr="ordered_images"),
        )
        .filter(slug=slug)
        .first()
    )
    if product is not None:
        product.main_images = [image for image in product.ordered_images if image.is_main]
    return product


def product_get_no_longer_sold(*, slug: str) -> Product | None:
    """An archived product that was once public (approved by moderation, of a shop still approved): its page
    answers "no longer sold" (410) rather than 404. Category joined. None for anything else: a draft, pending
    or rejected product, or a shop that is not public, stays an ordinary 404."""
    return (
        Product.objects.filter(
            slug=slug,
            status=Product.Status.ARCHIVED,
            moderation=Product.Moderation.APPROVED,
            shop__status=Shop.Status.APPROVED,
        )
        .select_related("shop", "category")
        .first()
    )


def related_products(*, product: Product, limit: int = 8) -> list[Product]:
    """Up to `limit` other public products of the same category, newest first; three queries."""
    return list(product_list_public().filter(category_id=product.category_id).exclude(pk=product.pk)[:limit])


def shop_is_suspended(*, slug: str) -> bool:
    """True for a shop an operator suspended (its page explains it is unavailable rather than a bare 404)."""
    return Shop.objects.filter(slug=slug, status=Shop.Status.SUSPENDED).exists()


def commission_rates(*, shop: Shop, categories) -> dict[int, int]:
    """The platform's commission rate (basis points) on this shop's sales in each of `categories`, by category id:
    the shop's own rate if it has one, else the nearest rate set on the category or an ancestor, else
    `COMMISSION_DEFAULT_BASIS_POINTS`. At most one query, whatever the number of categories."""
    categories = list(categories)
    if shop.commission_basis_points is not None:
        return {category.pk: shop.commission_basis_points for category in categories}

    def lineage(category) -> list[str]:  # the paths of the root, ..., the category itself
        return [category.path[:end] for end in range(Category.steplen, len(category.path) + 1, Category.steplen)]

    prefixes = {path for category in categories for path in lineage(category)}
    rated = dict(
        Category.objects.filter(path__in=prefixes, commission_basis_points__isnull=False).values_list(
            "path", "commission_basis_points"
        )
        if prefixes
        else ()
    )
    rates = {}
    for category in categories:
        own = [rated[path] for path in lineage(category) if path in rated]
        rates[category.pk] = own[-1] if own else settings.COMMISSION_DEFAULT_BASIS_POINTS
    return rates

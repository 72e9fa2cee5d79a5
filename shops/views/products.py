"""Seller dashboard: the shop's products at /penjual/produk/ (names in the `seller` namespace).

Who: a verified user who is a member (owner or staff) of a shop; the shop is always `seller_membership`'s,
never an id from the client, and a product is loaded with `product_get_for_member` and must belong to that
shop (else 404). A user without a shop is sent to open one. Every change goes through the product and photo
services, which decide what is allowed (shop status included); their field errors come back on the forms.

- The list (`product-list`) searches and filters in the database, 20 products a page, in a constant number of
  queries. Each variant has a small price/stock form (`variant-quick-edit`): with htmx it swaps the product's
  row (answered with status 200 even for errors, because htmx 2 does not swap 4xx answers); without
  JavaScript it redirects back to the list with a message.
- Adding a product takes three screens. Screen 1 creates the draft product and its photo in one transaction
  (a refused photo leaves nothing behind); from then on the draft exists, so the seller can leave and come
  back (the list links drafts to screen 2). `product_create` needs a weight, so screen 1 asks for it; screen 2
  shows it again beside the description and the variants.
- Descriptions are stored as sanitised rich text; the textarea shows text with line breaks when the stored
  HTML is only paragraphs and breaks (what a phone's text box produces), else the HTML itself.
"""

from collections.abc import Callable
from functools import wraps

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from .. import product_forms
from ..errors import ProductStateError
from ..forms import add_service_errors
from ..images import validate_product_photo
from ..models import Product, ProductImage, ProductVariant, Shop, ShopMember
from ..models.product import ALT_TEXT_MAX_LENGTH, MAX_IMAGES_PER_PRODUCT
from ..photo_coach import ADVICE_MESSAGES
from ..selectors import (
    category_tree,
    product_get_for_member,
    product_list_for_shop,
    seller_membership,
)
from ..services.product_images import (
    product_image_add,
    product_image_describe,
    product_image_remove,
    product_image_reorder,
    product_image_set_main,
)
from ..services.products import (
    product_archive,
    product_create,
    product_publish,
    product_update,
    products_need_review,
    variant_add,
    variant_remove,
    variant_update,
)

PAGE_SIZE = 20
TEMPLATES = "shops/seller/products"
ADD_STEPS = {1: _("Photo & name"), 2: _("Details"), 3: _("Check & publish")}
VARIANT_PREFIX = "variants"


# --- Who may act ------------------------------------------------------------------------------------------


def seller_page(view: Callable) -> Callable:
    """Verified email, then the user's shop membership (passed to the view), else off to open a shop."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = seller_membership(user=request.user)
        if membership is None:
            return redirect("seller:start")
        return view(request, membership, *args, **kwargs)

    return verified_email_required(wrapper)


def _product_or_404(request: HttpRequest, membership: ShopMember, pk: int) -> Product:
    product = product_get_for_member(user=request.user, product_id=pk)
    if product is None or product.shop_id != membership.shop_id:
        raise Http404
    return product


def _refused(request: HttpRequest, shop: Shop, error: PermissionDenied) -> HttpResponse:
    message = error.args[0] if error.args else _("You cannot change this product.")
    return TemplateResponse(request, "shops/seller/refused.html", {"shop": shop, "message": message}, status=403)


def _safe_next(request: HttpRequest, default: str) -> str:
    """A `next` URL from the form, only when it is a page of this dashboard on this site."""
    candidate = request.POST.get("next") or ""
    allowed = url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    if allowed and candidate.split("?")[0] == reverse("seller:product-list"):
        return candidate
    return default


def _error_text(error: ValidationError) -> str:
    return " ".join(str(message) for message in error.messages)


# --- Helpers for pages ------------------------------------------------------------------------------------


def _image_src(image: ProductImage, rendition: str = "thumbnail") -> str:
    """The rendition once the background task made it, the normalised original until then."""
    field = getattr(image, rendition)
    return field.url if field else image.original.url


def _decorate_images(images: list[ProductImage]) -> list[ProductImage]:
    """Attach `src` and `advice` (the photo coach's messages) for the templates."""
    for image in images:
        image.src = _image_src(image)
        image.preview_src = _image_src(image, "card")
        image.advice = [ADVICE_MESSAGES[code] for code in image.coach_advice if code in ADVICE_MESSAGES]
    return images


def _quick_form(variant: ProductVariant, data=None) -> product_forms.VariantQuickEditForm:
    initial = {"price": variant.price, "stock": variant.stock}
    return product_forms.VariantQuickEditForm(data, initial=initial, auto_id=f"id_variant{variant.pk}_%s")


def _prepare_row(product: Product, *, bound: product_forms.VariantQuickEditForm | None = None, variant_pk=None):
    """Attach to each variant its quick-edit form (the posted one for `variant_pk`), and the main photo's src."""
    for variant in product.variants.all():
        variant.quick_form = bound if bound is not None and variant.pk == variant_pk else _quick_form(variant)
    main = product.main_images[0] if product.main_images else None
    product.thumbnail_src = _image_src(main) if main else ""


def _add_step_context(step: int, product: Product | None) -> dict:
    urls = {1: reverse("seller:product-add")}
    if product is not None:
        urls[2] = reverse("seller:product-add-details", args=[product.pk])
        urls[3] = reverse("seller:product-add-review", args=[product.pk])
    return {
        "step": step,
        "step_count": len(ADD_STEPS),
        "step_title": ADD_STEPS[step],
        "steps": [(number, title, urls.get(number)) for number, title in ADD_STEPS.items()],
    }


# --- The list and the quick edit --------------------------------------------------------------------------


@seller_page
@require_GET
def product_list(request: HttpRequest, membership: ShopMember) -> HttpResponse:
    """The shop's products, newest change first. "Out of stock" lists products with an active variant at 0
    (something to restock), "low stock" those with an active variant at 1 to `LOW_STOCK_THRESHOLD`."""
    shop = membership.shop
    filters = product_forms.ProductFilterForm(request.GET, categories=list(category_tree()))
    products = filters.filter(product_list_for_shop(user=request.user, shop_id=shop.pk))
    page = Paginator(products, PAGE_SIZE).get_page(request.GET.get("page"))
    for product in page.object_list:
        _prepare_row(product)
    context = {
        "shop": shop,
        "filters": filters,
        "page": page,
        "products": page.object_list,
        "filtered": any(filters.value(name) for name in ("q", "status", "category", "stock")),
        "next": request.get_full_path(),
    }
    return TemplateResponse(request, f"{TEMPLATES}/list.html", context)


@seller_page
@require_POST
def variant_quick_edit(request: HttpRequest, membership: ShopMember, pk: int, variant_pk: int) -> HttpResponse:
    product = _product_or_404(request, membership, pk)
    variant = next((variant for variant in product.variants.all() if variant.pk == variant_pk), None)
    if variant is None:
        raise Http404
    list_url = reverse("seller:product-list")
    next_url = _safe_next(request, list_url)
    form = _quick_form(variant, request.POST)
    saved = False
    if form.is_valid():
        try:
            variant_update(
                variant=variant, actor=request.user, price=form.cleaned_data["price"], stock=form.cleaned_data["stock"]
            )
        except PermissionDenied as error:
            return _refused(request, membership.shop, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            saved = True
    label = f"{product.title} · {variant.name}" if variant.name else product.title
    if request.htmx:
        row = product_list_for_shop(user=request.user, shop_id=membership.shop_id).filter(pk=product.pk).get()
        _prepare_row(row, bound=None if saved else form, variant_pk=variant_pk)
        context = {"product": row, "saved_variant_pk": variant_pk if saved else None, "next": next_url}
        return TemplateResponse(request, f"{TEMPLATES}/_row.html", context)
    if saved:
        messages.success(request, _("Saved: %(variant)s.") % {"variant": label})
    else:
        errors = " ".join(str(message) for field_errors in form.errors.values() for message in field_errors)
        messages.error(request, _("Not saved: %(variant)s. %(errors)s") % {"variant": label, "errors": errors})
    return redirect(next_url)


# --- Adding a product: three screens ----------------------------------------------------------------------


def _photo_errors(uploaded) -> list[ValidationError]:
    """The pipeline's refusal of an upload, without storing anything (for a screen whose other fields failed)."""
    if not uploaded:
        return []
    try:
        validated = validate_product_photo(uploaded)
    except ValidationError as error:
        return error.error_list
    validated.image.close()
    return []


@seller_page
@require_http_methods(["GET", "POST"])
def product_add(request: HttpRequest, membership: ShopMember) -> HttpResponse:
    """Screen 1: photo, name, category, price, stock (and weight) → a draft product with its main photo."""
    shop = membership.shop
    if request.method != "POST":
        form = product_forms.ProductStartForm()
        return TemplateResponse(
            request, f"{TEMPLATES}/add_start.html", {"shop": shop, "form": form, **_add_step_context(1, None)}
        )
    form = product_forms.ProductStartForm(request.POST, request.FILES)
    photo_judged = False
    if form.is_valid():
        data = form.cleaned_data
        with transaction.atomic():
            try:
                product = product_create(
                    shop=shop,
                    actor=request.user,
                    title=data["title"],
                    category=data["category"],
                    weight_grams=data["weight_grams"],
                    price=data["price"],
                    stock=data["stock"],
                )
            except PermissionDenied as error:
                return _refused(request, shop, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                photo_judged = True
                try:
                    product_image_add(product=product, actor=request.user, uploaded_file=data["image"])
                except ValidationError as error:
                    add_service_errors(form, error)
                    transaction.set_rollback(True)  # no draft without its photo
                else:
                    return redirect("seller:product-add-details", pk=product.pk)
    uploaded = request.FILES.get("image")
    if not photo_judged and uploaded is not None and "image" not in form.errors:
        # The other fields failed: tell about the photo now too, rather than after the next try.
        for error in _photo_errors(uploaded):
            form.add_error("image", error)
    context = {"shop": shop, "form": form, **_add_step_context(1, None)}
    return TemplateResponse(request, f"{TEMPLATES}/add_start.html", context, status=400)


def _variant_initial(product: Product) -> list[dict]:
    return [
        {"id": variant.pk, "name": variant.name, "sku": variant.sku, "price": variant.price, "stock": variant.stock}
        for variant in product.variants.all()
    ]


def _variant_formset(product: Product, data=None) -> product_forms.VariantFormSet:
    return product_forms.VariantFormSet(data, initial=_variant_initial(product), prefix=VARIANT_PREFIX)


def _save_variants(request: HttpRequest, product: Product, formset) -> bool:
    """Apply the variant rows through the services: additions first, then changes, then removals (so a
    product is never left without a variant on the way). Errors go on their rows; returns whether all went."""
    existing = {variant.pk: variant for variant in product.variants.all()}
    additions, changes, removals = [], [], []
    for form in formset.forms:
        data = form.cleaned_data
        if not data or form.is_blank_new_row():
            continue
        variant_id = data.get("id")
        if variant_id and variant_id not in existing:
            form.add_error(None, _("This variant no longer exists. Reload the page."))
        elif variant_id and data.get("DELETE"):
            removals.append((form, existing[variant_id]))
        elif variant_id:
            variant = existing[variant_id]
            values = {key: data[key] for key in ("name", "sku", "price", "stock")}
            changed = {key: value for key, value in values.items() if getattr(variant, key) != value}
            if changed:
                changes.append((form, variant, changed))
        elif not data.get("DELETE"):
            additions.append(form)
    ok = not any(form.errors for form in formset.forms)
    for form in additions:
        data = form.cleaned_data
        try:
            variant_add(
                product=product,
                actor=request.user,
                name=data["name"],
                sku=data["sku"],
                price=data["price"],
                stock=data["stock"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
            ok = False
    for form, variant, changed in changes:
        try:
            variant_update(variant=variant, actor=request.user, **changed)
        except ValidationError as error:
            add_service_errors(form, error)
            ok = False
    for form, variant in removals:
        try:
            variant_remove(variant=variant, actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
            ok = False
    return ok


def _save_product_and_variants(request: HttpRequest, product: Product, form, formset, fields: dict) -> bool:
    """One transaction: the product's fields and every variant row; on any error nothing is kept."""
    with transaction.atomic():
        ok = True
        try:
            product_update(product=product, actor=request.user, **fields)
        except ValidationError as error:
            add_service_errors(form, error)
            ok = False
        ok = _save_variants(request, product, formset) and ok
        if not ok:
            transaction.set_rollback(True)
    return ok


@seller_page
@require_http_methods(["GET", "POST"])
def product_add_details(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    """Screen 2: description, weight and variants (the first one made on screen 1, and new ones)."""
    product = _product_or_404(request, membership, pk)
    status = 200
    if request.method == "POST":
        form = product_forms.ProductDetailsForm(request.POST)
        formset = _variant_formset(product, request.POST)
        if form.is_valid() & formset.is_valid():
            fields = {
                "description": form.cleaned_data["description"],
                "weight_grams": form.cleaned_data["weight_grams"],
            }
            try:
                saved = _save_product_and_variants(request, product, form, formset, fields)
            except PermissionDenied as error:
                return _refused(request, membership.shop, error)
            if saved:
                if "add_variant" in request.POST:
                    return redirect(f"{reverse('seller:product-add-details', args=[product.pk])}#variants")
                return redirect("seller:product-add-review", pk=product.pk)
        status = 400
    else:
        initial = {
            "description": product_forms.description_as_text(product.description),
            "weight_grams": product.weight_grams,
        }
        form = product_forms.ProductDetailsForm(initial=initial)
        formset = _variant_formset(product)
    context = {"shop": membership.shop, "product": product, "form": form, "formset": formset}
    return TemplateResponse(
        request, f"{TEMPLATES}/add_details.html", context | _add_step_context(2, product), status=status
    )


def _publish(request: HttpRequest, product: Product) -> bool:
    """Publish and say what happens next; False (with an error message) when the service refused."""
    try:
        published = product_publish(product=product, actor=request.user)
    except (ValidationError, ProductStateError) as error:
        text = _error_text(error) if isinstance(error, ValidationError) else str(error.message)
        messages.error(request, text)
        return False
    if published.moderation == Product.Moderation.PENDING:
        messages.success(
            request,
            _("%(title)s is published and waits for an operator's check. It appears on the marketplace once approved.")
            % {"title": published.title},
        )
    elif product.shop.status != Shop.Status.APPROVED:
        messages.success(
            request,
            _("%(title)s is published. Buyers see it once your shop is approved.") % {"title": published.title},
        )
    else:
        messages.success(request, _("%(title)s is published and on sale.") % {"title": published.title})
    return True


@seller_page
@require_http_methods(["GET", "POST"])
def product_add_review(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    """Screen 3: a preview with the photo coach's advice; publish, or keep it as a draft."""
    product = _product_or_404(request, membership, pk)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "publish" and _publish(request, product):
                return redirect("seller:product-list")
        except PermissionDenied as error:
            return _refused(request, membership.shop, error)
        if action == "draft":
            messages.info(
                request,
                _("%(title)s is saved as a draft. Publish it from your product list when you are ready.")
                % {"title": product.title},
            )
            return redirect("seller:product-list")
        return redirect("seller:product-add-review", pk=product.pk)
    images = _decorate_images(product.ordered_images)
    context = {
        "shop": membership.shop,
        "product": product,
        "images": images,
        "main_image": next((image for image in images if image.is_main), images[0] if images else None),
        "variants": list(product.variants.all()),
        "needs_review": products_need_review(shop=membership.shop),
        "shop_approved": membership.shop.status == Shop.Status.APPROVED,
        "can_publish": product.status != Product.Status.ACTIVE,
    }
    return TemplateResponse(request, f"{TEMPLATES}/add_review.html", context | _add_step_context(3, product))


# --- Editing a product ------------------------------------------------------------------------------------


@seller_page
@require_http_methods(["GET", "POST"])
def product_edit(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    product = _product_or_404(request, membership, pk)
    status = 200
    if request.method == "POST":
        form = product_forms.ProductEditForm(request.POST)
        formset = _variant_formset(product, request.POST)
        if form.is_valid() & formset.is_valid():
            fields = {key: form.cleaned_data[key] for key in ("title", "category", "description", "weight_grams")}
            try:
                saved = _save_product_and_variants(request, product, form, formset, fields)
            except PermissionDenied as error:
                return _refused(request, membership.shop, error)
            if saved:
                messages.success(request, _("Changes saved."))
                return redirect("seller:product-edit", pk=product.pk)
        status = 400
    else:
        initial = {
            "title": product.title,
            "category": product.category_id,
            "description": product_forms.description_as_text(product.description),
            "weight_grams": product.weight_grams,
        }
        form = product_forms.ProductEditForm(initial=initial)
        formset = _variant_formset(product)
    images = _decorate_images(product.ordered_images)
    context = {
        "shop": membership.shop,
        "product": product,
        "form": form,
        "formset": formset,
        "images": images,
        "needs_review": products_need_review(shop=membership.shop),
    }
    return TemplateResponse(request, f"{TEMPLATES}/edit.html", context, status=status)


@seller_page
@require_POST
def product_publish_view(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    product = _product_or_404(request, membership, pk)
    try:
        _publish(request, product)
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    return redirect(_safe_next(request, reverse("seller:product-edit", args=[product.pk])))


@seller_page
@require_POST
def product_archive_view(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    product = _product_or_404(request, membership, pk)
    try:
        product_archive(product=product, actor=request.user)
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    except ProductStateError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            _("%(title)s is archived: buyers no longer see it. Publish it again at any time.")
            % {"title": product.title},
        )
    return redirect(_safe_next(request, reverse("seller:product-edit", args=[product.pk])))


# --- Photos -----------------------------------------------------------------------------------------------


@seller_page
@require_http_methods(["GET", "POST"])
def product_photos(request: HttpRequest, membership: ShopMember, pk: int) -> HttpResponse:
    """The product's photos in order: add one (camera or gallery), move, choose the main one, remove."""
    product = _product_or_404(request, membership, pk)
    status = 200
    if request.method == "POST":
        form = product_forms.ProductPhotoForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                image = product_image_add(product=product, actor=request.user, uploaded_file=form.cleaned_data["image"])
            except PermissionDenied as error:
                return _refused(request, membership.shop, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if image.coach_advice:
                    messages.warning(request, _("Photo added. See the tips below to make it even better."))
                else:
                    messages.success(request, _("Photo added."))
                return redirect("seller:product-photos", pk=product.pk)
        status = 400
    else:
        form = product_forms.ProductPhotoForm()
    images = _decorate_images(product.ordered_images)
    context = {
        "shop": membership.shop,
        "product": product,
        "form": form,
        "images": images,
        "max_images": MAX_IMAGES_PER_PRODUCT,
        "alt_text_max_length": ALT_TEXT_MAX_LENGTH,
        "can_add": len(images) < MAX_IMAGES_PER_PRODUCT,
    }
    return TemplateResponse(request, f"{TEMPLATES}/photos.html", context, status=status)


PHOTO_ACTIONS = ("up", "down", "main", "remove")


@seller_page
@require_POST
def product_photo_action(
    request: HttpRequest, membership: ShopMember, pk: int, image_pk: int, action: str
) -> HttpResponse:
    """Move a photo one place up or down, make it the main photo, or remove it; back to the photos page."""
    if action not in PHOTO_ACTIONS:
        raise Http404
    product = _product_or_404(request, membership, pk)
    images = list(product.ordered_images)
    index = next((index for index, image in enumerate(images) if image.pk == image_pk), None)
    if index is None:
        raise Http404
    image = images[index]
    try:
        if action in ("up", "down"):
            target = index - 1 if action == "up" else index + 1
            if 0 <= target < len(images):
                images[index], images[target] = images[target], images[index]
                product_image_reorder(product=product, actor=request.user, image_ids=[each.pk for each in images])
                messages.success(request, _("Photo moved."))
        elif action == "main":
            product_image_set_main(image=image, actor=request.user)
            messages.success(request, _("This is now the main photo, shown first to buyers."))
        else:
            product_image_remove(image=image, actor=request.user)
            messages.success(request, _("Photo removed."))
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    return redirect(f"{reverse('seller:product-photos', args=[product.pk])}#photos")


@seller_page
@require_POST
def product_photo_describe(request: HttpRequest, membership: ShopMember, pk: int, image_pk: int) -> HttpResponse:
    """Save what a photo shows (its alt text for shoppers who cannot see it); back to the photos page."""
    product = _product_or_404(request, membership, pk)
    image = next((image for image in product.ordered_images if image.pk == image_pk), None)
    if image is None:
        raise Http404
    try:
        product_image_describe(image=image, actor=request.user, alt_text=request.POST.get("alt_text", ""))
    except PermissionDenied as error:
        return _refused(request, membership.shop, error)
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, _("Photo description saved."))
    return redirect(f"{reverse('seller:product-photos', args=[product.pk])}#photo-{image.pk}")

"""Review pages: the shopper's `/pesanan/<number>/ulasan/` (namespace `orders_reviews`) and the seller's
`/penjual/ulasan/` (namespace `orders_seller_reviews`).

- **Shopper**: one form per line of the order's delivered or completed shop orders (stars and a text), the lines
  already reviewed with the review and the seller's reply. Only the buyer's own order (404 for anyone else's). A
  guest (not signed in) is told that reviews need an account: guest orders have no author to show.
- **Seller**: the reviews of the shop `shops.selectors.seller_membership` finds (no shop id from the client),
  newest first, with a reply form under each unanswered one; a review of another shop is a 404.
- Every action is a plain form post followed by a redirect; a refused one shows why and changes nothing.
"""

from allauth.account.decorators import verified_email_required
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods, require_POST

from shops.selectors import seller_membership

from ..errors import OrderStateError
from ..forms.reviews import ReplyForm, ReviewForm
from ..selectors.reviews import (
    order_get_for_reviews,
    order_line_get_for_buyer,
    review_get_for_shop,
    review_list_for_shop,
    reviewable_lines_for_order,
)
from ..services.reviews import review_create, review_reply

REVIEW_SAVED_MESSAGE = _("Thank you! Your review of %(product)s is published.")
REPLY_SAVED_MESSAGE = _("Your reply is published under the review.")
SELLER_PAGE_SIZE = 20


def _review_form(line_id: int, data=None) -> ReviewForm:
    return ReviewForm(data, initial={"line": line_id}, auto_id=f"review-{line_id}-%s")


@require_http_methods(["GET", "POST"])
def order_reviews(request: HttpRequest, number: str) -> HttpResponse:
    """`orders_reviews:order`: review the products of a delivered order."""
    if not request.user.is_authenticated:
        return TemplateResponse(request, "orders/reviews/guest.html", {"number": number}, status=403)
    order = order_get_for_reviews(user=request.user, number=number)
    if order is None:
        raise Http404
    bound: ReviewForm | None = None
    status = 200
    if request.method == "POST":
        line = order_line_get_for_buyer(order=order, user=request.user, line_id=request.POST.get("line"))
        if line is None:
            raise Http404
        bound = _review_form(line.pk, request.POST)
        if bound.is_valid():
            try:
                review_create(
                    order_line=line,
                    user=request.user,
                    rating=bound.cleaned_data["rating"],
                    text=bound.cleaned_data["text"],
                )
            except (OrderStateError, PermissionDenied) as error:
                messages.error(request, getattr(error, "message", None) or str(error))
                return redirect("orders_reviews:order", number=order.number)
            except ValidationError as error:
                bound.add_service_errors(error)
            else:
                messages.success(request, REVIEW_SAVED_MESSAGE % {"product": line.title})
                return redirect(f"{reverse('orders_reviews:order', args=[order.number])}#line-{line.pk}")
        status = 400
    items = []
    for item in reviewable_lines_for_order(order=order, user=request.user):
        form = None
        if item.can_review:
            form = bound if bound is not None and bound["line"].value() == str(item.line.pk) else None
            form = form or _review_form(item.line.pk)
        items.append({"line": item.line, "shop": item.shop, "review": item.review, "form": form})
    context = {"order": order, "items": items}
    return TemplateResponse(request, "orders/reviews/order.html", context, status=status)


def _seller_page(request: HttpRequest, membership, *, bound=None, status: int = 200) -> HttpResponse:
    shop = membership.shop
    page = Paginator(review_list_for_shop(shop=shop), SELLER_PAGE_SIZE).get_page(request.GET.get("page"))
    entries = []
    for review in page.object_list:
        form = None
        if review.replied_at is None:
            if bound is not None and bound[0] == review.pk:
                form = bound[1]
            else:
                form = ReplyForm(auto_id=f"reply-{review.pk}-%s")
        entries.append({"review": review, "form": form})
    context = {"shop": shop, "page": page, "entries": entries}
    return TemplateResponse(request, "orders/reviews/seller_list.html", context, status=status)


@verified_email_required
def seller_reviews(request: HttpRequest) -> HttpResponse:
    """`orders_seller_reviews:list`: the shop's reviews, newest first, a reply form under each unanswered one."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    return _seller_page(request, membership)


@verified_email_required
@require_POST
def seller_reply(request: HttpRequest, review_id: int) -> HttpResponse:
    """`orders_seller_reviews:reply`: answer one of the shop's reviews, once (404 for another shop's)."""
    membership = seller_membership(user=request.user)
    if membership is None:
        return redirect("seller:start")
    review = review_get_for_shop(shop=membership.shop, review_id=review_id)
    if review is None:
        raise Http404
    form = ReplyForm(request.POST, auto_id=f"reply-{review.pk}-%s")
    if form.is_valid():
        try:
            review_reply(review=review, user=request.user, text=form.cleaned_data["text"])
        except (OrderStateError, PermissionDenied) as error:
            messages.error(request, getattr(error, "message", None) or str(error))
            return redirect("orders_seller_reviews:list")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, REPLY_SAVED_MESSAGE)
            return redirect(f"{reverse('orders_seller_reviews:list')}#review-{review.pk}")
    return _seller_page(request, membership, bound=(review.pk, form), status=400)

"""The seller API (DESIGN §9): `/api/v1/seller/shop/`, `seller/shop/submit/`, `seller/products/` and its
variants and photos. The signed-in user's shop is `selectors.seller_membership` (the shop they own, else the
first they are staff of); no shop id ever comes from the client.

Decisions:

- **Who**: anonymous → 401 (`X-Session-Token` is named in `WWW-Authenticate`); a user in no shop → 404 with a
  detail saying so. The shop profile and its submission are the owner's (staff: GET only, 403 on PATCH and
  submit, checked here before the input is read and again by the services). Products, variants and photos
  are managed by owner and staff alike. A product or photo of another shop is a plain 404, never a 403, so
  ids of other shops cannot be probed.
- **Errors**: field errors of the services come back as 400 under the same field names (errors of the new
  variants of a product under `variants` by index, `{"variants": {"1": {"sku": [...]}}}`, as DRF reports list
  items; the photo order under `ids`; non-field errors under `non_field_errors`); a state that forbids the
  action (`ShopStateError`, `ProductStateError`) is 409 with the service's message; the services' own
  `PermissionDenied` message is kept in the 403 (the last three by the project's exception handler,
  `marketplace.core.api.exceptions`). Input is parsed by small serializers (types only: a
  non-integer price gets the same message as in the services); every rule about values (ranges, duplicate
  SKU, required title) is the services', so the API and the dashboard agree.
  A refused request changes nothing: several service calls of one request share one transaction.
- **DELETE `seller/products/{id}/` archives** (`product_archive`, answered with the archived product): there
  is no delete service, and past orders will point at products. Publish again with `.../publish/`.
- **Vacation** is the `closed_until` field of `PATCH seller/shop/` (a date sets it, null opens the shop again),
  through `shops.services.vacation`; unlike the profile it may change in any shop status.
- **Logo and banner** are multipart file fields of `PATCH seller/shop/`, checked and normalised by the product
  photo pipeline (`shops.images`) as in the wizard; null clears one. Old files are left in storage.
- **Photos**: `POST seller/products/{id}/images/` (multipart `image`) answers the stored photo with the photo
  coach's advice (`code` and a message in the request's language). A request whose body is larger than the
  upload limit is refused from its `Content-Length` before Django spools it to disk, with the pipeline's
  "too large" message. `PATCH seller/products/{id}/images/{image_id}/ {"alt_text"}` describes a photo for
  shoppers who cannot see it.
- **Queries**: `GET seller/products/` costs the same number of queries for 1 or 24 products (authentication,
  membership, count, page, variants, main photos).
- **Schema**: `status` and `moderation` are enums (`ShopStatusEnum`, `ProductStatusEnum`,
  `ProductModerationEnum`, named in `SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"]`).

Modules: `common` (base view, messages, limits), `outputs` (output serializers shared by the endpoints),
`shop`, `products` (products and variants), `images` (photos). `shops.seller_api_urls` imports the views from
here.
"""

from .common import NO_SHOP_MESSAGE, NO_SUCH_CATEGORY_MESSAGE, NO_VARIANTS_MESSAGE, OWNER_ONLY_MESSAGE, SellerApi
from .images import SellerImageDetailApi, SellerImageListApi, SellerImageMainApi, SellerImageOrderApi
from .products import (
    SellerProductDetailApi,
    SellerProductListApi,
    SellerProductPublishApi,
    SellerVariantDetailApi,
    SellerVariantListApi,
)
from .shop import SellerShopApi, SellerShopSubmitApi

__all__ = [
    "NO_SHOP_MESSAGE",
    "NO_SUCH_CATEGORY_MESSAGE",
    "NO_VARIANTS_MESSAGE",
    "OWNER_ONLY_MESSAGE",
    "SellerApi",
    "SellerImageDetailApi",
    "SellerImageListApi",
    "SellerImageMainApi",
    "SellerImageOrderApi",
    "SellerProductDetailApi",
    "SellerProductListApi",
    "SellerProductPublishApi",
    "SellerShopApi",
    "SellerShopSubmitApi",
    "SellerVariantDetailApi",
    "SellerVariantListApi",
]

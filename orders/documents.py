"""Printable documents of a shop order, as PDF (fpdf2, pure Python): the invoice and the packing slip.

- `invoice_pdf(shop_order=...)`: for the shopper, the seller and operators. The invoice number is the shop
  order's number: each shop invoices its own part of an order.
- `packing_slip_pdf(shop_order=...)`: for the seller to put in or on the parcel: the recipient's address in
  large type, what to pack (SKU and quantity) and the shopper's note. No prices.

Labels are translated into the active language (the view's request language). fpdf2's built-in fonts
cover Latin-1 only and no Unicode font ships with an installed package, so text is reduced to Latin-1
(`latin1_text`): typographic quotes and dashes become ASCII, accents that Latin-1 lacks are dropped, and
anything else becomes "?". Indonesian is written in the Latin alphabet, so names and addresses survive.

Who may read them is decided here too (`shop_order_for_invoice`, `shop_order_for_packing_slip`): the
buyer (or a guest holding the order's signed link), the shop's members, operators; the packing slip only
the shop's members and operators. Anyone else gets None, which the views answer with 404.
"""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.enums import XPos, YPos

from marketplace.core.money import format_rupiah
from marketplace.core.pdf import latin1_text
from shops.models import ShopMember

from .models import Order, ShopOrder
from .selectors.orders import order_get_for_guest

OPERATOR_PERMISSION = "payments.confirm_bank_transfer"
FONT = "helvetica"
ORDER_ADDRESS_RELATIONS = ("order__province", "order__regency", "order__district", "order__village")
SHOP_ADDRESS_RELATIONS = ("shop__province", "shop__regency", "shop__district", "shop__village")


# --- Who may read what --------------------------------------------------------------------------------


def _shop_order_queryset():
    return ShopOrder.objects.select_related(
        "order", "order__buyer", "shop", *ORDER_ADDRESS_RELATIONS, *SHOP_ADDRESS_RELATIONS
    ).prefetch_related("lines")


def user_is_order_operator(user) -> bool:
    """Operators who handle payments (`payments.confirm_bank_transfer`) and superusers see every order."""
    return bool(user and user.is_authenticated and (user.is_superuser or user.has_perm(OPERATOR_PERMISSION)))


def _is_shop_member(user, shop_order: ShopOrder) -> bool:
    return bool(
        user
        and user.is_authenticated
        and ShopMember.objects.filter(shop_id=shop_order.shop_id, user_id=user.pk).exists()
    )


def order_token_valid(*, order: Order, token: str) -> bool:
    """Whether `token` is the signed key of guest order `order` (the `?t=` of the links mailed to a guest,
    `orders.selectors.orders.order_access_token`). Orders of a signed-in buyer never open with a key."""
    if not token or order.buyer_id is not None:
        return False
    found = order_get_for_guest(number=order.number, token=token)
    return found is not None and found.pk == order.pk


def shop_order_for_invoice(*, user, number: str, token: str = "") -> ShopOrder | None:
    """The shop order `number` when `user` may read its invoice, else None (unknown or not allowed alike).

    Allowed: the order's buyer; anyone holding the guest order's signed key `token`; the shop's members;
    operators."""
    shop_order = _shop_order_queryset().filter(number=number).first()
    if shop_order is None:
        return None
    order = shop_order.order
    if user is not None and user.is_authenticated and order.buyer_id == user.pk:
        return shop_order
    if order_token_valid(order=order, token=token):
        return shop_order
    if _is_shop_member(user, shop_order) or user_is_order_operator(user):
        return shop_order
    return None


def shop_order_for_packing_slip(*, user, number: str) -> ShopOrder | None:
    """The shop order `number` when `user` is a member of its shop or an operator, else None."""
    shop_order = _shop_order_queryset().filter(number=number).first()
    if shop_order is None:
        return None
    if _is_shop_member(user, shop_order) or user_is_order_operator(user):
        return shop_order
    return None


# --- Text helpers -------------------------------------------------------------------------------------


def _datetime(value) -> str:
    if value is None:
        return "-"
    local = timezone.localtime(value, ZoneInfo(settings.TIME_ZONE))
    return f"{formats.date_format(local, 'j F Y H:i')} WITA"


def _address_lines(owner) -> list[str]:
    """The lines of an address held by an order or a shop (street, village, district, regency, province)."""
    regions = [
        region.name
        for region in (getattr(owner, "village", None), getattr(owner, "district", None), owner.regency)
        if region is not None
    ]
    lines = [owner.street_address] if owner.street_address else []
    if regions:
        lines.append(", ".join(regions))
    last = " ".join(part for part in (owner.province.name if owner.province else "", owner.postal_code) if part)
    if last:
        lines.append(last)
    return lines


def _payment_status(shop_order: ShopOrder) -> str:
    if shop_order.status in (ShopOrder.Status.CANCELLED, ShopOrder.Status.REFUNDED):
        return str(shop_order.get_status_display())
    if shop_order.paid_at is not None:
        return _("Paid on %(date)s") % {"date": _datetime(shop_order.paid_at)}
    if shop_order.order.payment_method == "cod":
        return _("To be paid in cash on delivery")
    return _("Awaiting payment")


# --- PDF building -------------------------------------------------------------------------------------


class _Document(FPDF):
    """A4 portrait with the platform's name on top and page numbers at the bottom."""

    def __init__(self, *, title: str, number: str):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.document_title = latin1_text(title)
        self.document_number = latin1_text(number)
        self.set_title(f"{self.document_title} {self.document_number}")
        self.set_author(latin1_text(settings.WAGTAIL_SITE_NAME))
        self.set_creator(latin1_text(settings.WAGTAIL_SITE_NAME))
        self.set_auto_page_break(auto=True, margin=18)
        self.set_margins(15, 15, 15)
        self.add_page()

    def header(self):
        self.set_font(FONT, "B", 16)
        self.cell(0, 8, latin1_text(settings.WAGTAIL_SITE_NAME), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 12)
        self.cell(0, 6, f"{self.document_title} {self.document_number}", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(3)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        page = latin1_text(_("Page %(page)s") % {"page": self.page_no()})
        self.cell(0, 6, page, align="C")

    def heading(self, text: str):
        self.ln(2)
        self.set_font(FONT, "B", 11)
        self.cell(0, 6, latin1_text(text), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, "", 10)

    def lines(self, lines: list[str], *, size: int = 10, height: float = 5):
        self.set_font(FONT, "", size)
        for line in lines:
            self.multi_cell(0, height, latin1_text(line), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def pairs(self, pairs: list[tuple[str, str]]):
        self.set_font(FONT, "", 10)
        for label, value in pairs:
            self.set_font(FONT, "B", 10)
            self.cell(45, 5, latin1_text(label))
            self.set_font(FONT, "", 10)
            self.multi_cell(0, 5, latin1_text(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def rows(self, header: list[str], rows: list[list[str]], *, widths: tuple[int, ...], right_aligned: set[int]):
        self.set_font(FONT, "", 9)
        with self.table(
            col_widths=widths,
            text_align=tuple("RIGHT" if index in right_aligned else "LEFT" for index in range(len(widths))),
            line_height=5,
            first_row_as_headings=True,
        ) as table:
            heading = table.row()
            for text in header:
                heading.cell(latin1_text(text))
            for values in rows:
                row = table.row()
                for text in values:
                    row.cell(latin1_text(text))

    def to_bytes(self) -> bytes:
        return bytes(self.output())


def _order_lines(shop_order: ShopOrder):
    return list(shop_order.lines.all())


def invoice_pdf(*, shop_order: ShopOrder) -> bytes:
    """The invoice of one shop's part of an order, as PDF bytes, labels in the active language.

    Shows the platform, the invoice number (the shop order's number) and the order's, the dates, the seller's
    name and address, the buyer and the shipping address, the lines (title, variant, quantity, unit price,
    total), the shipping fee and the total, the payment method and its status. Reads the shop order's
    relations if they were not loaded with it."""
    order = shop_order.order
    shop = shop_order.shop
    pdf = _Document(title=_("Invoice"), number=shop_order.number)

    pdf.pairs(
        [
            (_("Invoice number"), shop_order.number),
            (_("Order number"), order.number),
            (_("Order date"), _datetime(order.created_at)),
            (_("Invoice date"), _datetime(shop_order.paid_at or order.created_at)),
        ]
    )
    pdf.heading(_("Seller"))
    pdf.lines([shop.name, *_address_lines(shop), *([shop.whatsapp] if getattr(shop, "whatsapp", "") else [])])
    pdf.heading(_("Buyer"))
    pdf.lines([order.recipient_name, order.email, str(order.phone)])
    pdf.heading(_("Shipping address"))
    pdf.lines([f"{order.recipient_name} ({order.phone})", *_address_lines(order)])

    pdf.heading(_("Items"))
    pdf.rows(
        [_("Product"), _("Variant"), _("Qty"), _("Unit price"), _("Total")],
        [
            [
                line.title,
                line.variant_name or "-",
                str(line.quantity),
                format_rupiah(line.unit_price),
                format_rupiah(line.line_total),
            ]
            for line in _order_lines(shop_order)
        ],
        widths=(70, 35, 15, 30, 30),
        right_aligned={2, 3, 4},
    )
    pdf.ln(2)
    pdf.pairs(
        [
            (_("Subtotal"), format_rupiah(shop_order.subtotal)),
            (_("Shipping"), f"{format_rupiah(shop_order.shipping_fee)} ({shop_order.shipping_name})"),
            (_("Total"), format_rupiah(shop_order.total)),
        ]
    )
    pdf.heading(_("Payment"))
    pdf.pairs(
        [
            (_("Payment method"), str(order.get_payment_method_display())),
            (_("Payment status"), _payment_status(shop_order)),
            (_("Order status"), str(shop_order.get_status_display())),
        ]
    )
    return pdf.to_bytes()


def packing_slip_pdf(*, shop_order: ShopOrder) -> bytes:
    """The packing slip of one shop order, as PDF bytes: the recipient's address in large type, the sender,
    the shipping choice with courier and tracking number if any, what to pack (SKU, product, quantity) and
    the shopper's note. No prices."""
    order = shop_order.order
    shop = shop_order.shop
    pdf = _Document(title=_("Packing slip"), number=shop_order.number)

    pdf.heading(_("Ship to"))
    pdf.set_font(FONT, "B", 18)
    pdf.multi_cell(0, 9, latin1_text(order.recipient_name), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.lines([str(order.phone), *_address_lines(order)], size=15, height=7.5)

    pdf.heading(_("From"))
    pdf.lines([shop.name, *_address_lines(shop), *([shop.whatsapp] if getattr(shop, "whatsapp", "") else [])])

    pdf.heading(_("Shipment"))
    shipment = [
        (_("Order number"), shop_order.number),
        (_("Order date"), _datetime(order.created_at)),
        (_("Shipping"), shop_order.shipping_name),
    ]
    if shop_order.courier:
        shipment.append((_("Courier"), shop_order.courier))
    if shop_order.tracking_number:
        shipment.append((_("Tracking number"), shop_order.tracking_number))
    pdf.pairs(shipment)

    pdf.heading(_("Items to pack"))
    lines = _order_lines(shop_order)
    pdf.rows(
        [_("SKU"), _("Product"), _("Variant"), _("Qty")],
        [[line.sku, line.title, line.variant_name or "-", str(line.quantity)] for line in lines],
        widths=(40, 85, 35, 20),
        right_aligned={3},
    )
    pdf.ln(1)
    pdf.pairs([(_("Total units"), str(sum(line.quantity for line in lines)))])

    if shop_order.note_to_seller:
        pdf.heading(_("Note from the shopper"))
        pdf.lines([shop_order.note_to_seller])
    return pdf.to_bytes()

"""The daily reconciliation (/cms/rekonsiliasi/ and its CSV) on a hand-built day, against figures computed by hand:
a bank transfer with a unique code, a cash-on-delivery order, a refund, a payout paid, a Stripe event without a
payment (a difference, shown in red), and a transfer confirmed the evening before (another day in WITA)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine

from orders.models import ShopOrder
from orders.services.fulfilment import shop_order_mark_delivered, shop_order_ship
from payments.models import PaymentEvent, Payout
from payments.selectors_operator import reconciliation_for_day, report_default_day
from payments.services.payouts import payout_batch_create, payout_batch_export, payout_mark_paid
from payments.services.refunds import refund_create
from tests.orders.builders import cart_with, place, shop_with_shipping, variant_of

from .conftest import complete_shop_order, give_bank_account, paid_bank_shop_order, shop_owner_user

pytestmark = pytest.mark.django_db

WITA = ZoneInfo("Asia/Makassar")
DAY = datetime.date(2026, 3, 10)
PAGE = "/cms/rekonsiliasi/"


def at(hour: int, minute: int = 0, day: datetime.date = DAY) -> datetime.datetime:
    return datetime.datetime(day.year, day.month, day.day, hour, minute, tzinfo=WITA)


def cod_shop_order(*, price: int, fee: int = 10_000, commission: int = 1_000) -> ShopOrder:
    from tests.factories.accounts import VerifiedUserFactory

    shop, flat, _pickup = shop_with_shipping(fee=fee, cash_on_delivery=True, commission_basis_points=commission)
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant_of(shop, price=price), 1)], user=buyer)
    order = place(cart, buyer=buyer, shipping={shop.pk: flat.pk}, payment_method="cod").order
    return ShopOrder.objects.select_related("order", "shop").get(order=order)


@pytest.fixture
def the_day(money_operator):
    """Everything that happened on DAY (and the evening before), built through the services."""
    # The evening before, 23:00 WITA: a transfer of Rp 30.005 (30.000 + code 5), paid but never completed.
    with time_machine.travel(at(23, 0, DAY - datetime.timedelta(days=1)), tick=True):
        paid_bank_shop_order(price=20_000, quantity=1, code=5, operator=money_operator)
    # 00:30 WITA (still 9 March in UTC): Rp 40.417 = 2 x 15.000 + 10.000 shipping + code 417; commission 10%.
    with time_machine.travel(at(0, 30), tick=True):
        transfer, _payment = paid_bank_shop_order(price=15_000, quantity=2, code=417, operator=money_operator)
    # 08:00: the transfer's parcel is received; cash on delivery of Rp 35.000 is collected at 09:00.
    with time_machine.travel(at(8, 0), tick=True):
        transfer = complete_shop_order(transfer)
        cash = cod_shop_order(price=25_000)
    with time_machine.travel(at(9, 0), tick=True):
        owner = shop_owner_user(cash.shop)
        shop_order_ship(shop_order=cash, user=owner, courier="Kurir toko", tracking_number="LOCAL-1")
        shop_order_mark_delivered(shop_order=cash, user=owner)
        # A Stripe checkout session completed for Rp 50.000 with no payment behind it: a difference.
        PaymentEvent.objects.create(
            provider="stripe",
            event_id="evt_orphan",
            kind="checkout.session.completed",
            payload={"id": "evt_orphan", "data": {"object": {"amount_total": 5_000_000, "currency": "idr"}}},
        )
    # 11:00: an operator refunds Rp 5.000 of the transfer by bank (commission returned: 375).
    with time_machine.travel(at(11, 0), tick=True):
        refund_create(
            shop_order=transfer,
            amount=5_000,
            reason="Satu barang penyok",
            user=money_operator,
            actor="operator",
            manual_note="BRI 0099",
        )
    # 12:00: the shop is paid out its Rp 32.375 (40.000 - 3.000 - 5.000 + 375) and the bank confirms.
    with time_machine.travel(at(12, 0), tick=True):
        give_bank_account(transfer.shop)
        batch = payout_batch_create(operator=money_operator)
        payout_batch_export(batch=batch, operator=money_operator)
        payout_mark_paid(payout=Payout.objects.get(batch=batch), operator=money_operator, reference="TRX")
    return transfer, cash


def figures(report) -> dict:
    return {
        method.method: {row.key: (row.amount, row.count, row.expected) for row in method.rows}
        for method in report.methods
    }


def test_the_days_figures_match_the_hand_computed_ones(the_day, django_assert_num_queries):
    with django_assert_num_queries(11):
        report = reconciliation_for_day(day=DAY)

    assert figures(report) == {
        "bank_transfer": {
            "orders_paid": (40_000, 1, None),
            "provider_total": (40_417, 1, None),
            "unique_codes": (417, None, None),
            "provider_net": (40_000, None, 40_000),
            "ledger_sales": (40_000, None, 40_000),
            "commission": (3_000, None, None),
            "refunds": (5_000, 1, None),
            "refunds_by_platform": (5_000, None, None),
            "ledger_refunds": (5_000, None, 5_000),
        },
        "stripe": {
            "orders_paid": (0, 0, None),
            "provider_total": (0, 0, None),
            "provider_net": (0, None, 0),
            "stripe_events": (50_000, 1, 0),
            "ledger_sales": (0, None, 0),
            "commission": (0, None, None),
            "refunds": (0, 0, None),
            "refunds_by_platform": (0, None, None),
            "ledger_refunds": (0, None, 0),
        },
        "cod": {
            "orders_paid": (35_000, 1, None),
            "provider_total": (35_000, 1, None),
            "provider_net": (35_000, None, 35_000),
            "commission": (2_500, None, None),
            "refunds": (0, 0, None),
            "refunds_by_platform": (0, None, None),
            "ledger_refunds": (0, None, 0),
        },
    }
    assert [method.matches for method in report.methods] == [True, False, True]
    assert (report.payouts_paid, report.payouts_paid_count) == (32_375, 1)
    platform = report.platform
    # Received 40.417 + 30.005; balances: 0 (paid out) + 28.000 (the evening's shop, pending) - 2.500 (COD
    # commission owed); commission kept 2.625 + 2.000 + 2.500; codes 417 + 5.
    assert (platform.received, platform.refunds_paid, platform.payouts_paid) == (70_422, 5_000, 32_375)
    assert (platform.shop_balances, platform.commission_kept, platform.unique_codes) == (25_500, 7_125, 422)
    assert (platform.payouts_in_progress, platform.held, platform.accounted_for) == (0, 33_047, 33_047)
    assert platform.matches


def test_the_evening_before_is_its_own_day(the_day):
    report = reconciliation_for_day(day=DAY - datetime.timedelta(days=1))

    assert figures(report)["bank_transfer"]["provider_total"] == (30_005, 1, None)
    assert figures(report)["bank_transfer"]["orders_paid"] == (30_000, 1, None)
    assert report.payouts_paid == 0


def test_the_page_shows_the_figures_and_the_difference_in_red(the_day, money_client):
    response = money_client.get(PAGE, {"date": "2026-03-10"})

    assert response.status_code == 200
    assert response.context["report"].day == DAY
    html = response.content.decode()
    assert 'data-row="bank_transfer:provider_total"' in html
    assert 'data-difference="50000"' in html  # the orphan Stripe event
    assert html.count("data-difference=") == 1
    assert 'data-platform="held">Rp 33.047<' in html
    assert 'data-platform="accounted_for">Rp 33.047<' in html
    assert f'href="{PAGE}csv/?date=2026-03-10"' in html


def test_the_csv_has_the_same_figures(the_day, money_client):
    response = money_client.get(f"{PAGE}csv/", {"date": "2026-03-10"})

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="rekonsiliasi-2026-03-10.csv"'
    day = "2026-03-10"
    expected = [
        "date,method,item,amount,count,expected,difference",
        f"{day},bank_transfer,orders_paid,40000,1,,",
        f"{day},bank_transfer,provider_total,40417,1,,",
        f"{day},bank_transfer,unique_codes,417,,,",
        f"{day},bank_transfer,provider_net,40000,,40000,0",
        f"{day},bank_transfer,ledger_sales,40000,,40000,0",
        f"{day},bank_transfer,commission,3000,,,",
        f"{day},bank_transfer,refunds,5000,1,,",
        f"{day},bank_transfer,refunds_by_platform,5000,,,",
        f"{day},bank_transfer,ledger_refunds,5000,,5000,0",
        f"{day},stripe,orders_paid,0,0,,",
        f"{day},stripe,provider_total,0,0,,",
        f"{day},stripe,provider_net,0,,0,0",
        f"{day},stripe,stripe_events,50000,1,0,50000",
        f"{day},stripe,ledger_sales,0,,0,0",
        f"{day},stripe,commission,0,,,",
        f"{day},stripe,refunds,0,0,,",
        f"{day},stripe,refunds_by_platform,0,,,",
        f"{day},stripe,ledger_refunds,0,,0,0",
        f"{day},cod,orders_paid,35000,1,,",
        f"{day},cod,provider_total,35000,1,,",
        f"{day},cod,provider_net,35000,,35000,0",
        f"{day},cod,commission,2500,,,",
        f"{day},cod,refunds,0,0,,",
        f"{day},cod,refunds_by_platform,0,,,",
        f"{day},cod,ledger_refunds,0,,0,0",
        f"{day},all,payouts_paid,32375,1,,",
        f"{day},platform,received,70422,,,",
        f"{day},platform,refunds_paid,5000,,,",
        f"{day},platform,payouts_paid,32375,,,",
        f"{day},platform,shop_balances,25500,,,",
        f"{day},platform,commission_kept,7125,,,",
        f"{day},platform,unique_codes,422,,,",
        f"{day},platform,payouts_in_progress,0,,,",
        f"{day},platform,held,33047,,33047,0",
    ]
    assert response.content.decode().split("\r\n") == [*expected, ""]


def test_without_a_date_the_report_is_yesterday_in_wita(money_client):
    # 01:00 WITA on 11 March is still 10 March in UTC: yesterday is 10 March.
    with time_machine.travel(at(1, 0, DAY + datetime.timedelta(days=1)), tick=False):
        assert report_default_day() == DAY
        response = money_client.get(PAGE)
        csv_response = money_client.get(f"{PAGE}csv/")

    assert response.context["report"].day == DAY
    assert csv_response["Content-Disposition"] == 'attachment; filename="rekonsiliasi-2026-03-10.csv"'


def test_a_bad_date_shows_the_error_and_yesterday(money_client):
    response = money_client.get(PAGE, {"date": "10/03/2026"})

    assert response.status_code == 200
    assert response.context["form"].errors["date"]
    assert response.context["report"].day == report_default_day()

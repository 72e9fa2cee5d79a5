"""Two operators acting on the same shop at once: the row lock lets exactly one of them act (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection

from shops.errors import ShopStateError
from shops.models import Shop
from shops.services import shops as services  # the module that looks the lock helper up
from tests.factories.accounts import SuperuserFactory
from tests.factories.shops import ShopFactory

READ_TO_WRITE_PAUSE = 0.3


class SlowRead:
    """Stands in for the shop queryset: reads the row, then pauses, so a rival read happens before our write."""

    def __init__(self, queryset):
        self.queryset = queryset

    def get(self, **lookup):
        shop = self.queryset.get(**lookup)
        time.sleep(READ_TO_WRITE_PAUSE)
        return shop


def race_approve_and_reject(shop: Shop) -> list[str]:
    operators = [SuperuserFactory(), SuperuserFactory()]
    outcomes: list[str] = []
    start = threading.Barrier(2)

    def approve():
        start.wait()
        try:
            services.shop_approve(shop=shop, operator=operators[0])
            outcomes.append("approved")
        except ShopStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    def reject():
        start.wait()
        time.sleep(READ_TO_WRITE_PAUSE / 3)  # the approval reads first
        try:
            services.shop_reject(shop=shop, operator=operators[1], reason="Data belum lengkap.")
            outcomes.append("rejected")
        except ShopStateError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=approve), threading.Thread(target=reject)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return sorted(outcomes)


@pytest.mark.django_db(transaction=True)
def test_without_the_lock_two_operators_would_both_act(postgres, monkeypatch):
    monkeypatch.setattr(services, "shop_qs_select_for_update", lambda: SlowRead(Shop.objects.all()))
    shop = ShopFactory(status="submitted")

    assert race_approve_and_reject(shop) == ["approved", "rejected"]


@pytest.mark.django_db(transaction=True)
def test_with_the_lock_only_the_first_operator_acts(postgres, monkeypatch):
    real = services.shop_qs_select_for_update
    monkeypatch.setattr(services, "shop_qs_select_for_update", lambda: SlowRead(real()))
    shop = ShopFactory(status="submitted")

    assert race_approve_and_reject(shop) == ["approved", "refused"]

    shop.refresh_from_db()
    assert (shop.status, shop.status_reason) == ("approved", "")

"""Fixtures the workshops tests share with other folders: the operator and their client (tests/payments), and the
demo seeded once per module and rolled back (tests/shops/test_demo_catalogue.py)."""

from tests.payments.conftest import operator, operator_client  # noqa: F401
from tests.shops.test_demo_catalogue import demo, seeded  # noqa: F401

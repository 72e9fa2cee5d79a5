"""Onboarding progress (workshops.selectors): each participant's step derived from real data built through the
shops, payments and orders services, never ticked by hand; the unbroken-run rule, "since", stuck days, the funnel,
and a constant number of queries whatever the cohort's size."""

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import User
from orders.models import ShippingOption, ShopOrder
from payments.models import PayoutAccount
from shops.models import ProductImage, Shop, ShopMember
from shops.services import shop_approve, shop_create, shop_submit
from tests.factories.accounts import UserFactory, VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ProductFactory, ProductImageFactory, ShopFactory
from tests.orders.builders import cart_with, place, variant_of
from tests.payments.conftest import give_bank_account, make_operator
from tests.payments.money import pay, ship
from tests.workshops.helpers import trainer, workshop
from workshops.models import Registration
from workshops.selectors import (
    STEP_KEYS,
    STUCK_AFTER_DAYS,
    participant_progress,
    progress_for_registrations,
    progress_funnel,
)
from workshops.services import registration_cancel, registration_create

pytestmark = pytest.mark.django_db


class Cohort:
    """Participants of one workshop brought to a given step through the real services."""

    def __init__(self, *, capacity=40):
        self.workshop = workshop(capacity=capacity, trainers=[trainer()])
        self._operator = None

    @property
    def operator(self):
        if self._operator is None:
            self._operator = make_operator()
        return self._operator

    def participant(self, step: str, *, name: str | None = None) -> User:
        """A new participant registered for the workshop, at `step` (one of STEP_KEYS)."""
        index = STEP_KEYS.index(step)
        factory = UserFactory if index == 0 else VerifiedUserFactory
        user = factory(**({"full_name": name} if name else {}))
        registration_create(workshop=self.workshop, user=user)
        if index >= 2:
            self.advance(user, step)
        return user

    def advance(self, user: User, step: str) -> Shop:
        index = STEP_KEYS.index(step)
        if index == 2:
            return shop_create(owner=user, name=f"Toko {user.pk}")
        shop = ShopFactory(owner=user)  # a draft with a complete profile, ready to submit
        shop = shop_submit(shop=shop, actor=user)
        if index >= 4:
            shop = shop_approve(shop=shop, operator=self.operator)
        if index >= 5:
            ProductImageFactory(product=ProductFactory(shop=shop, variant=None), is_main=True)
        if index >= 6:
            give_bank_account(shop)
        if index >= 7:
            shop_order = order_for(shop)
            if index >= 8:
                pay(shop_order.order, operator=self.operator)
                ship(shop_order)
        return shop


def order_for(shop) -> ShopOrder:
    """A shopper places an order with `shop` through checkout (bank transfer, awaiting payment)."""
    flat = ShippingOption.objects.create(shop=shop, kind="flat", name="JNE Reguler", fee=10_000, position=0)
    buyer = VerifiedUserFactory()
    cart = cart_with([(variant_of(shop, price=20_000), 1)], user=buyer)
    order = place(cart, buyer=buyer, shipping={shop.pk: flat.pk}).order
    return ShopOrder.objects.get(order=order, shop=shop)


def rows_by_user(item) -> dict[int, object]:
    return {row.registration.user_id: row for row in participant_progress(workshop=item)}


# --- Every step ----------------------------------------------------------------------------------------


def test_each_participant_is_at_the_step_their_real_data_reached():
    cohort = Cohort()
    people = {step: cohort.participant(step) for step in STEP_KEYS}

    rows = participant_progress(workshop=cohort.workshop)

    # Registration order, one row per seated participant.
    assert [row.registration.user_id for row in rows] == [people[step].pk for step in STEP_KEYS]
    assert [row.step for row in rows] == STEP_KEYS
    assert [row.step_index for row in rows] == list(range(len(STEP_KEYS)))
    for row in rows:
        # Every step up to the participant's is reached, none after it.
        assert [key for key, moment in row.reached.items() if moment is not None] == STEP_KEYS[: row.step_index + 1]
        assert row.finished is (row.step == "order_shipped")
    assert rows[-1].next_step_label == ""
    assert rows[0].next_step_label == rows[1].step_label
    # The shop's name from "shop created" on; its link only once approved; the district from the shop.
    assert [bool(row.shop_name) for row in rows] == [False, False] + [True] * 7
    assert [bool(row.shop_slug) for row in rows] == [False] * 4 + [True] * 5
    assert rows[8].district == "Kuta Utara"
    assert rows[0].name == people["registered"].full_name


def test_a_participant_without_a_name_is_shown_as_participant_never_by_their_address():
    cohort = Cohort()
    user = UserFactory(full_name="", email="wayan.tani@contoh.id")
    registration_create(workshop=cohort.workshop, user=user, answers={})
    (row,) = participant_progress(workshop=cohort.workshop)
    assert (row.step, row.name, row.shop_name, row.district) == ("registered", gettext("Participant"), "", "")
    assert "wayan" not in row.name


def test_only_seated_participants_are_listed_unless_asked():
    cohort = Cohort(capacity=1)
    seated = cohort.participant("email_verified")
    waiting = cohort.participant("email_verified")
    gone = VerifiedUserFactory()
    registration_cancel(registration=registration_create(workshop=cohort.workshop, user=gone), user=gone)
    assert [row.registration.user_id for row in participant_progress(workshop=cohort.workshop)] == [seated.pk]
    both = participant_progress(
        workshop=cohort.workshop, statuses=(Registration.Status.REGISTERED, Registration.Status.WAITLISTED)
    )
    assert {row.registration.user_id for row in both} == {seated.pk, waiting.pk}


def test_progress_for_registrations_reads_any_list_of_registrations():
    cohort = Cohort()
    approved = cohort.participant("shop_approved")
    verified = cohort.participant("email_verified")
    registrations = list(
        Registration.objects.filter(user__in=[verified, approved]).select_related("user").order_by("-pk")
    )
    rows = progress_for_registrations(registrations)
    assert [(row.registration.user_id, row.step) for row in rows] == [
        (verified.pk, "email_verified"),
        (approved.pk, "shop_approved"),
    ]
    assert progress_for_registrations([]) == []


# --- The unbroken run, and "since" ---------------------------------------------------------------------


def test_a_step_reached_out_of_order_does_not_count_until_the_ones_before_it_are_reached():
    cohort = Cohort()
    user = cohort.participant("email_verified")
    shop = ShopFactory(owner=user)  # a draft with a complete profile
    # A bank account and a product photo on a shop still in draft: the run stops at "shop created".
    give_bank_account(shop)
    ProductImageFactory(product=ProductFactory(shop=shop, variant=None))

    (row,) = participant_progress(workshop=cohort.workshop)
    assert row.step == "shop_created"
    assert row.reached["payout_set"] is not None
    assert row.reached["product_with_photo"] is not None
    assert row.since == max(row.reached[key] for key in STEP_KEYS[:3])

    # Submitted and approved: the run now goes on through the photo and the payout account.
    shop_submit(shop=shop, actor=user)
    shop_approve(shop=shop, operator=cohort.operator)
    (row,) = participant_progress(workshop=cohort.workshop)
    assert row.step == "payout_set"


def test_a_payout_account_without_complete_bank_details_is_not_a_payout_method():
    cohort = Cohort()
    user = cohort.participant("product_with_photo")
    shop = Shop.objects.get(members__user=user)
    PayoutAccount.objects.create(shop=shop, bank_name="BRI", account_number="", account_holder="")
    assert participant_progress(workshop=cohort.workshop)[0].step == "product_with_photo"
    PayoutAccount.objects.filter(shop=shop).update(
        stripe_account_id="acct_123", stripe_payouts_enabled=True, updated_at=timezone.now()
    )
    assert participant_progress(workshop=cohort.workshop)[0].step == "payout_set"


def test_since_is_the_latest_time_of_the_unbroken_run():
    cohort = Cohort()
    user = cohort.participant("payout_set")
    shop = Shop.objects.get(members__user=user)
    now = timezone.now()
    days_ago = {key: now - timedelta(days=days) for key, days in [("joined", 60), ("registered", 40)]}
    User.objects.filter(pk=user.pk).update(date_joined=days_ago["joined"])
    Registration.objects.filter(user=user).update(created_at=days_ago["registered"])
    Shop.objects.filter(pk=shop.pk).update(
        created_at=now - timedelta(days=50),  # before registering: the registration is later
        submitted_at=now - timedelta(days=35),
        reviewed_at=now - timedelta(days=30),
    )
    ProductImage.objects.filter(product__shop=shop).update(created_at=now - timedelta(days=25))
    # An image added later does not move "first product with a photo".
    ProductImageFactory(product=ProductFactory(shop=shop, variant=None))
    PayoutAccount.objects.filter(shop=shop).update(updated_at=now - timedelta(days=20))

    (row,) = participant_progress(workshop=cohort.workshop)

    assert row.step == "payout_set"
    assert row.reached["email_verified"] == days_ago["joined"]
    assert row.reached["registered"] == days_ago["registered"]
    assert row.reached["product_with_photo"] == now - timedelta(days=25)
    assert row.since == now - timedelta(days=20)
    assert row.stuck_days == 20
    assert row.stuck is True

    # Without the photo the run breaks at "shop approved": the later payout account does not move "since".
    ProductImage.objects.filter(product__shop=shop).delete()
    (row,) = participant_progress(workshop=cohort.workshop)
    assert row.step == "shop_approved"
    assert row.since == now - timedelta(days=30)
    assert row.stuck_days == 30


# --- Stuck days ----------------------------------------------------------------------------------------


def test_stuck_days_count_whole_days_at_the_step_and_nobody_is_stuck_at_the_finish():
    cohort = Cohort()
    waiting = cohort.participant("shop_submitted")
    finished = cohort.participant("order_shipped")

    rows = rows_by_user(cohort.workshop)
    assert (rows[waiting.pk].stuck_days, rows[waiting.pk].stuck) == (0, False)

    with time_machine.travel(timezone.now() + timedelta(days=STUCK_AFTER_DAYS, hours=1), tick=False):
        rows = rows_by_user(cohort.workshop)
        assert (rows[waiting.pk].stuck_days, rows[waiting.pk].stuck) == (STUCK_AFTER_DAYS, False)

    with time_machine.travel(timezone.now() + timedelta(days=STUCK_AFTER_DAYS + 1, hours=1), tick=False):
        rows = rows_by_user(cohort.workshop)
        assert (rows[waiting.pk].stuck_days, rows[waiting.pk].stuck) == (STUCK_AFTER_DAYS + 1, True)
        assert rows[finished.pk].finished is True
        assert (rows[finished.pk].stuck_days, rows[finished.pk].stuck) == (0, False)


def test_moving_a_step_resets_the_days_stuck():
    cohort = Cohort()
    user = cohort.participant("email_verified")
    shop = ShopFactory(owner=user)  # a draft with a complete profile
    long_ago = timezone.now() - timedelta(days=29)
    Registration.objects.filter(user=user).update(created_at=long_ago - timedelta(days=1))
    User.objects.filter(pk=user.pk).update(date_joined=long_ago - timedelta(days=2))
    Shop.objects.filter(pk=shop.pk).update(created_at=long_ago)
    row = rows_by_user(cohort.workshop)[user.pk]
    assert (row.step, row.stuck_days, row.stuck) == ("shop_created", 29, True)

    shop_submit(shop=shop, actor=user)

    row = rows_by_user(cohort.workshop)[user.pk]
    assert (row.step, row.stuck_days, row.stuck) == ("shop_submitted", 0, False)


# --- Funnel --------------------------------------------------------------------------------------------


def test_the_funnel_counts_everyone_who_reached_each_step_at_least():
    cohort = Cohort()
    for step in ("registered", "email_verified", "shop_created", "shop_created", "shop_approved"):
        cohort.participant(step)
    rows = participant_progress(workshop=cohort.workshop)

    funnel = progress_funnel(rows)

    assert [entry["key"] for entry in funnel] == STEP_KEYS
    assert [entry["count"] for entry in funnel] == [5, 4, 3, 1, 1, 0, 0, 0, 0]
    assert [entry["percent"] for entry in funnel] == [100, 80, 60, 20, 20, 0, 0, 0, 0]
    assert all(entry["label"] for entry in funnel)
    assert [(entry["count"], entry["percent"]) for entry in progress_funnel([])] == [(0, 0)] * len(STEP_KEYS)


def test_funnel_percentages_are_rounded():
    cohort = Cohort()
    for step in ("email_verified", "registered", "registered"):
        cohort.participant(step)
    funnel = progress_funnel(participant_progress(workshop=cohort.workshop))
    assert [entry["percent"] for entry in funnel[:3]] == [100, 33, 0]


# --- Which shop ----------------------------------------------------------------------------------------


def test_a_staff_member_who_owns_no_shop_follows_the_shop_they_work_in():
    cohort = Cohort()
    user = cohort.participant("email_verified")
    shop = ApprovedShopFactory(name="Kopi Kintamani Pak Nyoman")
    ShopMember.objects.create(shop=shop, user=user, role=ShopMember.Role.STAFF)

    (row,) = participant_progress(workshop=cohort.workshop)
    assert (row.step, row.shop_name, row.shop_slug) == ("shop_approved", "Kopi Kintamani Pak Nyoman", shop.slug)

    # Once they open a shop of their own, that one is theirs (even though the staff membership is older).
    own = shop_create(owner=user, name="Tenun Ikat Bu Komang")
    (row,) = participant_progress(workshop=cohort.workshop)
    assert (row.step, row.shop_name, row.shop_slug) == ("shop_created", own.name, "")


# --- Queries -------------------------------------------------------------------------------------------


def test_the_number_of_queries_does_not_grow_with_the_cohort():
    small, large = Cohort(), Cohort()
    for step in ("registered", "shop_approved", "order_shipped"):
        small.participant(step)
    for step in [*STEP_KEYS, "email_verified", "shop_created", "shop_submitted", "product_with_photo", "payout_set"]:
        large.participant(step)
    staff = large.participant("email_verified")
    ShopMember.objects.create(shop=ApprovedShopFactory(), user=staff, role=ShopMember.Role.STAFF)

    with CaptureQueriesContext(connection) as few:
        small_rows = participant_progress(workshop=small.workshop)
        [(row.step, row.name, row.shop_name, row.district, row.since) for row in small_rows]
    with CaptureQueriesContext(connection) as many:
        large_rows = participant_progress(workshop=large.workshop)
        [(row.step, row.name, row.shop_name, row.district, row.since) for row in large_rows]

    assert (len(small_rows), len(large_rows)) == (3, 15)
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(few.captured_queries) == 6, [query["sql"] for query in few.captured_queries]

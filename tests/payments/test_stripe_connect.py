"""Stripe Connect onboarding of a shop: only its owner, one Stripe account per shop, a fresh link each time."""

import pytest
from django.core.exceptions import PermissionDenied

from payments.errors import ProviderError
from payments.models import PayoutAccount
from payments.services.connect import stripe_connect_onboarding_url
from tests.factories.accounts import VerifiedUserFactory
from tests.factories.shops import ApprovedShopFactory, ShopMemberFactory

pytestmark = pytest.mark.django_db

URLS = {"refresh_url": "http://testserver/penjual/saldo/stripe/", "return_url": "http://testserver/penjual/saldo/"}


def test_the_owner_gets_an_onboarding_link_and_the_account_is_created_once(fake_stripe):
    shop = ApprovedShopFactory()
    owner = shop.members.get(role="owner").user

    first = stripe_connect_onboarding_url(shop=shop, user=owner, **URLS)
    second = stripe_connect_onboarding_url(shop=shop, user=owner, **URLS)

    account = PayoutAccount.objects.get(shop=shop)
    assert account.stripe_account_id in fake_stripe.accounts
    assert len(fake_stripe.requests_to("POST /v1/accounts")) == 1
    [request] = fake_stripe.requests_to("POST /v1/accounts")
    assert request.params["email"] == owner.email
    assert request.idempotency_key == f"connect-account:shop:{shop.pk}"
    links = fake_stripe.requests_to("POST /v1/account_links")
    assert [link.params["account"] for link in links] == [account.stripe_account_id] * 2
    assert links[0].params["refresh_url"] == URLS["refresh_url"]
    assert links[0].params["return_url"] == URLS["return_url"]
    assert first != second  # links are single-use: a fresh one each time
    assert first.startswith(f"{fake_stripe.url}/onboarding/{account.stripe_account_id}")


def test_staff_and_strangers_are_refused_and_nothing_is_created(fake_stripe):
    shop = ApprovedShopFactory()
    for user in (ShopMemberFactory(shop=shop).user, VerifiedUserFactory()):
        with pytest.raises(PermissionDenied):
            stripe_connect_onboarding_url(shop=shop, user=user, **URLS)
    assert not PayoutAccount.objects.filter(shop=shop).exists()
    assert fake_stripe.requests == []


def test_a_refused_account_creation_stores_nothing(fake_stripe):
    shop = ApprovedShopFactory()
    owner = shop.members.get(role="owner").user
    fake_stripe.fail_next("POST /v1/accounts", status=400, error={"type": "invalid_request_error", "message": "No."})
    with pytest.raises(ProviderError):
        stripe_connect_onboarding_url(shop=shop, user=owner, **URLS)
    assert PayoutAccount.objects.get(shop=shop).stripe_account_id is None


def test_connect_switched_off(fake_stripe, settings):
    settings.STRIPE_CONNECT_ENABLED = False
    shop = ApprovedShopFactory()
    with pytest.raises(ProviderError):
        stripe_connect_onboarding_url(shop=shop, user=shop.members.get(role="owner").user, **URLS)
    assert fake_stripe.requests == []

from io import StringIO

import pytest
from allauth.account.models import EmailAddress
from django.core.management import CommandError, call_command
from wagtail.models import Page, Site

from accounts.models import User
from cms.demo import DEMO_ACCOUNTS, DEMO_PASSWORD
from cms.models import HomePage
from shops.models import Category, District, Province, Regency, Village


def run_seed(**options) -> str:
    out = StringIO()
    options.setdefault("catalogue", False)  # shops and products: tests/shops/test_demo_catalogue.py
    call_command("seed_demo", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_seed_demo_creates_one_verified_account_per_role_and_prints_logins():
    output = run_seed(force=True)

    assert User.objects.count() == 4
    for account in DEMO_ACCOUNTS:
        user = User.objects.get(email=account.email)
        assert user.check_password(DEMO_PASSWORD)
        assert user.full_name == account.full_name
        assert str(user.phone) == account.phone
        assert EmailAddress.objects.filter(user=user, email=account.email, verified=True, primary=True).count() == 1
        assert account.email in output
    assert DEMO_PASSWORD in output
    assert "http://127.0.0.1:8000/cms/" in output
    operator = User.objects.get(email="operator@pasarumkm.test")
    assert operator.has_perm("wagtailadmin.access_admin")
    assert not User.objects.get(email="pembeli@pasarumkm.test").has_perm("wagtailadmin.access_admin")


@pytest.mark.django_db
def test_seed_demo_makes_an_indonesian_home_page_the_site_root():
    run_seed(force=True)

    home = HomePage.objects.get()
    site = Site.objects.get(is_default_site=True)
    assert site.root_page_id == home.pk
    assert home.live
    assert home.body[0].value["heading"] == "Belanja langsung dari UMKM Badung"
    # Wagtail's own welcome page is replaced, not left dangling.
    assert Page.objects.filter(depth=2).count() == 1


@pytest.mark.django_db
def test_seed_demo_twice_duplicates_nothing():
    run_seed(force=True)
    counts = (User.objects.count(), EmailAddress.objects.count(), Page.objects.count(), Site.objects.count())

    run_seed(force=True)

    assert (User.objects.count(), EmailAddress.objects.count(), Page.objects.count(), Site.objects.count()) == counts
    # Pages: root, home, about, how to sell, FAQ, news index and its two articles, the open data page.
    assert counts == (4, 4, 9, 1)


@pytest.mark.django_db
def test_seed_demo_restores_the_printed_password_if_someone_changed_it():
    run_seed(force=True)
    user = User.objects.get(email="penjual@pasarumkm.test")
    user.set_password("something-else-entirely")
    user.save()

    run_seed(force=True)

    user.refresh_from_db()
    assert user.check_password(DEMO_PASSWORD)


@pytest.mark.django_db
def test_seed_demo_refuses_to_run_with_debug_off_unless_forced(settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG is off"):
        run_seed()

    assert User.objects.count() == 0
    assert HomePage.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_seed_demo_works_on_a_flushed_database():
    call_command("flush", interactive=False, verbosity=0)
    assert Page.objects.count() == 0

    run_seed(force=True)

    home = HomePage.objects.get()
    assert Site.objects.get(is_default_site=True).root_page_id == home.pk
    assert home.get_parent().depth == 1
    assert User.objects.count() == 4


@pytest.mark.django_db
def test_seed_demo_loads_regions_and_categories_once():
    run_seed(force=True)
    run_seed(force=True)

    assert (Province.objects.count(), Regency.objects.count()) == (38, 514)
    assert Category.objects.count() == 18
    assert District.objects.filter(regency__province_id="51").count() == 57
    assert Village.objects.filter(district__regency__province_id="51").count() == 716

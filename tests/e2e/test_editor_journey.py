"""Issue 4's "done means" for editors, on a 1280 px laptop: an operator changes the home page's hero banner in
the Wagtail admin (/cms/) and publishes it; a visitor who had the old home page open (in Indonesian at / and in
English at /en/) sees the new banner as soon as they reload, although the storefront serves anonymous visitors
from its page cache (marketplace/core/pagecache.py, switched on for journeys by conftest.py): publishing must
invalidate it. Screenshots of every step are kept in tests/e2e/artifacts/editor-<step>.png (git-ignored)."""

import re

import pytest
from playwright.sync_api import expect

from cms.demo import HOME_BODY, seed_home_page, seed_operator_group
from cms.models import HomePage
from marketplace.core.pagecache import HEADER as PAGE_CACHE_HEADER
from tests.factories.accounts import VerifiedUserFactory

from .conftest import ARTIFACTS_DIR

LAPTOP_VIEWPORT = {"width": 1280, "height": 900}
OPERATOR_EMAIL = "editor.e2e@pasarumkm.test"
OPERATOR_PASSWORD = "operator-rahasia-2026"
OLD_HERO = HOME_BODY[0]["value"]
NEW_HEADING = "Oleh-oleh khas Badung, langsung dari dapur penjualnya"
NEW_BUTTON_TEXT = "Lihat semua produk"


def field_label(text: str) -> re.Pattern:
    """A form label however the template decorates it: "Kata sandi", "Kata sandi:", "Kata sandi *"."""
    return re.compile(rf"^{re.escape(text)}\W*$")


def screenshot(page, step: str) -> None:
    ARTIFACTS_DIR.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS_DIR / f"editor-{step}.png"), full_page=True)


def load(page, url: str | None = None) -> str | None:
    """Open `url` (reload the page without one) as a visitor does; what the page cache says about the answer."""
    response = page.goto(url) if url else page.reload()
    assert response.status == 200
    return response.header_value(PAGE_CACHE_HEADER)


def expect_hero(page, heading: str, button_text: str) -> None:
    """The page's only first-level heading is the hero's, and its button leads where the editor set it."""
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", level=1)).to_have_text(heading)
    expect(main.get_by_role("link", name=button_text, exact=True)).to_have_attribute("href", OLD_HERO["button_url"])


def log_in_to_the_admin(page, base_url: str, next_path: str) -> None:
    """The admin sends an anonymous operator to the site's own (allauth) login, then back to `next_path`."""
    page.goto(f"{base_url}{next_path}")
    expect(page).to_have_url(re.compile(r"/akun/login/\?next="))
    main = page.get_by_role("main")
    main.get_by_label(field_label("Email")).fill(OPERATOR_EMAIL)
    main.get_by_label(field_label("Kata sandi")).fill(OPERATOR_PASSWORD)
    main.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(f"{base_url}{next_path}")


def publish(page) -> None:
    """Click the footer's Publish action: Wagtail puts it in the action menu's dropdown when the primary action is
    "Save draft", and makes it the primary button otherwise; both are the form's `action-publish` submit."""
    footer_actions = page.locator("footer nav.actions")
    publish_button = footer_actions.locator('button[type="submit"][name="action-publish"]')
    if not publish_button.is_visible():
        footer_actions.locator('[data-w-dropdown-target="toggle"]').click()
    expect(publish_button).to_be_visible()
    publish_button.click()


def change_the_hero_and_publish(page, base_url: str, home: HomePage) -> None:
    """The operator logs in, opens the home page's edit view, rewrites the hero (the body's first block) and
    publishes it."""
    edit_path = f"/cms/pages/{home.pk}/edit/"
    log_in_to_the_admin(page, base_url, edit_path)
    heading_input = page.locator("#body-0-value-heading")
    button_text_input = page.locator("#body-0-value-button_text")
    expect(heading_input).to_have_value(OLD_HERO["heading"])
    expect(button_text_input).to_have_value(OLD_HERO["button_text"])
    heading_input.fill(NEW_HEADING)
    button_text_input.fill(NEW_BUTTON_TEXT)
    screenshot(page, "3-admin-edited")

    publish(page)
    # Wagtail goes back to the page listing and confirms the publication in its message bar.
    expect(page).to_have_url(re.compile(r"/cms/pages/(\d+/)?$"))
    expect(page.locator(".messages .success")).to_contain_text(home.title)
    screenshot(page, "4-admin-published")


@pytest.mark.e2e
def test_operator_changes_the_home_hero_in_the_admin_and_visitors_see_it_at_once(live_server, browser):
    home = seed_home_page()
    operator = VerifiedUserFactory(email=OPERATOR_EMAIL, password=OPERATOR_PASSWORD, full_name="Ni Luh Editor")
    operator.groups.add(seed_operator_group())
    base_url = live_server.url

    # A visitor has the home page open in Indonesian and in English; on reloading, both come from the page cache.
    visitor_context = browser.new_context(viewport=LAPTOP_VIEWPORT, locale="id-ID")
    try:
        home_id = visitor_context.new_page()
        home_en = visitor_context.new_page()
        for page, path, language in ((home_id, "/", "id"), (home_en, "/en/", "en")):
            load(page, f"{base_url}{path}")
            assert load(page) == "hit"
            expect_hero(page, OLD_HERO["heading"], OLD_HERO["button_text"])
            expect(page.locator("html")).to_have_attribute("lang", language)
        screenshot(home_id, "1-home-before")
        screenshot(home_en, "2-home-en-before")

        operator_context = browser.new_context(viewport=LAPTOP_VIEWPORT, locale="id-ID")
        try:
            change_the_hero_and_publish(operator_context.new_page(), base_url, home)
        finally:
            operator_context.close()

        home.refresh_from_db()
        hero = home.body[0]
        assert (hero.block_type, hero.value["heading"], hero.value["button_text"]) == (
            "hero",
            NEW_HEADING,
            NEW_BUTTON_TEXT,
        )
        assert (home.live, home.has_unpublished_changes) == (True, False)
        assert home.live_revision.user_id == operator.pk

        # The visitor reloads: the new banner at once (rendered afresh, not the cached page), the old heading gone,
        # in both languages.
        for page, step in ((home_id, "5-home-after"), (home_en, "6-home-en-after")):
            assert load(page) == "miss"
            expect_hero(page, NEW_HEADING, NEW_BUTTON_TEXT)
            expect(page.get_by_text(OLD_HERO["heading"])).to_have_count(0)
            screenshot(page, step)
    finally:
        visitor_context.close()

"""Accessibility of the storefront in Chromium, at 360 and 1280 px (issue 4, "Accessible").

Every page of the shopper's path (home in Indonesian and English, signed out and in, a category, a product with
variants, a shop, a shop on holiday and one of its products, the login page) is audited in the browser by the small
script `AUDIT_SCRIPT` (no downloaded library), as loaded and again with every `<details>` open:

- contrast, WCAG 2.1 AA (1.4.3): every visible element with its own text, form values and placeholders, against
  the background found by walking up the ancestors and blending translucent layers; 4.5:1, or 3:1 for large text
  (24 px, or 18.66 px bold). Text on a background image or gradient is counted, then measured against the pixels
  of a screenshot taken with the text hidden (`text_on_image_problems`);
- text fields and selects: a border or fill of 3:1 against what surrounds them (1.4.11);
- names: every visible image has an `alt` (product photos a non-empty one), every form control, link and button
  an accessible name;
- structure: one `h1`, no skipped heading level, one `main` landmark, `html[lang]` in the page's language;
- 360 px: no sideways scrolling, header tap targets at least 24x24 px (2.5.8).

Then the keyboard (real Tab presses, so `:focus-visible` applies): the skip link is the first stop and the next Tab
lands inside `#main`; each of the first `TAB_STOPS` stops is visible, not covered (by the sticky header), and has a
focus indicator: an outline of 3:1 against what is painted around it (1.4.11), or a box shadow.

Every problem is reported at once, with the element, its colours and the ratio. `test_audit_*` run the same checks
on pages made to fail them, so a clean storefront is not a vacuous pass.
"""

import datetime
import io

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone
from PIL import Image

from accounts.models import User
from cms.demo import seed_storefront_pages
from shops.services import product_image_add, shop_set_vacation
from shops.tasks import make_product_image_renditions
from tests.factories.shops import ApprovedShopFactory, ProductFactory, ProductVariantFactory

from .test_storefront_journey import catalogue, photo, serve_media

TAB_STOPS = 40
BACK_STOPS = 15

# Helpers shared by both scripts below.
_HELPERS = r"""
  const describe = (el) => {
    const part = (node) => {
      let s = node.tagName.toLowerCase();
      if (node.id) s += '#' + node.id;
      for (const c of node.classList) s += '.' + c;
      return s;
    };
    const chain = [];
    for (let n = el; n && n !== document.body && chain.length < 3; n = n.parentElement) chain.unshift(part(n));
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim().replace(/\s+/g, ' ');
    return chain.join(' > ') + (text ? ` "${text.slice(0, 40)}"` : '');
  };
  const parseColour = (value) => {
    const m = value.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a] = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
    return [r, g, b, a === undefined ? 1 : a];
  };
  const over = (top, bottom) => {
    const a = top[3];
    return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat([1]);
  };
  const luminance = ([r, g, b]) => {
    const channel = (c) => { c /= 255; return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
  };
  const ratio = (x, y) => {
    const [hi, lo] = [luminance(x), luminance(y)].sort((p, q) => q - p);
    return (hi + 0.05) / (lo + 0.05);
  };
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('');
  // The opaque colour behind `el`: its own and its ancestors' background colours blended over the white canvas,
  // or null when a background image (a photo, a gradient) is in the way.
  const background = (el) => {
    const layers = [];
    for (let n = el; n; n = n.parentElement) {
      const style = getComputedStyle(n);
      if (style.backgroundImage !== 'none') return null;
      const colour = parseColour(style.backgroundColor);
      if (colour && colour[3] > 0) {
        layers.push(colour);
        if (colour[3] >= 1) break;
      }
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
"""

# `page.evaluate(AUDIT_SCRIPT, {"lang": "id", "width": 360})` returns {"problems": [str, ...], "stats": {...},
# "onImage": [...]}, the texts on a background image, which it marks with `data-a11y-on-image=<index>`.
AUDIT_SCRIPT = (
    "({lang, width}) => {"
    + _HELPERS
    + r"""
  const problems = [];
  const stats = {texts: 0, skippedOnImage: 0, images: 0, productPhotos: 0, controls: 0, links: 0};
  // Text on a background image: measured afterwards against the pixels of a screenshot (`text_on_image_problems`).
  const onImage = [];

  const shown = (el) => {
    if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true})) return false;
    const r = el.getBoundingClientRect();
    // Visually hidden (1 px clipped) text is for screen readers; the skip link waits off-screen.
    if (r.width <= 1 || r.height <= 1) return false;
    return r.right + scrollX > 0 && r.bottom + scrollY > 0;
  };

  const checkContrast = (el, foreground, kind) => {
    const style = getComputedStyle(el);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700) ? 3 : 4.5;
    const bg = background(el);
    if (bg === null) {
      stats.skippedOnImage += 1;
      if (!kind) {
        el.dataset.a11yOnImage = onImage.length;
        onImage.push({element: describe(el), colour: parseColour(foreground), needed});
      }
      return;
    }
    const fg = over(parseColour(foreground), bg);
    const got = ratio(fg, bg);
    stats.texts += 1;
    if (got < needed) {
      problems.push(`contrast${kind}: ${describe(el)}: ${hex(fg)} on ${hex(bg)} is ${got.toFixed(2)}:1, ` +
        `needs ${needed}:1 (${size}px, weight ${style.fontWeight})`);
    }
  };

  const decorative = /^[\p{Extended_Pictographic}\u200d\ufe0f\s]+$/u;
  const inactive = (el) => el.closest(':disabled') || (el.control && el.control.disabled);
  for (const el of document.body.querySelectorAll('*')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'OPTION', 'svg'].includes(el.tagName)) continue;
    const own = [...el.childNodes].filter((n) => n.nodeType === Node.TEXT_NODE).map((n) => n.data).join('').trim();
    const isField = el.matches('input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea');
    if ((!own && !isField) || (own && decorative.test(own)) || !shown(el) || inactive(el)) continue;
    if (own || (isField && (el.value || el.tagName === 'SELECT'))) checkContrast(el, getComputedStyle(el).color, '');
    if (isField && el.placeholder && !el.value) {
      checkContrast(el, getComputedStyle(el, '::placeholder').color, ' (placeholder)');
    }
  }

  // Text fields and selects need a boundary of 3:1 against what surrounds them (WCAG 1.4.11): their border or
  // their own fill. Checkboxes and radios keep Chromium's own drawing, which passes.
  const fields = 'input:not([type=hidden]):not([type=checkbox]):not([type=radio]):not([type=submit])' +
    ':not([type=button]):not([type=reset]):not([type=file]):not([type=image]), select, textarea';
  for (const el of document.querySelectorAll(fields)) {
    if (!shown(el) || inactive(el) || el.readOnly) continue;
    const around = background(el.parentElement);
    const fill = background(el);
    if (!around || !fill) continue;
    const style = getComputedStyle(el);
    let best = ratio(fill, around);
    let border = null;
    if (parseFloat(style.borderBottomWidth) > 0 && style.borderBottomStyle !== 'none') {
      border = over(parseColour(style.borderBottomColor), around);
      best = Math.max(best, ratio(border, around));
    }
    if (best < 3) {
      problems.push(`field boundary: ${describe(el)}: border ${border ? hex(border) : 'none'}, fill ${hex(fill)} ` +
        `on ${hex(around)} is ${best.toFixed(2)}:1, needs 3:1`);
    }
  }

  // Accessible names: the parts of the accname algorithm these templates use.
  const textOf = (node) => [...node.childNodes].map((child) => {
    if (child.nodeType === Node.TEXT_NODE) return child.data;
    if (child.nodeType !== Node.ELEMENT_NODE || child.getAttribute('aria-hidden') === 'true') return '';
    if (getComputedStyle(child).display === 'none') return '';
    if (child.getAttribute('aria-label')) return ' ' + child.getAttribute('aria-label') + ' ';
    if (child.tagName === 'IMG') return ' ' + (child.getAttribute('alt') || '') + ' ';
    return ' ' + textOf(child) + ' ';
  }).join('');
  const nameOf = (el, fromContent) => {
    const labelledby = el.getAttribute('aria-labelledby');
    if (labelledby) {
      return labelledby.split(/\s+/).map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
    }
    const label = (el.getAttribute('aria-label') || '').trim();
    if (label) return label;
    if (el.labels && el.labels.length) return [...el.labels].map((l) => l.textContent).join(' ').trim();
    if (el.matches('input[type=submit], input[type=button], input[type=reset]')) return el.value.trim();
    if (fromContent) {
      const text = textOf(el).trim();
      if (text) return text;
    }
    return (el.getAttribute('title') || '').trim();
  };

  for (const img of document.querySelectorAll('img')) {
    if (!shown(img)) continue;
    stats.images += 1;
    const source = img.currentSrc || img.getAttribute('src') || '';
    if (!img.hasAttribute('alt')) problems.push(`image without alt: ${describe(img)} (${source})`);
    if (source.includes('/products/')) {
      stats.productPhotos += 1;
      if (!(img.getAttribute('alt') || '').trim()) problems.push(`product photo with an empty alt: ${describe(img)}`);
    }
  }
  for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    stats.controls += 1;
    if (!nameOf(el, false)) problems.push(`form control without a label: ${describe(el)}`);
  }
  for (const el of document.querySelectorAll('a[href], button, summary, [role=button]')) {
    if (!shown(el)) continue;
    stats.links += 1;
    if (!nameOf(el, true)) problems.push(`link or button without a name: ${describe(el)}`);
  }

  const h1s = document.querySelectorAll('h1').length;
  if (h1s !== 1) problems.push(`${h1s} h1 elements, expected exactly one`);
  let level = 0;
  for (const heading of document.querySelectorAll('h1, h2, h3, h4, h5, h6')) {
    const next = Number(heading.tagName[1]);
    if (next > level + 1) problems.push(`heading level skipped: ${describe(heading)} is h${next} after h${level}`);
    level = next;
  }
  const mains = document.querySelectorAll('main, [role=main]').length;
  if (mains !== 1) problems.push(`${mains} main landmarks, expected exactly one`);
  if (document.documentElement.lang !== lang) {
    problems.push(`html[lang] is "${document.documentElement.lang}", expected "${lang}"`);
  }

  if (width <= 360) {
    const scrollWidth = document.documentElement.scrollWidth;
    if (scrollWidth > width) problems.push(`scrolls sideways: scrollWidth ${scrollWidth} > ${width}`);
    const targets = 'header a, header button, header summary, header input, header select';
    for (const el of document.querySelectorAll(targets)) {
      if (!shown(el)) continue;
      const r = el.getBoundingClientRect();
      if (r.width < 24 || r.height < 24) {
        problems.push(`tap target under 24x24 px: ${describe(el)} is ${r.width.toFixed(0)}x${r.height.toFixed(0)}`);
      }
    }
  }
  return {problems, stats, onImage};
}"""
)

# The focused element as the keyboard walk sees it: null when focus is on the body, else its description and the
# problems with its visibility and its focus indicator.
# Scrolls the element marked `data-a11y-on-image=<index>` into view, hides its text, returns the viewport boxes of
# its text lines; `TEXT_ON_IMAGE_RESTORE` shows the text again.
TEXT_ON_IMAGE_PREPARE = r"""
(index) => {
  const el = document.querySelector(`[data-a11y-on-image="${index}"]`);
  el.scrollIntoView({block: 'center'});
  el.style.setProperty('color', 'transparent', 'important');
  el.style.setProperty('text-shadow', 'none', 'important');
  const boxes = [];
  for (const node of el.childNodes) {
    if (node.nodeType !== Node.TEXT_NODE || !node.data.trim()) continue;
    const range = document.createRange();
    range.selectNodeContents(node);
    for (const r of range.getClientRects()) {
      const left = Math.max(0, Math.floor(r.left)), top = Math.max(0, Math.floor(r.top));
      const right = Math.min(innerWidth, Math.ceil(r.right)), bottom = Math.min(innerHeight, Math.ceil(r.bottom));
      if (right > left && bottom > top) boxes.push([left, top, right, bottom]);
    }
  }
  return boxes;
}
"""
TEXT_ON_IMAGE_RESTORE = r"""
(index) => {
  const el = document.querySelector(`[data-a11y-on-image="${index}"]`);
  el.style.removeProperty('color');
  el.style.removeProperty('text-shadow');
}
"""


def _luminance(rgb) -> float:
    def channel(value: int) -> float:
        value /= 255
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = rgb
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def text_on_image_problems(page, entries: list[dict]) -> list[str]:
    """Contrast of text drawn over a picture or a gradient: the text is hidden, the area under its lines is
    screenshotted, and the text colour must reach the ratio against 95% of those pixels (the rest allows for
    anti-aliasing and stray highlights)."""
    problems = []
    for index, entry in enumerate(entries):
        boxes = page.evaluate(TEXT_ON_IMAGE_PREPARE, index)
        shot = Image.open(io.BytesIO(page.screenshot())).convert("RGB")
        page.evaluate(TEXT_ON_IMAGE_RESTORE, index)
        red, green, blue, alpha = entry["colour"]
        ratios = []
        for box in boxes:
            for pixel in shot.crop(box).get_flattened_data():
                text = tuple(round(c * alpha + p * (1 - alpha)) for c, p in zip((red, green, blue), pixel, strict=True))
                lighter, darker = sorted((_luminance(text), _luminance(pixel)), reverse=True)
                ratios.append((lighter + 0.05) / (darker + 0.05))
        if not ratios:
            continue
        ratios.sort()
        got = ratios[len(ratios) // 20]
        if got < entry["needed"]:
            problems.append(
                f"contrast on an image: {entry['element']}: rgb({red}, {green}, {blue}) reaches {got:.2f}:1 against "
                f"95% of the picture under it, needs {entry['needed']}:1"
            )
    return problems


FOCUS_SCRIPT = (
    "() => {"
    + _HELPERS
    + r"""
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const found = [];
  const r = el.getBoundingClientRect();
  if (!el.checkVisibility({opacityProperty: true, visibilityProperty: true}) || r.width < 1 || r.height < 1) {
    found.push('is not visible');
  } else if (r.bottom <= 0 || r.top >= innerHeight || r.right <= 0 || r.left >= innerWidth) {
    found.push(`is outside the viewport (${r.left.toFixed(0)},${r.top.toFixed(0)})`);
  } else {
    const x = Math.min(Math.max((r.left + r.right) / 2, 0), innerWidth - 1);
    const y = Math.min(Math.max((r.top + r.bottom) / 2, 0), innerHeight - 1);
    const hit = document.elementFromPoint(x, y);
    const ok = hit && (el.contains(hit) || (el.labels && [...el.labels].some((l) => l.contains(hit))));
    if (!ok) found.push(`is covered by ${hit ? describe(hit) : 'nothing'}`);
  }
  const style = getComputedStyle(el);
  // The text of the focused element, in its focus colours.
  const own = [...el.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.data.trim());
  const fill = own ? background(el) : null;
  if (fill) {
    const text = over(parseColour(style.color), fill);
    const size = parseFloat(style.fontSize);
    const needed = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700) ? 3 : 4.5;
    const got = ratio(text, fill);
    if (got < needed) {
      found.push(`text ${hex(text)} on ${hex(fill)} is ${got.toFixed(2)}:1 when focused, needs ${needed}:1`);
    }
  }
  if (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0) {
    // The ring is drawn around the element, over whatever is painted there (a sticky header, the parent), unless a
    // negative offset pulls it inside the element.
    const offset = parseFloat(style.outlineOffset);
    let under = el;
    if (offset >= 0) {
      const x = r.left - offset - parseFloat(style.outlineWidth) / 2;
      const y = r.top + r.height / 2;
      const stack = x >= 0 && y >= 0 && y < innerHeight ? document.elementsFromPoint(x, y) : [];
      under = stack.find((n) => !el.contains(n)) || el.parentElement;
    }
    const behind = background(under);
    const ring = parseColour(style.outlineColor);
    if (behind && ring) {
      const got = ratio(over(ring, behind), behind);
      if (got < 3) found.push(`focus ring ${hex(ring)} on ${hex(behind)} is ${got.toFixed(2)}:1, needs 3:1`);
    }
  } else if (style.boxShadow === 'none') {
    found.push('has no focus indicator (no outline, no box-shadow)');
  }
  return {element: describe(el), inMain: !!el.closest('#main'), isSkipLink: el.matches('a.skip-link[href="#main"]'),
          problems: found};
}"""
)


def audit(page, *, lang: str, width: int) -> dict:
    return page.evaluate(AUDIT_SCRIPT, {"lang": lang, "width": width})


def keyboard_problems(page, stops: int = TAB_STOPS, back_stops: int = BACK_STOPS) -> tuple[list[str], int]:
    """Tab through the page from the top, then back a few stops; the problems found and the number of stops."""
    problems = []
    page.keyboard.press("Tab")
    first = page.evaluate(FOCUS_SCRIPT)
    if first is None or not first["isSkipLink"]:
        problems.append(f"first Tab stop is {first and first['element']}, expected the skip link to #main")
    else:
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        after = page.evaluate(FOCUS_SCRIPT)
        if after is None or not after["inMain"]:
            problems.append(f"after the skip link, Tab went to {after and after['element']}, not into #main")
    page.reload()  # the walk starts from the top again
    seen = []
    for _ in range(stops):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUS_SCRIPT)
        if focused is None or (seen and focused["element"] == seen[0]):
            break  # out of the document, or around again
        seen.append(focused["element"])
        problems += [f"focus: {focused['element']} {problem}" for problem in focused["problems"]]
    # Back up: Shift+Tab scrolls the page down to what is above, where the sticky header may cover it.
    for _ in range(min(back_stops, len(seen) - 1)):
        page.keyboard.press("Shift+Tab")
        focused = page.evaluate(FOCUS_SCRIPT)
        if focused is None:
            break
        problems += [f"focus (Shift+Tab): {focused['element']} {problem}" for problem in focused["problems"]]
    return problems, len(seen)


def product_with_photos(shop, category, title: str, variants: list[tuple[str, int]], colours: list[tuple]) -> str:
    """A product with one variant per (name, stock) and one photo (with renditions) per colour; its slug."""
    owner = shop.members.get(role="owner").user
    product = ProductFactory(shop=shop, category=category, title=title, variant=None)
    for index, (variant_name, stock) in enumerate(variants):
        ProductVariantFactory(product=product, name=variant_name, price=50_000 + index * 40_000, stock=stock)
    for colour in colours:
        make_product_image_renditions(product_image_add(product=product, actor=owner, uploaded_file=photo(colour)).pk)
    return product.slug


def storefront() -> tuple[User, dict[str, str]]:
    """The journey's catalogue plus a coffee with three variants and two photos, a second shop on holiday, the
    seeded home page, menu and settings; a shop owner and the paths of the pages to audit."""
    data = catalogue()
    owner = data["shop"].members.get(role="owner").user
    coffee = product_with_photos(
        data["shop"],
        data["category"],
        "Kopi Bubuk Kintamani",
        [("250 g", 20), ("500 g", 2), ("1 kg", 0)],
        [(90, 60, 40), (140, 100, 60)],
    )
    holiday_shop = ApprovedShopFactory(name="Tenun Endek Bu Ayu", story="Kain endek tenun tangan dari Sidemen.")
    scarf = product_with_photos(
        holiday_shop, data["category"], "Selendang Endek", [("Merah", 4), ("Biru", 1)], [(40, 90, 160)]
    )
    holiday_owner = holiday_shop.members.get(role="owner").user
    closed_until = timezone.localdate() + datetime.timedelta(days=7)
    shop_set_vacation(shop=holiday_shop, actor=holiday_owner, closed_until=closed_until)
    seed_storefront_pages()
    return owner, {
        "home": "/",
        "category": f"/kategori/{data['category'].slug}/",
        "product": f"/produk/{coffee}/",
        "shop": f"/toko/{data['shop'].slug}/",
        "shop on holiday": f"/toko/{holiday_shop.slug}/",
        "product of a shop on holiday": f"/produk/{scarf}/",
        "search": "/cari/?q=kripik",
        "search finding nothing": "/cari/?q=durian",
        "login": "/akun/login/",
        "English home": "/en/",
        # Last: the browser is signed in from here on (the header's account menu).
        "home, signed in": "/",
    }


def sign_in(context, live_server_url: str, user) -> None:
    """Give the browser a session of `user`, made by Django's test client."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server_url}])


@pytest.mark.e2e
@pytest.mark.parametrize("width", [360, 1280])
def test_storefront_pages_meet_wcag_aa_with_keyboard_and_small_screen(live_server, browser, width):
    owner, paths = storefront()
    context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
    serve_media(context, live_server.url)
    page = context.new_page()
    problems = []
    try:
        for name, path in paths.items():
            if name == "home, signed in":
                sign_in(context, live_server.url, owner)
            page.goto(f"{live_server.url}{path}")
            assert page.locator("header details.account-menu").count() == (name == "home, signed in"), name
            lang = "en" if path.startswith("/en/") else "id"
            result = audit(page, lang=lang, width=width)
            stats = result["stats"]
            # The audit really looked at the page: text measured, links named, photos where the page has them.
            assert stats["texts"] >= 10, (name, stats)
            assert stats["links"] >= 5, (name, stats)
            if name not in ("login", "search finding nothing"):
                assert stats["productPhotos"] >= 1, (name, stats)
            on_image = text_on_image_problems(page, result["onImage"])
            keyboard, stops = keyboard_problems(page)
            assert stops >= 5, (name, stops)
            # Again with every <details> open: the phone menu, "more filters", FAQ answers.
            opened = page.evaluate("[...document.querySelectorAll('details')].map((d) => (d.open = true)).length")
            more = audit(page, lang=lang, width=width)["problems"] if opened else []
            found = result["problems"] + [f"(menus open) {p}" for p in more if p not in result["problems"]]
            problems += [f"{name} ({path}) at {width}px: {problem}" for problem in found + on_image + keyboard]
    finally:
        context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


BROKEN_PAGE = """<!DOCTYPE html><html><head><style>
  body { margin: 0; font: 16px sans-serif; }
  .pale { color: #999; background: #fff; }
  .big { color: #888; font-size: 24px; }
  .on-photo { background-image: linear-gradient(#000, #333); color: #777; }
  .on-dark { background-image: linear-gradient(#000, #111); color: #fff; }
  .no-ring:focus { outline: none; }
  .pale-ring:focus-visible { outline: 3px solid #fde68a; color: #aaa; }
  header { background: #0f766e; }
  .wide { width: 500px; }
  .pale-field { border: 1px solid #ddd; background: #fff; }
  .tiny { display: inline-block; width: 16px; height: 16px; font-size: 8px; color: #fff; background: #000; }
</style></head><body>
  <header><a class="tiny" href="/x">x</a></header>
  <main id="main"><h1>One</h1><h1>Two</h1><h3>Three</h3>
    <p class="pale">Pale text</p><p class="big">Big grey text</p>
    <p class="on-photo">On a photo</p><p class="on-dark">White on black</p>
    <img src="/media/products/renditions/a.webp" alt="" width="10" height="10">
    <img src="/logo.png" width="10" height="10">
    <label>Town <input class="pale-field" type="text"></label> <input type="text">
    <button type="button"><svg width="20" height="20"></svg></button>
    <a class="no-ring" href="/no-ring">No ring</a> <a class="pale-ring" href="/pale-ring">Pale ring</a>
    <div class="wide">Too wide for a phone</div>
  </main></body></html>"""


def show(page, html: str) -> None:
    """Open `html` as a real page (not `set_content`, which a reload would lose)."""
    page.unroute("http://a11y.test/")
    page.route("http://a11y.test/", lambda route: route.fulfill(body=html, content_type="text/html"))
    page.goto("http://a11y.test/")


def the_one(problems: list[str], start: str, detail: str = "") -> str:
    """The only problem that starts with `start` (and mentions `detail`)."""
    matches = [problem for problem in problems if problem.startswith(start) and detail in problem]
    assert len(matches) == 1, "\n".join(problems)
    return matches[0]


@pytest.mark.e2e
def test_audit_catches_each_kind_of_problem_on_a_page_made_to_fail(page):
    show(page, BROKEN_PAGE)
    result = audit(page, lang="id", width=360)
    problems = result["problems"]

    the_one(problems, "contrast: main#main > p.pale", "#999999 on #ffffff is 2.85:1, needs 4.5:1")
    assert not [problem for problem in problems if "Big grey text" in problem]  # 3.54:1 is enough at 24 px
    the_one(problems, "image without alt: main#main > img")
    the_one(problems, "product photo with an empty alt: main#main > img")
    the_one(problems, "form control without a label: main#main > input")
    the_one(problems, "link or button without a name: main#main > button")
    # Chromium's own grey border of the second field passes.
    the_one(problems, "field boundary: ", "input.pale-field: border #dddddd, fill #ffffff on #ffffff is 1.36:1")
    the_one(problems, "2 h1 elements, expected exactly one")
    the_one(problems, 'heading level skipped: main#main > h3 "Three" is h3 after h1')
    the_one(problems, 'html[lang] is "", expected "id"')
    the_one(problems, "scrolls sideways: scrollWidth 500 > 360")
    the_one(problems, "tap target under 24x24 px: header > a.tiny", "is 16x16")
    assert len(problems) == 11, "\n".join(problems)

    # Text on a gradient is left to the screenshot: grey on dark grey fails, white on black passes.
    assert result["stats"]["skippedOnImage"] == 2
    on_image = text_on_image_problems(page, result["onImage"])
    assert len(on_image) == 1, on_image
    assert on_image[0].startswith("contrast on an image: main#main > p.on-photo"), on_image

    keyboard, stops = keyboard_problems(page, stops=6)
    assert stops == 6, keyboard
    the_one(keyboard, 'first Tab stop is header > a.tiny "x", expected the skip link to #main')
    the_one(keyboard, 'focus: main#main > a.no-ring "No ring" has no focus indicator')
    the_one(keyboard, 'focus: main#main > a.pale-ring "Pale ring" focus ring #fde68a on #ffffff is 1.', "needs 3:1")
    the_one(keyboard, 'focus: main#main > a.pale-ring "Pale ring" text #aaaaaa on #ffffff is 2.32:1 when focused')
    the_one(keyboard, 'focus (Shift+Tab): main#main > a.no-ring "No ring" has no focus indicator')
    assert len(keyboard) == 5, keyboard


SKIP_LINK_PAGE = (
    '<html lang="id"><body><a class="skip-link" href="{target}">Skip</a><header><a href="/a">A</a></header>'
    '<main id="main"><h1>Title</h1><a href="/b">B</a></main></body></html>'
)


@pytest.mark.e2e
def test_audit_follows_the_skip_link_into_main(page):
    show(page, SKIP_LINK_PAGE.format(target="#main"))
    keyboard, stops = keyboard_problems(page, stops=3)
    assert keyboard == []
    assert stops == 3

    show(page, SKIP_LINK_PAGE.format(target="#nowhere"))
    keyboard, _stops = keyboard_problems(page, stops=3)
    assert keyboard == ['first Tab stop is a.skip-link "Skip", expected the skip link to #main']


def workshop_pages() -> tuple[object, object, dict[str, str]]:
    """Issue 8's pages: the public list and a workshop, a participant's registration with its QR code, and the
    trainer's dashboard, form, overview (the funnel chart), participant list and check-in page."""
    from tests.workshops.helpers import trainer, workshop
    from workshops.services import registration_check_in, registration_create

    coach = trainer()
    item = workshop(trainers=[coach], capacity=2, title="Jualan Online untuk Pemula")
    participant = User.objects.create_user(email="peserta@contoh.id", password="x", full_name="Ni Luh Peserta")
    registration = registration_create(workshop=item, user=participant, answers={"business": "makanan"})
    registration_check_in(workshop=item, code=registration.short_code, trainer=coach)
    registration_create(workshop=item, user=User.objects.create_user(email="b@contoh.id", password="x", full_name="B"))
    return (
        coach,
        participant,
        {
            "workshops": ("/pelatihan/", None),
            "a workshop": (f"/pelatihan/{item.slug}/", None),
            "my registration": (f"/pelatihan/pendaftaran/{registration.pk}/", "participant"),
            "my workshops": ("/pelatihan/saya/", "participant"),
            "trainer dashboard": ("/pelatih/", "trainer"),
            "new workshop": ("/pelatih/pelatihan/baru/", "trainer"),
            "workshop overview": (f"/pelatih/pelatihan/{item.pk}/", "trainer"),
            "participants": (f"/pelatih/pelatihan/{item.pk}/peserta/", "trainer"),
            "check-in": (f"/pelatih/pelatihan/{item.pk}/check-in/", "trainer"),
        },
    )


@pytest.mark.e2e
@pytest.mark.parametrize("width", [360, 1280])
def test_workshop_pages_meet_wcag_aa_with_keyboard_and_small_screen(live_server, browser, width):
    coach, participant, paths = workshop_pages()
    problems = []
    for name, (path, who) in paths.items():
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        try:
            if who:
                sign_in(context, live_server.url, coach if who == "trainer" else participant)
            page = context.new_page()
            page.goto(f"{live_server.url}{path}")
            result = audit(page, lang="id", width=width)
            assert result["stats"]["texts"] >= 5, (name, result["stats"])
            # The check-in page puts the cursor in the code field (the trainer types at once at the door), so its
            # first Tab stop is not the skip link; every other page is checked from the top.
            keyboard = [] if name == "check-in" else keyboard_problems(page)[0]
            page.evaluate("[...document.querySelectorAll('details')].map((d) => (d.open = true)).length")
            more = audit(page, lang="id", width=width)["problems"]
            found = result["problems"] + [f"(details open) {p}" for p in more if p not in result["problems"]]
            problems += [f"{name} ({path}) at {width}px: {problem}" for problem in found + keyboard]
        finally:
            context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)


@pytest.mark.e2e
@pytest.mark.parametrize("width", [360, 1280])
def test_open_data_and_seller_statistics_pages_meet_wcag_aa(live_server, browser, width):
    """Issue 9's pages: the public "Data Terbuka" page (its tables and charts from the day's snapshot) and a
    seller's statistics page."""
    from cms.programme.demo import seed_open_data

    owner, _paths = storefront()
    seed_open_data()
    problems = []
    for path, user in (("/data/", None), ("/en/data/", None), ("/penjual/statistik/", owner)):
        context = browser.new_context(viewport={"width": width, "height": 800}, locale="id-ID")
        try:
            if user is not None:
                sign_in(context, live_server.url, user)
            page = context.new_page()
            page.goto(f"{live_server.url}{path}")
            assert page.url.endswith(path), page.url
            lang = "en" if path.startswith("/en/") else "id"
            result = audit(page, lang=lang, width=width)
            assert result["stats"]["texts"] >= 10, (path, result["stats"])
            keyboard, _stops = keyboard_problems(page)
            problems += [f"{path} at {width}px: {problem}" for problem in result["problems"] + keyboard]
        finally:
            context.close()
    assert not problems, f"{len(problems)} accessibility problems:\n" + "\n".join(problems)

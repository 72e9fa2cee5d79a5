"""Sanitised rich text written by users (product descriptions), with nh3 (Ammonia's allow-list cleaner).

Sellers write either plain text from a phone's text box (line breaks, nothing else) or a little HTML (bold,
lists) through the API or an import. Both become the same small, safe HTML, stored sanitised:

- Plain text (nothing that looks like a tag) is escaped; its blank-line paragraphs and line breaks become
  `<p>`/`<br>`.
- HTML keeps only `ALLOWED_TAGS`, without any attribute: no links (sellers may not send shoppers elsewhere),
  no images, styles, scripts or event handlers. The content of `<script>`/`<style>` is dropped with the tag.

Templates show it through the `rich_text` filter, which sanitises again (cheap) so a row written by any other
path still cannot carry markup the allow-list refuses.
"""

import re
from html import unescape

import nh3
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = frozenset({"p", "br", "strong", "b", "em", "i", "u", "ul", "ol", "li", "h3", "h4", "blockquote"})
_TAG = re.compile(r"<[a-zA-Z!/?]")
_BLOCK = re.compile(r"<(p|br|ul|ol|h3|h4|blockquote)\b")


def sanitise_html(html: str) -> str:
    """The allow-listed HTML of `html` (no attributes kept, dangerous elements dropped with their content)."""
    return nh3.clean(html, tags=set(ALLOWED_TAGS), attributes={}, link_rel=None, strip_comments=True).strip()


def clean_rich_text(text: str | None) -> str:
    """What is stored for a user's rich text: plain text becomes paragraphs, HTML is sanitised."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        return ""
    if not _TAG.search(text):
        return sanitise_html(linebreaks(text, autoescape=True))
    text = sanitise_html(text)
    if not _BLOCK.search(text):
        # Inline HTML typed with line breaks ("<b>Renyah</b>\nTanpa pengawet"): keep the breaks visible.
        text = sanitise_html(linebreaks(text, autoescape=False))
    return text


def rich_text_to_plain(html: str | None) -> str:
    """The text of stored rich text (search documents, meta descriptions, CSV exports): tags removed, entities
    decoded ("&amp;" is "&"), whitespace collapsed. Plain text: escape it where it becomes HTML."""
    text = nh3.clean((html or "").replace("<br>", "\n").replace("</p>", "\n"), tags=set())  # Rust: fast
    return " ".join(unescape(text).split())


def render_rich_text(html: str | None) -> SafeString:
    return mark_safe(sanitise_html(html or ""))  # noqa: S308 — sanitised by the allow-list just above

"""Sanitised rich text (product descriptions): what sellers type comes out as small, safe HTML."""

import pytest
from django.template import Context, Template

from marketplace.core.richtext import clean_rich_text, rich_text_to_plain


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("", ""),
        ("   \r\n ", ""),
        (
            "Keripik pedas\nRenyah\n\nTanpa pengawet & MSG",
            "<p>Keripik pedas<br>Renyah</p>\n\n<p>Tanpa pengawet &amp; MSG</p>",
        ),
        ("3 < 5 dan 5 > 3", "<p>3 &lt; 5 dan 5 &gt; 3</p>"),
        ("<b>Renyah</b>\r\nTanpa pengawet", "<p><b>Renyah</b><br>Tanpa pengawet</p>"),
        ("<p>Isi:</p><ul><li>250 g</li><li>500 g</li></ul>", "<p>Isi:</p><ul><li>250 g</li><li>500 g</li></ul>"),
    ],
)
def test_plain_text_becomes_paragraphs_and_allowed_html_is_kept(typed, stored):
    assert clean_rich_text(typed) == stored


@pytest.mark.parametrize(
    "attack",
    [
        "<script>alert(1)</script>Enak",
        "<img src=x onerror=alert(1)>Enak",
        '<p onclick="alert(1)" style="color:red">Enak</p>',
        '<a href="javascript:alert(1)">Enak</a>',
        '<a href="https://toko-lain.example/">Enak</a>',
        "<svg onload=alert(1)>Enak</svg>",
        "<iframe src=//evil.example></iframe>Enak",
        "<style>body{display:none}</style><!-- x -->Enak",
        '<form action="//evil.example"><input name=p></form>Enak',
    ],
)
def test_scripts_links_attributes_and_foreign_elements_never_survive(attack):
    stored = clean_rich_text(attack)

    assert "Enak" in stored
    for forbidden in (
        "<script",
        "alert(",
        "onerror",
        "onclick",
        "style",
        "href",
        "<a",
        "<img",
        "<svg",
        "<iframe",
        "<form",
        "<input",
        "<!--",
        "display:none",
    ):
        assert forbidden not in stored


def test_the_template_filter_sanitises_again_whatever_the_row_holds():
    rendered = Template("{% load rich_text %}{{ text|rich_text }}").render(
        Context({"text": "<p>Enak</p><script>alert(1)</script>"})
    )

    assert rendered == "<p>Enak</p>"


def test_plain_text_of_rich_text_for_search_and_meta():
    assert rich_text_to_plain(clean_rich_text("Keripik\npedas\n\n<b>Renyah</b>")) == "Keripik pedas Renyah"

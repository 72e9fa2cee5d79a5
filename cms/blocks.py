from django.utils.translation import gettext_lazy as _
from wagtail import blocks


class HeroBlock(blocks.StructBlock):
    heading = blocks.CharBlock(label=_("Heading"), max_length=120)
    text = blocks.TextBlock(label=_("Text"), required=False, max_length=300)
    button_text = blocks.CharBlock(label=_("Button text"), required=False, max_length=40)
    button_url = blocks.CharBlock(label=_("Button link"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Hero banner")
        template = "cms/blocks/hero.html"


class HomeBodyBlock(blocks.StreamBlock):
    """The home page's blocks. The storefront issue adds featured products, shops, categories, workshops."""

    hero = HeroBlock()
    rich_text = blocks.RichTextBlock(
        label=_("Text"),
        features=["h2", "h3", "bold", "italic", "link", "ol", "ul"],
        template="cms/blocks/rich_text.html",
    )

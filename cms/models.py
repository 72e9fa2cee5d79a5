"""The storefront's Wagtail pages and site settings.

Page tree: the `HomePage` sits directly under the root (one per site); `StandardPage` (about, how to sell, FAQ)
and one `NewsIndexPage` per parent go under it; `NewsArticlePage` only under a news index.
"""

import json
import uuid
from urllib.parse import urlsplit

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import models
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from accounts.phone import format_phone_national, validate_indonesian_phone

from .blocks import (
    PRELOAD_CONTEXT_KEY,
    ArticleBodyBlock,
    HomeBodyBlock,
    NavigationLinkBlock,
    StandardBodyBlock,
    preload_home,
)

NEWS_PER_PAGE = 10
# The version of the cached navigation menus (`cms.templatetags.storefront_pages`), changed by `_menu_changed`.
NAV_CACHE_VERSION_KEY = "cms:storefront-nav:version"


def json_for_script(data) -> str:
    """JSON to put inside `<script type="application/ld+json">`: `</` is written `<\\/` and `<!--` is
    escaped, so no value can close the script element or open a comment in it."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return mark_safe(text.replace("</", "<\\/").replace("<!--", "<\\u0021--"))  # noqa: S308 - escaped above


class HomePage(Page):
    """The storefront's home page; one per site, directly under the root."""

    body = StreamField(HomeBodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("body")]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.StandardPage", "cms.NewsIndexPage", "cms.DataPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # One load for every catalogue block, whatever their number and the number of items they hold.
        context[PRELOAD_CONTEXT_KEY] = preload_home(self.body.raw_data)
        return context


class StandardPage(Page):
    """About us, how to sell, FAQ: text, images and questions. Emits FAQPage JSON-LD when it has questions."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    body = StreamField(StandardBodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []

    class Meta:
        verbose_name = _("standard page")
        verbose_name_plural = _("standard pages")

    def faq_items(self) -> list[tuple[str, str]]:
        """(question, answer HTML) of every FAQ block, in page order."""
        items = []
        for block in self.body:
            if block.block_type == "faq":
                items.extend((item["question"], str(item["answer"])) for item in block.value["items"])
        return items

    def faq_json_ld(self) -> str:
        """The schema.org FAQPage for search engines, or "" when the page has no questions."""
        items = self.faq_items()
        if not items:
            return ""
        return json_for_script(
            {
                "@context": "https://schema.org",
                "@type": "FAQPage",
                "mainEntity": [
                    {"@type": "Question", "name": question, "acceptedAnswer": {"@type": "Answer", "text": answer}}
                    for question, answer in items
                ],
            }
        )


class NewsIndexPage(Page):
    """Programme announcements: lists its articles, newest first, `NEWS_PER_PAGE` per page."""

    intro = models.TextField(_("introduction"), blank=True, max_length=500)

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsArticlePage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")
        verbose_name_plural = _("news indexes")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        articles = (
            NewsArticlePage.objects.child_of(self)
            .live()
            .public()
            .select_related("image")
            .order_by("-date", "-first_published_at", "-pk")
        )
        # A page number that is not a number shows page 1, one past the end the last page.
        context["articles"] = Paginator(articles, NEWS_PER_PAGE).get_page(request.GET.get("page"))
        return context


class NewsArticlePage(Page):
    date = models.DateField(_("date"), default=timezone.localdate)
    intro = models.TextField(_("introduction"), blank=True, max_length=500)
    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = StreamField(ArticleBodyBlock(), blank=True, use_json_field=True, verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("intro"),
        FieldPanel("image"),
        FieldPanel("body"),
    ]

    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("news article")
        verbose_name_plural = _("news articles")


# --- Site settings ---------------------------------------------------------------------------------------------

SOCIAL_HOSTS = {
    "instagram_url": ("instagram.com",),
    "facebook_url": ("facebook.com", "fb.com"),
    "tiktok_url": ("tiktok.com",),
    "youtube_url": ("youtube.com", "youtu.be"),
}


@register_setting(icon="cog")
class StorefrontSettings(BaseSiteSetting):
    """Contact details, social links, footer text and the navigation menu of one site (Settings, Storefront settings).

    Phone numbers are Indonesian, stored as E.164 (+62…) like every phone number here (`accounts.phone`)."""

    contact_email = models.EmailField(_("contact email"), blank=True)
    phone = PhoneNumberField(_("phone"), blank=True, region="ID", validators=[validate_indonesian_phone])
    whatsapp = PhoneNumberField(_("WhatsApp number"), blank=True, region="ID", validators=[validate_indonesian_phone])
    address = models.TextField(_("address"), blank=True, max_length=300)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    tiktok_url = models.URLField(_("TikTok"), blank=True)
    youtube_url = models.URLField(_("YouTube"), blank=True)
    footer_text = models.TextField(
        _("footer text"), blank=True, max_length=300, help_text=_("Leave empty for the standard sentence.")
    )
    navigation = StreamField(
        [("link", NavigationLinkBlock())],
        blank=True,
        use_json_field=True,
        verbose_name=_("navigation menu"),
        help_text=_("The links in the site's menu, in order."),
    )

    edit_handler = TabbedInterface(
        [
            ObjectList(
                [
                    MultiFieldPanel(
                        [
                            FieldPanel("contact_email"),
                            FieldPanel("phone"),
                            FieldPanel("whatsapp"),
                            FieldPanel("address"),
                        ],
                        heading=_("Contact"),
                    ),
                    MultiFieldPanel(
                        [
                            FieldPanel("instagram_url"),
                            FieldPanel("facebook_url"),
                            FieldPanel("tiktok_url"),
                            FieldPanel("youtube_url"),
                        ],
                        heading=_("Social media"),
                    ),
                    FieldPanel("footer_text"),
                ],
                heading=_("Contact and footer"),
            ),
            ObjectList([FieldPanel("navigation")], heading=_("Navigation menu")),
        ]
    )

    class Meta:
        verbose_name = _("storefront settings")
        verbose_name_plural = _("storefront settings")

    def clean(self):
        super().clean()
        errors = {}
        for name, hosts in SOCIAL_HOSTS.items():
            url = getattr(self, name)
            if not url:
                continue
            host = (urlsplit(url).hostname or "").lower()
            if not any(host == allowed or host.endswith("." + allowed) for allowed in hosts):
                errors[name] = ValidationError(
                    _("Enter an address on %(site)s.") % {"site": hosts[0]}, code="wrong_site"
                )
        if errors:
            raise ValidationError(errors)

    @property
    def whatsapp_url(self) -> str:
        """A wa.me link (digits of the E.164 number), or "" without a number."""
        return f"https://wa.me/{str(self.whatsapp).lstrip('+')}" if self.whatsapp else ""

    @property
    def phone_display(self) -> str:
        return format_phone_national(self.phone)

    @property
    def whatsapp_display(self) -> str:
        return format_phone_national(self.whatsapp)

    @property
    def social_links(self) -> list[tuple[str, str]]:
        """(name, URL) of the social accounts that are set, in a fixed order."""
        names = [("Instagram", self.instagram_url), ("Facebook", self.facebook_url)]
        names += [("TikTok", self.tiktok_url), ("YouTube", self.youtube_url)]
        return [(name, url) for name, url in names if url]


def _menu_changed(**kwargs):
    """A page, a site or the settings changed: every cached menu is stale (a new version makes new keys)."""
    cache.set(NAV_CACHE_VERSION_KEY, uuid.uuid4().hex, None)


for _signal in (page_published, page_unpublished, post_page_move):
    _signal.connect(_menu_changed, dispatch_uid=f"cms_menu_changed_{id(_signal)}")
post_delete.connect(_menu_changed, sender=Page, dispatch_uid="cms_menu_changed_page_deleted")
post_save.connect(_menu_changed, sender=Site, dispatch_uid="cms_menu_changed_site_saved")
post_save.connect(_menu_changed, sender=StorefrontSettings, dispatch_uid="cms_menu_changed_settings_saved")


# --- Open data (issue 9): the daily snapshots of the public figures and the page that shows them -----------------


class DatasetSnapshot(models.Model):
    """One day's publication of one open dataset (`cms.programme.datasets`): its rows as published, already
    suppressed (no count below 5 is stored), so the page, the downloads and the API serve exactly what was
    published that day and never recompute per request. Written by `cms.tasks.publish_open_data`; a second run on
    the same WITA day replaces that day's rows, past days are kept as history."""

    dataset = models.CharField(_("dataset"), max_length=64)
    snapshot_date = models.DateField(_("snapshot date"))
    computed_at = models.DateTimeField(_("computed at"))
    rows = models.JSONField(_("rows"), default=list)
    period_start = models.DateField(_("period start"), null=True, blank=True)
    period_end = models.DateField(_("period end"), null=True, blank=True)
    row_count = models.PositiveIntegerField(_("number of rows"), default=0)

    class Meta:
        ordering = ["dataset", "-snapshot_date"]
        verbose_name = _("dataset snapshot")
        verbose_name_plural = _("dataset snapshots")
        constraints = [
            models.UniqueConstraint(fields=["dataset", "snapshot_date"], name="cms_datasetsnapshot_dataset_date_unique")
        ]

    def __str__(self) -> str:
        return f"{self.dataset} {self.snapshot_date:%Y-%m-%d}"


class DataPage(Page):
    """The public open-data page ("Data Terbuka", `/data/`): the programme's figures from the latest snapshots —
    summary, a table and a chart per dataset, downloads and the DCAT catalogue. One per site, under the home page."""

    intro = RichTextField(_("introduction"), blank=True, features=["bold", "italic", "link", "ol", "ul"])

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    parent_page_types = ["cms.HomePage"]
    subpage_types = []
    max_count_per_parent = 1
    template = "cms/data_page.html"

    class Meta:
        verbose_name = _("open data page")
        verbose_name_plural = _("open data pages")

    def get_context(self, request, *args, **kwargs):
        from .programme.datasets import page_context  # the registry reads this module's snapshot model

        context = super().get_context(request, *args, **kwargs)
        context.update(page_context())
        return context

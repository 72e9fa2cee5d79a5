"""How often each product page was viewed, per day (WITA).

Product pages are cached for anonymous visitors, so a view is counted by a beacon the page sends
(`shops.views_counter`): the request only increments a counter in the cache; the beat task
`shops.tasks.flush_product_views` moves the counts here every few minutes. A cache outage loses at most the
views not yet flushed: statistics, not money.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from .product import Product


class ProductViewDay(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="view_days", verbose_name=_("product"))
    day = models.DateField(_("day"))
    views = models.PositiveIntegerField(_("views"), default=0)

    class Meta:
        ordering = ["-day", "product"]
        verbose_name = _("product views per day")
        verbose_name_plural = _("product views per day")
        constraints = [models.UniqueConstraint(fields=["product", "day"], name="shops_productviewday_one_per_day")]

    def __str__(self) -> str:
        return f"{self.product_id} {self.day}: {self.views}"

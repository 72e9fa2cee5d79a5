"""What the search index still has to learn (DESIGN §4, index sync).

- **`DirtyProduct`**: a product whose document may differ from the database. Written in the same transaction as
  the change (signals in `search.signals`), so no change is lost if the broker, the worker or Elasticsearch is
  down; deleted only once the server acknowledged the document (or its removal). `token` changes with every
  mark: a row marked again while it was being indexed keeps its new token and is not deleted. The product id is
  a plain integer, not a foreign key, because a deleted product must still be removed from the index.
- **`IndexBuild`**: one full rebuild (`manage.py search_reindex`). While a build runs, the sync keeps the marks it
  makes so that the build, once its bulk load is done and the alias swapped, indexes them again into the new
  index: a change made during a rebuild is never overwritten by the build's older copy.
"""

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class DirtyProduct(models.Model):
    product_id = models.BigIntegerField(_("product id"), primary_key=True)
    token = models.UUIDField(_("token"), default=uuid.uuid4)
    marked_at = models.DateTimeField(_("marked at"), default=timezone.now)

    class Meta:
        verbose_name = _("product waiting for the search index")
        verbose_name_plural = _("products waiting for the search index")
        indexes = [models.Index(fields=["marked_at"], name="search_dirty_marked_at")]

    def __str__(self) -> str:
        return str(self.product_id)


class IndexBuild(models.Model):
    index_name = models.CharField(_("index"), max_length=200)
    started_at = models.DateTimeField(_("started at"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    documents = models.PositiveIntegerField(_("documents"), default=0)
    succeeded = models.BooleanField(_("succeeded"), default=False)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("search index build")
        verbose_name_plural = _("search index builds")

    def __str__(self) -> str:
        return self.index_name

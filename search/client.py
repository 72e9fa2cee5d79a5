"""The Elasticsearch client, built from settings once per process (and again when a test changes them)."""

from __future__ import annotations

from functools import lru_cache

from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.utils.module_loading import import_string
from elasticsearch import Elasticsearch


def is_configured() -> bool:
    return bool(settings.ELASTICSEARCH_URL)


def get_client() -> Elasticsearch:
    """The shared client. Requests give up after `ELASTICSEARCH_TIMEOUT` seconds and are not retried: a
    search that cannot answer at once falls back to the database (`search.service`), and indexing retries
    later from the dirty marks (`search.tasks`)."""
    return _client(settings.ELASTICSEARCH_URL, settings.ELASTICSEARCH_TIMEOUT, settings.ELASTICSEARCH_NODE_CLASS)


@lru_cache(maxsize=4)
def _client(url: str, timeout: float, node_class: str) -> Elasticsearch:
    options = {"request_timeout": timeout, "max_retries": 0, "retry_on_timeout": False}
    if node_class:
        options["node_class"] = import_string(node_class)
    return Elasticsearch(url, **options)


@receiver(setting_changed)
def _forget_client(*, setting, **kwargs):
    if setting.startswith("ELASTICSEARCH_"):
        _client.cache_clear()

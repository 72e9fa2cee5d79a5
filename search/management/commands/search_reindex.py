"""`manage.py search_reindex`: build a new product index, swap the alias to it, delete the old one.

Searches keep answering from the old index throughout. A progress bar shows the products loaded (on a
terminal it redraws one line; in a log, one line per tenth).
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from elasticsearch import ApiError, TransportError

from search.client import is_configured
from search.indexing import rebuild_index

BAR_WIDTH = 30


class ProgressBar:
    def __init__(self, stdout):
        self.stdout = stdout
        self.started = time.monotonic()
        self.last_tenth = -1
        self.interactive = stdout.isatty()

    def __call__(self, done: int, total: int) -> None:
        share = done / total if total else 1.0
        tenth = int(share * 10)
        if not self.interactive and tenth == self.last_tenth:
            return
        self.last_tenth = tenth
        filled = int(share * BAR_WIDTH)
        line = (
            f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {done:,}/{total:,} products "
            f"({share:.0%}, {time.monotonic() - self.started:.1f} s)"
        )
        self.stdout.write(f"\r{line}" if self.interactive else line, ending="" if self.interactive else "\n")


class Command(BaseCommand):
    help = "Rebuild the product search index behind its alias without interrupting search."

    def handle(self, *args, **options):
        if not is_configured():
            raise CommandError("ELASTICSEARCH_URL is not set: search uses the database, there is no index to build.")
        started = time.monotonic()
        progress = ProgressBar(self.stdout)
        try:
            count = rebuild_index(progress=progress)
        except (ApiError, TransportError) as error:
            raise CommandError(f"The search server failed, the old index still serves searches: {error}") from error
        if progress.interactive:
            self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                f"Indexed {count:,} products into {settings.SEARCH_INDEX_ALIAS} in {time.monotonic() - started:.1f} s."
            )
        )

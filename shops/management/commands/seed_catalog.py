"""`manage.py seed_catalog --products 10000 --shops 100`: a large public catalogue for benchmarks."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from shops.demo import seed_categories
from shops.large_catalogue import seed_large_catalogue
from shops.regions import load_regions


class Command(BaseCommand):
    help = "Fill the database with a large public catalogue (bench shops and products; additive, repeatable)."

    def add_arguments(self, parser):
        parser.add_argument("--products", type=int, default=10_000, help="Products in all (default 10,000).")
        parser.add_argument("--shops", type=int, default=100, help="Shops to spread them over (default 100).")
        parser.add_argument("--photos", type=int, default=24, help="Distinct photos shared by the products.")
        parser.add_argument(
            "--force", action="store_true", help="Run even with DEBUG off (benchmarks). Never on a real site."
        )

    def handle(self, *args, products, shops, photos, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("Refusing to add bench shops while DEBUG is off (use --force).")
        if shops < 1 or products < 0 or photos < 1:
            raise CommandError("--shops and --photos must be at least 1, --products at least 0.")
        started = time.monotonic()
        load_regions()
        seed_categories()
        result = seed_large_catalogue(products=products, shops=shops, photos=photos)
        self.stdout.write(f"Large catalogue: {result.summary()} in {time.monotonic() - started:.1f} s.")

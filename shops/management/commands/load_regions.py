from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from shops.regions import DATA_DIR, RegionDataError, load_regions


class Command(BaseCommand):
    help = "Load Indonesia's administrative regions (Kemendagri codes) from shops/data/regions/. Idempotent."

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help="Folder holding the region CSV files.")

    def handle(self, *args, data_dir: Path, **options):
        try:
            result = load_regions(data_dir=data_dir)
        except (RegionDataError, OSError) as error:
            raise CommandError(str(error)) from error
        for level, counts in result.levels().items():
            self.stdout.write(
                f"{level}: {counts.total} ({counts.created} created, {counts.updated} updated, "
                f"{counts.unchanged} unchanged)"
            )

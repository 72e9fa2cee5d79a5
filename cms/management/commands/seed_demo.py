from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from cms import demo
from cms.programme.demo import seed_open_data
from orders.demo import seed_orders
from payments.demo import seed_payout_accounts
from shops.demo import seed_categories
from shops.demo_catalogue import seed_shops_and_products
from shops.regions import load_regions
from workshops.demo import seed_workshops


class Command(BaseCommand):
    help = "Seed demo data (idempotent) and print the demo logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--url", default="http://127.0.0.1:8000", help="Where the demo is served, for the printout."
        )
        parser.add_argument(
            "--force", action="store_true", help="Seed even with DEBUG off (benchmarks). Never on a real site."
        )
        parser.add_argument(
            "--no-catalogue",
            action="store_false",
            dest="catalogue",
            help="Skip the demo shops and products (the slow part: about 120 photos through the upload pipeline).",
        )

    def handle(self, *args, url, force, catalogue=True, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "Refusing to create demo accounts with known passwords while DEBUG is off (use --force)."
            )
        # Reference data every deployment needs (docker-compose's migrate service loads it too).
        load_regions()
        seed_categories()
        accounts = demo.seed_accounts()
        demo.seed_home_page()
        if catalogue:
            emails = {account.role: account.email for account in accounts}
            result = seed_shops_and_products(
                operator=User.objects.get(email=emails["operator"]), seller=User.objects.get(email=emails["seller"])
            )
            self.stdout.write(f"Shops and products: {result.summary()}")
            placed = seed_orders(
                shopper=User.objects.get(email=emails["shopper"]),
                seller=User.objects.get(email=emails["seller"]),
                operator=User.objects.get(email=emails["operator"]),
            )
            self.stdout.write(f"Orders: {placed} placed")
            seed_payout_accounts()  # after the orders: the shops they paid get bank accounts for payouts
        demo.seed_storefront_pages()  # after the catalogue: the home page features its products and shops
        # After the catalogue, orders and payout accounts (participants' progress is derived from them), and after
        # the storefront pages, so the home page never features a participant's shop that has no products yet.
        emails = {account.role: account.email for account in accounts}
        workshops = seed_workshops(
            operator=User.objects.get(email=emails["operator"]),
            trainer=User.objects.get(email=emails["trainer"]),
            seller=User.objects.get(email=emails["seller"]),
            shopper=User.objects.get(email=emails["shopper"]),
            catalogue=catalogue,
        )
        self.stdout.write(f"Workshops: {workshops.summary()}")
        self.stdout.write(f"Open data: {seed_open_data()} datasets published")  # after everything they count
        url = url.rstrip("/")
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"\n  Site:        {url}/\n  Admin (CMS): {url}/cms/\n  API docs:    {url}/api/docs/\n")
        self.stdout.write(f"\n  Logins (password for all: {demo.DEMO_PASSWORD})")
        for account in accounts:
            self.stdout.write(f"    {account.role:<9} {account.email}")
        self.stdout.write("")

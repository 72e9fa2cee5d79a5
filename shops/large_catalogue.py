"""A large, realistic catalogue for benchmarks: `manage.py seed_catalog --products 10000 --shops 100`.

Not demo data for people (that is `shops.demo_catalogue`, through the services, with hand-written shops): this
fills a database fast enough to measure the storefront at the size a regency programme reaches.

- **Bulk inserts, valid values.** Rows are written with `bulk_create` in batches; the values are generated inside
  the limits the services enforce (prices 5,000 to about 650,000 whole rupiah, stock 0 to 200, weights, unique slugs and
  per-shop SKUs, sanitised descriptions), and the database constraints check them again. Shops are approved,
  products active and approved, so everything is public.
- **Shops** spread over Bali's districts (the regions must be loaded), owned by accounts `katalog-NNNN@…` without
  a usable password; one in eight has verified halal/PIRT/NIB data, one in twenty is on vacation.
- **Photos**: a pool of `photos` pictures goes once through the real pipeline (normalised WebP original and
  renditions); every product's main photo row points at one of those files, so pages render real `srcset`s
  without encoding 10,000 pictures.
- **Repeatable and additive**: shop `i` is always `katalog-besar-NNNN` and its products `…-produk-NNNN`; what
  exists is skipped, so running again with bigger numbers adds the difference.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from PIL import Image

from accounts.models import User
from marketplace.core import pagecache
from marketplace.core.richtext import clean_rich_text

from . import demo_photos
from .images import make_renditions, normalise_photo
from .models import Category, District, Product, ProductImage, ProductVariant, Shop, ShopMember, Village

SHOP_SLUG = "katalog-besar-{:04d}"
OWNER_EMAIL = "katalog-{:04d}@pasarumkm.test"
BATCH = 1000

SHOP_WORDS = ("Warung", "Dapur", "Toko", "Griya", "Sanggar", "Kedai", "Pondok", "Rumah", "Usaha", "Kios")
SHOP_NAMES = ("Made", "Ketut", "Wayan", "Nyoman", "Putu", "Komang", "Sari", "Dewi", "Agung", "Ayu", "Gede", "Luh")
PRODUCT_NOUNS = (
    "Kripik Pisang",
    "Sambal Matah",
    "Kopi Arabika",
    "Kain Endek",
    "Tas Anyaman Rotan",
    "Dupa Wangi",
    "Teh Rosela",
    "Madu Hutan",
    "Minyak Kelapa",
    "Lulur Bali",
    "Kacang Kapri",
    "Pie Susu",
    "Ukiran Kayu",
    "Gelang Perak",
    "Kaos Sablon",
    "Beras Merah",
    "Gula Aren",
    "Sabun Herbal",
    "Bantal Tenun",
    "Keranjang Bambu",
)
PRODUCT_ADJECTIVES = ("Original", "Pedas", "Premium", "Spesial", "Manis", "Klasik", "Asli", "Super", "Organik", "Mini")
SIZES = ("100 g", "250 g", "500 g", "1 kg", "S", "M", "L", "XL", "Kecil", "Besar")
DESCRIPTION = (
    "{title} buatan UMKM {district}, dibuat dalam jumlah kecil setiap minggu.\n"
    "Dikirim dalam kemasan aman. Tanyakan stok lewat WhatsApp."
)


@dataclass
class LargeCatalogueResult:
    shops_created: int = 0
    products_created: int = 0
    variants_created: int = 0

    def summary(self) -> str:
        return f"{self.shops_created} shops, {self.products_created} products, {self.variants_created} variants created"


def _photo_pool(count: int, rng: random.Random) -> list[dict]:
    """`count` photos through the pipeline, stored once: the field values of a ProductImage row each."""
    pool = []
    colours = [(200, 80, 40), (40, 120, 90), (120, 70, 160), (30, 110, 170), (180, 140, 30), (150, 60, 80)]
    for index in range(count):
        content = demo_photos.product_photo(
            title=rng.choice(PRODUCT_NOUNS),
            colour=colours[index % len(colours)],
            motif=demo_photos.MOTIFS[index % len(demo_photos.MOTIFS)],
            seed=index,
            edge=demo_photos.SELLER_PHOTO_EDGE,
        )
        with Image.open(ContentFile(content)) as image:
            original = normalise_photo(image)
        values = {"width": demo_photos.SELLER_PHOTO_EDGE, "height": demo_photos.SELLER_PHOTO_EDGE}
        values["original"] = default_storage.save(
            f"products/originals/katalog-{index:03d}.{original.extension}", ContentFile(original.content)
        )
        for name, rendition in make_renditions(original.content).items():
            values[name] = default_storage.save(
                f"products/renditions/katalog-{index:03d}-{name}.{rendition.extension}",
                ContentFile(rendition.content),
            )
        pool.append(values)
    return pool


def _owners(indexes: list[int]) -> dict[int, User]:
    unusable = make_password(None)
    emails = {index: OWNER_EMAIL.format(index) for index in indexes}
    existing = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    User.objects.bulk_create(
        [
            User(email=email, full_name=f"Pemilik Katalog {index}", password=unusable)
            for index, email in emails.items()
            if email not in existing
        ],
        batch_size=BATCH,
    )
    users = {user.email: user for user in User.objects.filter(email__in=emails.values())}
    return {index: users[email] for index, email in emails.items()}


def _shops(count: int, rng: random.Random, result: LargeCatalogueResult) -> list[Shop]:
    villages = list(Village.objects.filter(district__regency__province_id="51").select_related("district__regency"))
    if not villages:
        raise RuntimeError("Load the regions first (manage.py load_regions).")
    slugs = [SHOP_SLUG.format(index) for index in range(1, count + 1)]
    existing = set(Shop.objects.filter(slug__in=slugs).values_list("slug", flat=True))
    missing = [index for index in range(1, count + 1) if SHOP_SLUG.format(index) not in existing]
    owners = _owners(missing)
    now = timezone.now()
    today = timezone.localdate()
    new_shops = []
    for index in missing:
        village = rng.choice(villages)
        district: District = village.district
        verified = index % 8 == 0
        new_shops.append(
            Shop(
                name=f"{rng.choice(SHOP_WORDS)} {rng.choice(SHOP_NAMES)} {index}",
                slug=SHOP_SLUG.format(index),
                story=f"Usaha keluarga di {district.name} sejak {rng.randint(1985, 2024)}.",
                whatsapp=f"+628{rng.randint(1000000000, 1999999999)}",
                province_id="51",
                regency_id=district.regency_id,
                district=district,
                village=village,
                street_address=f"Jl. Raya {village.name} No. {rng.randint(1, 200)}",
                postal_code=village.postal_code or "80361",
                nib=f"{rng.randint(10**12, 10**13 - 1)}" if verified else "",
                nib_verified_at=now if verified else None,
                halal_certificate_number=f"ID51{rng.randint(10**14, 10**15 - 1)}" if verified else "",
                halal_expires_on=today + timedelta(days=700) if verified else None,
                halal_verified_at=now if verified else None,
                status=Shop.Status.APPROVED,
                submitted_at=now,
                reviewed_at=now,
                closed_until=today + timedelta(days=7) if index % 20 == 0 else None,
                created_at=now - timedelta(days=rng.randint(30, 700)),
            )
        )
    Shop.objects.bulk_create(new_shops, batch_size=BATCH)
    created = {shop.slug: shop for shop in Shop.objects.filter(slug__in=[shop.slug for shop in new_shops])}
    ShopMember.objects.bulk_create(
        [
            ShopMember(shop=created[SHOP_SLUG.format(index)], user=owners[index], role=ShopMember.Role.OWNER)
            for index in missing
        ],
        batch_size=BATCH,
    )
    result.shops_created = len(new_shops)
    return list(Shop.objects.filter(slug__in=slugs).select_related("district").order_by("slug"))


def seed_large_catalogue(*, products: int, shops: int, photos: int = 24, seed: int = 2026) -> LargeCatalogueResult:
    """Make sure `shops` approved bench shops exist with `products` public products spread over them."""
    if shops < 1 or products < 0:
        raise ValueError("Needs at least one shop and a non-negative number of products.")
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    result = LargeCatalogueResult()
    categories = list(Category.objects.filter(numchild=0))
    if not categories:
        raise RuntimeError("Load the categories first (seed_demo, or shops.demo.seed_categories).")
    with transaction.atomic():
        shop_list = _shops(shops, rng, result)
    pool: list[dict] | None = None
    now = timezone.now()
    per_shop = [products // shops + (1 if index < products % shops else 0) for index in range(shops)]
    for shop, wanted in zip(shop_list, per_shop, strict=True):
        slugs = [f"{shop.slug}-produk-{number:04d}" for number in range(1, wanted + 1)]
        existing = set(Product.objects.filter(shop=shop, slug__in=slugs).values_list("slug", flat=True))
        todo = [slug for slug in slugs if slug not in existing]
        if not todo:
            continue
        if pool is None:
            pool = _photo_pool(photos, rng)
        with transaction.atomic():
            new_products = []
            for slug in todo:
                title = f"{rng.choice(PRODUCT_NOUNS)} {rng.choice(PRODUCT_ADJECTIVES)}"
                new_products.append(
                    Product(
                        shop=shop,
                        title=title,
                        slug=slug,
                        description=clean_rich_text(DESCRIPTION.format(title=title, district=shop.district.name)),
                        category=rng.choice(categories),
                        status=Product.Status.ACTIVE,
                        moderation=Product.Moderation.APPROVED,
                        weight_grams=rng.choice((100, 250, 500, 1000, 1500)),
                        created_at=now - timedelta(minutes=rng.randint(0, 365 * 24 * 60)),
                    )
                )
            Product.objects.bulk_create(new_products, batch_size=BATCH)
            saved = list(Product.objects.filter(shop=shop, slug__in=todo).order_by("slug"))
            variants, images = [], []
            for product in saved:
                number = product.slug.rsplit("-", 1)[1]
                sizes = rng.sample(SIZES, rng.choice((1, 1, 2, 3)))
                base = rng.randrange(5_000, 500_000, 500)
                for position, size in enumerate(sizes):
                    variants.append(
                        ProductVariant(
                            product=product,
                            shop=shop,
                            name=size if len(sizes) > 1 else "",
                            sku=f"KB{shop.pk}-{number}-{position + 1}",
                            price=base + position * rng.randrange(2_000, 50_000, 500),
                            stock=0 if rng.random() < 0.08 else rng.randint(1, 200),
                        )
                    )
                images.append(ProductImage(product=product, position=0, is_main=True, **rng.choice(pool)))
            ProductVariant.objects.bulk_create(variants, batch_size=BATCH)
            ProductImage.objects.bulk_create(images, batch_size=BATCH)
        result.products_created += len(saved)
        result.variants_created += len(variants)
    pagecache.invalidate()  # bulk_create sends no signal (cms.signals)
    # Thousands of rows arrived at once: refresh the planner's statistics now rather than whenever autovacuum
    # gets to it (PostgreSQL), or never (SQLite), so the first pages are planned for a big catalogue.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return result

"""Demo data of the shops app, for `manage.py seed_demo`. Safe to run again: it changes nothing the second time."""

from django.db import transaction

from .models import Category

Icon = Category.Icon

# (name, slug, icon, children): categories that fit the small businesses of Badung, Bali.
DEMO_CATEGORIES = [
    (
        "Makanan & Minuman",
        "makanan-minuman",
        Icon.FOOD,
        [
            ("Kripik & Camilan", "kripik-camilan", Icon.SNACK),
            ("Sambal & Bumbu", "sambal-bumbu", Icon.CHILI),
            ("Kopi & Teh", "kopi-teh", Icon.COFFEE),
            ("Kue & Jajanan Bali", "kue-jajanan-bali", Icon.FOOD),
        ],
    ),
    ("Oleh-oleh", "oleh-oleh", Icon.GIFT, []),
    (
        "Kerajinan",
        "kerajinan",
        Icon.CRAFT,
        [
            ("Anyaman", "anyaman", Icon.CRAFT),
            ("Ukiran Kayu", "ukiran-kayu", Icon.CRAFT),
            ("Perak & Perhiasan", "perak-perhiasan", Icon.CRAFT),
        ],
    ),
    (
        "Kain & Fashion",
        "kain-fashion",
        Icon.FABRIC,
        [
            ("Kain Endek", "kain-endek", Icon.FABRIC),
            ("Pakaian", "pakaian", Icon.CLOTHING),
        ],
    ),
    ("Kecantikan", "kecantikan", Icon.BEAUTY, [("Minyak & Lulur Bali", "minyak-lulur-bali", Icon.BEAUTY)]),
    ("Pertanian", "pertanian", Icon.FARM, [("Sayur & Buah", "sayur-buah", Icon.FARM)]),
    ("Jasa", "jasa", Icon.SERVICE, []),
]


def _ensure(parent: Category | None, *, name: str, slug: str, icon: str) -> tuple[Category, bool]:
    existing = Category.objects.filter(slug=slug).first()
    if existing is not None:
        return existing, False
    if parent is None:
        return Category.add_root(name=name, slug=slug, icon=icon), True
    return parent.add_child(name=name, slug=slug, icon=icon), True


@transaction.atomic
def seed_categories() -> int:
    """Create the demo category tree where missing (matched by slug; operators' edits are kept).

    Returns how many categories were created (0 on a second run)."""
    created = 0
    for name, slug, icon, children in DEMO_CATEGORIES:
        parent, was_created = _ensure(None, name=name, slug=slug, icon=icon)
        created += was_created
        for child_name, child_slug, child_icon in children:
            # Re-read the parent: treebeard keeps child counts on the row, and a stale one breaks paths.
            parent.refresh_from_db()
            _child, was_created = _ensure(parent, name=child_name, slug=child_slug, icon=child_icon)
            created += was_created
    return created

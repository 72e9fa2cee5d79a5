"""Demo workshops for `manage.py seed_demo` (run after the catalogue, the orders and the payout accounts):

- the demo trainer (`cms.demo`, pelatih@pasarumkm.test) gets a trainer profile granted by the demo operator;
- **"Jualan Online untuk Pemula — Batch 1"**, completed last month in Mengwi (Badung), two sessions, everyone
  checked in (so everyone has a certificate code), with participants at every onboarding step
  (`workshops.selectors.STEPS`). The steps are *derived* from real data built through the real services:
  - new participant accounts: one whose email is not verified yet (registered), one verified without a shop
    (email verified), one with a draft shop (shop created), one whose shop was approved but has no product yet
    (shop approved);
  - owners of the demo catalogue's shops (`shops.demo_catalogue`): the shop waiting for review (shop submitted),
    a shop with products (first product with a photo), a shop whose owner then set a bank account (payout method
    set), a shop that also received its first order, paid, not shipped yet (first order received: a participant
    bought from a fellow participant), and the demo seller, whose demo order was shipped (`orders.demo`);
- **"Foto Produk dan Promosi Lewat WhatsApp"**, published, in two weeks in Kuta, 25 seats, a few registered.

Decisions:

- **Through the services** (`trainer_grant`, `workshop_create`, `workshop_publish`, `registration_create`,
  `registration_check_in`; `shop_create`/`shop_submit`/`shop_approve`, `payout_account_update_bank`,
  `order_place`, `bank_transfer_confirm`), so the demo passes the same rules as real data. The services refuse to
  publish a workshop in the past, and only a published workshop takes registrations and check-ins: the
  completed workshop is made as a future one, filled and checked in, then moved into the past in one
  `QuerySet.update()` of its sessions, status and registration times (no service moves time backwards). The
  page cache is invalidated by hand after those bulk updates (they send no signal).
- **Without the catalogue** (`seed_demo --no-catalogue`) only the demo accounts take part (no new account, shop
  or order is made): the seller and the shopper in the completed workshop, the shopper in the upcoming one.
- **Idempotent**: workshops are found by title, accounts by email, shops by owner, the order by its buyer and
  shop; a second run creates and changes nothing. A completed workshop once made is left alone (a later run
  with the catalogue does not add the sellers to a workshop first seeded without it).
- **No mail**: seeding swaps the email backend for Django's dummy backend (as the catalogue does).
- No approved shop with products and no product is added, so the catalogue's counts stay; the one approved
  shop without products shows in the public shop list (the smoke test counts it).
"""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from allauth.account.models import EmailAddress
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from marketplace.core import pagecache
from orders.demo_shipping import seed_shipping_options
from orders.models import Cart, CartLine, ShippingOption, ShopOrder
from orders.services.checkout import order_place
from payments.models import Payment, PayoutAccount
from payments.services import bank_transfer_confirm
from payments.services.payouts import payout_account_update_bank
from shops.models import District, ProductVariant, Shop, ShopMember, Village
from shops.services import shop_approve, shop_create, shop_submit, shop_update_profile

from .models import Registration, TrainerProfile, Workshop, WorkshopSession
from .services import (
    WorkshopStateError,
    registration_check_in,
    registration_create,
    trainer_grant,
    workshop_create,
    workshop_publish,
)

WITA = ZoneInfo("Asia/Makassar")
BADUNG = "51.03"
COMPLETED_TITLE = "Jualan Online untuk Pemula — Batch 1"
UPCOMING_TITLE = "Foto Produk dan Promosi Lewat WhatsApp"
COMPLETED_DAYS_AGO = 33  # first session; the second is the day after
UPCOMING_IN_DAYS = 14
UPCOMING_CAPACITY = 25
ORDER_IDEMPOTENCY_KEY = "demo-workshop-first-order"
ORDER_VILLAGE = "51.03.06.2005"  # Canggu, Kuta Utara (where the buyer lives)

DISTRICTS = ["Kuta", "Kuta Selatan", "Kuta Utara", "Mengwi", "Abiansemal", "Petang"]
QUESTIONS = [
    {"key": "district", "label": "Kecamatan tempat usaha", "kind": "choice", "choices": DISTRICTS},
    {"key": "android", "label": "Punya HP Android untuk memotret produk?", "kind": "yes_no"},
    {"key": "product", "label": "Apa yang Anda jual (atau ingin jual)?", "kind": "text"},
]


@dataclass(frozen=True)
class DemoParticipant:
    email: str
    full_name: str
    phone: str
    verified: bool = True
    shop: str = ""  # "draft" or "approved": a shop of their own, made through the shop services
    shop_name: str = ""
    district: str = "Mengwi"
    product: str = ""


# New participants, only when the catalogue is seeded (see the module docstring).
NEW_PARTICIPANTS = (
    DemoParticipant(
        "wayan.peserta@pasarumkm.test",
        "Ni Wayan Sumerti",
        "+6281100000101",
        verified=False,
        district="Abiansemal",
        product="Canang dan bunga potong",
    ),
    DemoParticipant(
        "gede.peserta@pasarumkm.test", "I Gede Suardana", "+6281100000102", district="Kuta Utara", product="Kopi"
    ),
    DemoParticipant(
        "komang.peserta@pasarumkm.test",
        "Komang Ayu Widiastuti",
        "+6281100000103",
        shop="draft",
        shop_name="Tenun Ikat Komang",
        district="Kuta",
        product="Kain tenun ikat",
    ),
    DemoParticipant(
        "kadek.peserta@pasarumkm.test",
        "Kadek Dwi Antari",
        "+6281100000104",
        shop="approved",
        shop_name="Loloh Cemcem Kadek",
        district="Mengwi",
        product="Loloh cemcem dan jamu",
    ),
)
WAITING_SHOP = "kerajinan-lontar-tuban"  # submitted, waiting for review
PRODUCTS_ONLY_SHOP = "anyaman-bambu-sangeh"  # approved with products, nothing else
PAYOUT_SHOP = "ukir-dan-perak-jimbaran"  # the owner sets a bank account here
FIRST_ORDER_SHOP = "kopi-pelaga-bu-komang"  # bank account and a first paid order, not shipped
ORDER_BUYER = "gede.peserta@pasarumkm.test"


@dataclass
class WorkshopsResult:
    created: list[str] = field(default_factory=list)
    completed_participants: int = 0
    upcoming_taken: int = 0
    upcoming_starts: datetime | None = None

    def summary(self) -> str:
        when = f" on {self.upcoming_starts.astimezone(WITA):%d %b %Y}" if self.upcoming_starts else ""
        return (
            f"1 completed ({self.completed_participants} participants checked in), 1 upcoming{when} "
            f"({self.upcoming_taken} of {UPCOMING_CAPACITY} seats taken); this run created {len(self.created)}"
        )


@contextmanager
def _no_mail():
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        yield


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=WITA)


def _sessions(first_day: date) -> list[dict]:
    return [{"starts_at": _at(day, 9), "ends_at": _at(day, 12)} for day in (first_day, first_day + timedelta(days=1))]


def _district(name: str) -> District | None:
    return District.objects.filter(regency_id=BADUNG, name=name).first()


# --- People -----------------------------------------------------------------------------------------------------


def _participant_user(spec: DemoParticipant) -> User:
    user, created = User.objects.get_or_create(
        email=spec.email, defaults={"full_name": spec.full_name, "phone": spec.phone}
    )
    if created:
        # They exist to show progress on the trainer's pages; nobody logs in as them.
        user.set_unusable_password()
        user.save(update_fields=["password"])
        EmailAddress.objects.get_or_create(
            user=user, email=spec.email, defaults={"verified": spec.verified, "primary": True}
        )
    return user


def _participant_shop(spec: DemoParticipant, user: User, operator: User) -> None:
    membership = ShopMember.objects.select_related("shop").filter(user=user, role=ShopMember.Role.OWNER).first()
    shop = membership.shop if membership else shop_create(owner=user, name=spec.shop_name)
    if spec.shop != "approved":
        return
    if shop.status == Shop.Status.DRAFT:
        village = (
            Village.objects.select_related("district__regency__province")
            .filter(district__regency_id=BADUNG, district__name=spec.district)
            .order_by("code")
            .first()
        )
        if village is None:
            return
        district = village.district
        shop = shop_update_profile(
            shop=shop,
            actor=user,
            story="Loloh cemcem buatan rumah dari daun cemcem kebun sendiri, tanpa pengawet. Baru ikut pelatihan "
            "dan sedang belajar memotret produk.",
            whatsapp=spec.phone,
            province=district.regency.province,
            regency=district.regency,
            district=district,
            village=village,
            street_address="Banjar Tengah No. 3",
            postal_code=village.postal_code or "80351",
        )
        shop = shop_submit(shop=shop, actor=user)
    if shop.status == Shop.Status.SUBMITTED:
        shop = shop_approve(shop=shop, operator=operator)
        seed_shipping_options([shop])  # as every approved demo shop has (seed_orders would add them next run)


def _owner_of(slug: str) -> tuple[Shop, User] | None:
    membership = (
        ShopMember.objects.select_related("shop", "user").filter(shop__slug=slug, role=ShopMember.Role.OWNER).first()
    )
    return (membership.shop, membership.user) if membership else None


def _bank_account(shop: Shop, owner: User) -> None:
    account = PayoutAccount.objects.filter(shop=shop).first()
    if account is not None and account.has_bank_account:
        return
    payout_account_update_bank(
        shop=shop, user=owner, bank_name="BPD Bali", account_number=f"0201{shop.pk:08d}", account_holder=owner.full_name
    )


def _first_order(shop: Shop, buyer: User, operator: User) -> None:
    """A paid bank-transfer order from `buyer` at `shop`, waiting to be shipped (once)."""
    if ShopOrder.objects.filter(shop=shop, order__buyer=buyer).exists():
        return
    variant = ProductVariant.objects.filter(shop=shop, is_active=True, stock__gte=2).order_by("pk").first()
    option = ShippingOption.objects.filter(shop=shop, is_active=True).exclude(kind="local_delivery").first()
    village = Village.objects.select_related("district__regency__province").filter(code=ORDER_VILLAGE).first()
    if variant is None or option is None or village is None:
        return
    cart, _ = Cart.objects.get_or_create(user=buyer)
    CartLine.objects.update_or_create(
        cart=cart, variant=variant, defaults={"quantity": 2, "price_when_added": variant.price}
    )
    order = order_place(
        cart=cart,
        buyer=buyer,
        email=buyer.email,
        address={
            "recipient_name": buyer.full_name,
            "phone": buyer.phone,
            "province": village.district.regency.province,
            "regency": village.district.regency,
            "district": village.district,
            "village": village,
            "street_address": "Jl. Pantai Berawa No. 12",
            "postal_code": village.postal_code or "80361",
        },
        shipping={shop.pk: option.pk},
        payment_method="bank_transfer",
        idempotency_key=ORDER_IDEMPOTENCY_KEY,
    ).order
    bank_transfer_confirm(payment=Payment.objects.get(order=order), operator=operator)


def _completed_participants(*, catalogue: bool, seller: User, shopper: User, operator: User) -> list[User]:
    """Everyone who attended the completed workshop, their data built so they stand at every step."""
    if not catalogue:
        return [seller, shopper]
    people = []
    for spec in NEW_PARTICIPANTS:
        user = _participant_user(spec)
        if spec.shop:
            _participant_shop(spec, user, operator)
        people.append(user)
    owners = {slug: _owner_of(slug) for slug in (WAITING_SHOP, PRODUCTS_ONLY_SHOP, PAYOUT_SHOP, FIRST_ORDER_SHOP)}
    for slug in (PAYOUT_SHOP, FIRST_ORDER_SHOP):
        if owners[slug] is not None:
            _bank_account(*owners[slug])
    if owners[FIRST_ORDER_SHOP] is not None:
        buyer = User.objects.get(email=ORDER_BUYER)
        _first_order(owners[FIRST_ORDER_SHOP][0], buyer, operator)
    people += [owner for _shop, owner in filter(None, owners.values())]
    people.append(seller)
    return people


def _date_the_newcomers(past_day: date) -> None:
    """The newcomers joined before the workshop and did their last step a few days after it, then stopped: the
    trainer's list shows them stuck for about a month (the catalogue sellers keep their real, recent times)."""
    emails = [spec.email for spec in NEW_PARTICIPANTS]
    User.objects.filter(email__in=emails).update(date_joined=_at(past_day - timedelta(days=20), 10))
    after = _at(past_day + timedelta(days=2), 15)
    shops = Shop.objects.filter(members__user__email__in=emails, members__role=ShopMember.Role.OWNER)
    shops.update(created_at=after)
    shops.exclude(submitted_at=None).update(submitted_at=after + timedelta(hours=1))
    shops.exclude(reviewed_at=None).update(reviewed_at=after + timedelta(days=1))


def _answers(user: User) -> dict:
    spec = next((spec for spec in NEW_PARTICIPANTS if spec.email == user.email), None)
    shop = Shop.objects.filter(members__user=user, members__role="owner").select_related("district").first()
    district = shop.district.name if shop and shop.district_id else (spec.district if spec else "Mengwi")
    return {
        "district": district if district in DISTRICTS else "Mengwi",
        "android": "yes",
        "product": spec.product if spec and spec.product else (shop.name if shop else "Belum tahu"),
    }


# --- Workshops --------------------------------------------------------------------------------------------------


def _seed_completed(*, trainer: User, people: list[User], result: WorkshopsResult) -> Workshop:
    """Created as a future workshop (the services allow nothing else), filled, checked in, then moved into the
    past with `QuerySet.update()` (see the module docstring)."""
    existing = Workshop.objects.filter(title=COMPLETED_TITLE).first()
    if existing is not None:
        return existing
    today = timezone.localdate(timezone=WITA)
    future_day = today + timedelta(days=2)
    past_day = today - timedelta(days=COMPLETED_DAYS_AGO)
    with transaction.atomic():
        workshop = workshop_create(
            user=trainer,
            data={
                "title": COMPLETED_TITLE,
                "description": (
                    "Pelatihan dua hari untuk pelaku UMKM Badung yang baru mulai berjualan online: membuat akun, "
                    "membuka toko di Pasar UMKM, memotret produk dengan HP, menulis deskripsi, menentukan ongkos "
                    "kirim, dan melayani pesanan pertama. Bawa HP Android dan satu atau dua produk Anda."
                ),
                "venue_name": "Aula Dinas Koperasi dan UKM Kabupaten Badung",
                "venue_address": "Jl. Raya Sempidi, Mangupura, Mengwi, Badung",
                "district": _district("Mengwi"),
                "map_url": "",
                "online_url": "",
                "capacity": 20,
                "registration_deadline": _at(future_day - timedelta(days=1), 17),
                "questions": QUESTIONS,
            },
            sessions=_sessions(future_day),
        )
        workshop = workshop_publish(workshop=workshop, user=trainer)
        for user in people:
            registration = registration_create(workshop=workshop, user=user, answers=_answers(user))
            registration_check_in(workshop=workshop, code=registration.qr_secret, trainer=trainer)
        # Back to last month: no service moves a workshop into the past, so the rows are updated directly.
        shift = _at(past_day, 9) - _at(future_day, 9)
        for session in WorkshopSession.objects.filter(workshop=workshop):
            WorkshopSession.objects.filter(pk=session.pk).update(
                starts_at=session.starts_at + shift, ends_at=session.ends_at + shift
            )
        Workshop.objects.filter(pk=workshop.pk).update(
            status=Workshop.Status.COMPLETED,
            registration_deadline=workshop.registration_deadline + shift,
            created_at=_at(past_day - timedelta(days=21), 10),
        )
        for index, registration in enumerate(Registration.objects.filter(workshop=workshop).order_by("pk")):
            Registration.objects.filter(pk=registration.pk).update(
                created_at=_at(past_day - timedelta(days=14), 10) + timedelta(hours=index),
                checked_in_at=_at(past_day, 8) + timedelta(minutes=30 + 2 * index),
            )
        _date_the_newcomers(past_day)
        pagecache.invalidate()
    result.created.append(COMPLETED_TITLE)
    workshop.refresh_from_db()
    return workshop


def _seed_upcoming(*, trainer: User, people: list[User], result: WorkshopsResult) -> Workshop:
    workshop = Workshop.objects.filter(title=UPCOMING_TITLE).first()
    if workshop is None:
        first_day = timezone.localdate(timezone=WITA) + timedelta(days=UPCOMING_IN_DAYS)
        with transaction.atomic():
            workshop = workshop_create(
                user=trainer,
                data={
                    "title": UPCOMING_TITLE,
                    "description": (
                        "Cara memotret produk yang menarik hanya dengan HP dan cahaya jendela, lalu mempromosikannya "
                        "lewat status WhatsApp dan katalog WhatsApp Business yang terhubung ke toko Anda di Pasar "
                        "UMKM. Untuk penjual yang sudah punya toko maupun yang baru akan memulai."
                    ),
                    "venue_name": "Ruang Serbaguna Kantor Camat Kuta",
                    "venue_address": "Jl. Raya Kuta No. 1, Kuta, Badung",
                    "district": _district("Kuta"),
                    "map_url": "",
                    "online_url": "",
                    "capacity": UPCOMING_CAPACITY,
                    "registration_deadline": _at(first_day - timedelta(days=1), 17),
                    "questions": QUESTIONS[:2],
                },
                sessions=_sessions(first_day),
            )
            workshop = workshop_publish(workshop=workshop, user=trainer)
        result.created.append(UPCOMING_TITLE)
    if workshop.status == Workshop.Status.PUBLISHED:
        for user in people:
            if Registration.objects.filter(workshop=workshop, user=user).exists():
                continue
            try:
                registration_create(workshop=workshop, user=user, answers={"android": "yes"})
            except WorkshopStateError:  # registration has closed since an earlier run: leave it
                break
    return workshop


def seed_workshops(*, operator: User, trainer: User, seller: User, shopper: User, catalogue: bool) -> WorkshopsResult:
    """The demo trainer's profile and workshops (see the module docstring). `catalogue`: the demo catalogue,
    orders and payout accounts were seeded (this run or before); without them only the demo accounts take part.
    Safe to run again."""
    result = WorkshopsResult()
    catalogue = catalogue and Shop.objects.filter(slug__in=[WAITING_SHOP, PAYOUT_SHOP, FIRST_ORDER_SHOP]).exists()
    with _no_mail(), transaction.atomic():
        if not TrainerProfile.objects.filter(user=trainer, is_active=True).exists():
            trainer_grant(user=trainer, operator=operator)
        completed = Workshop.objects.filter(title=COMPLETED_TITLE).first()
        if completed is None:
            people = _completed_participants(catalogue=catalogue, seller=seller, shopper=shopper, operator=operator)
            completed = _seed_completed(trainer=trainer, people=people, result=result)
        upcoming_people = [shopper]
        if catalogue:
            upcoming_people += list(
                User.objects.filter(email__in=["gede.peserta@pasarumkm.test", "komang.peserta@pasarumkm.test"])
            )
        upcoming = _seed_upcoming(trainer=trainer, people=upcoming_people, result=result)
    result.completed_participants = Registration.objects.filter(workshop=completed, checked_in_at__isnull=False).count()
    result.upcoming_taken = Registration.objects.filter(
        workshop=upcoming, status=Registration.Status.REGISTERED
    ).count()
    result.upcoming_starts = upcoming.sessions.order_by("starts_at").values_list("starts_at", flat=True).first()
    return result

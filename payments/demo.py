"""Demo payout settings: every demo shop with money in its ledger gets a bank account, so the operators' payout
screen (`/cms/pencairan/`) has balances to pay out in a batch. Safe to run again."""

from shops.models import Shop

from .models import LedgerEntry, PayoutAccount

DEMO_BANKS = ("BRI", "BCA", "Mandiri", "BNI", "BPD Bali")


def seed_payout_accounts() -> int:
    """Bank accounts for the shops that have ledger entries and none yet; returns how many were created."""
    shop_ids = LedgerEntry.objects.values_list("shop_id", flat=True).distinct()
    created = 0
    for index, shop in enumerate(Shop.objects.filter(pk__in=shop_ids, payout_account__isnull=True).order_by("pk")):
        owner = shop.members.filter(role="owner").select_related("user").first()
        holder = owner.user.full_name if owner and owner.user.full_name else shop.name
        PayoutAccount.objects.create(
            shop=shop,
            bank_name=DEMO_BANKS[index % len(DEMO_BANKS)],
            account_number=f"0011{shop.pk:08d}",
            account_holder=holder[:150],
        )
        created += 1
    return created

"""Writes of the payments app (DESIGN §6): `payments` (initiating, confirming, failing, flagging, restarting a
payment), `ledger` (the seller ledger's bookings), `refunds`, `payouts`, and `stripe_events` (what Stripe's
webhook events do). Orders are moved only through `orders.services` functions.

The names other apps and the views use are re-exported here."""

from .payments import (
    RESTARTABLE_METHODS,
    bank_transfer_confirm,
    bank_transfer_upload_proof,
    payment_cancel_for_order,
    payment_cod_collected,
    payment_create_for_order,
    payment_flag,
    payment_flag_resolve,
    payment_mark_failed,
    payment_mark_succeeded,
    payment_reprice_for_order,
    payment_restart,
)

__all__ = [
    "RESTARTABLE_METHODS",
    "bank_transfer_confirm",
    "bank_transfer_upload_proof",
    "payment_cancel_for_order",
    "payment_cod_collected",
    "payment_create_for_order",
    "payment_flag",
    "payment_flag_resolve",
    "payment_mark_failed",
    "payment_mark_succeeded",
    "payment_reprice_for_order",
    "payment_restart",
]

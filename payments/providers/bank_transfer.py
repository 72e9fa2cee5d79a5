"""Bank transfer to the platform's account (DESIGN §6).

The shopper transfers the order total plus a unique code of 1-999 rupiah (`Payment.unique_code`), so an
operator can match the transfer on the bank statement by its amount alone; the order number is the transfer's
reference too. Shop orders wait in `awaiting_payment` until an operator confirms
(`payments.services.bank_transfer_confirm`), or until `Order.pay_before` passes and the order expires.
"""

from django.conf import settings

from .base import NextAction, PaymentProvider


class BankTransferProvider(PaymentProvider):
    code = "bank_transfer"

    def is_configured(self) -> bool:
        return bool(settings.BANK_TRANSFER_ACCOUNTS)

    def accepts(self, *, shop) -> bool:
        return True  # the money goes to the platform's account, whatever the shop

    def initial_status(self) -> str:
        return "awaiting_payment"

    def initiate(self, *, payment) -> NextAction:
        order = payment.order
        return NextAction(
            "bank_transfer",
            {
                "amount": payment.amount,
                "unique_code": payment.unique_code,
                "reference": order.number,
                "pay_before": order.pay_before.isoformat() if order.pay_before else None,
                "accounts": list(settings.BANK_TRANSFER_ACCOUNTS),
            },
        )

    def handle_confirmation(self, *, payment, user=None, data=None):
        from payments.services import payment_mark_succeeded

        return payment_mark_succeeded(payment=payment, user=user)

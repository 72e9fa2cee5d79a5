"""Cash on delivery: the shop opts in; the order goes to `processing` at once; each seller collects their part
in cash and marks it paid on delivery (`orders.services.fulfilment.shop_order_mark_delivered`)."""

from .base import NextAction, PaymentProvider


class CashOnDeliveryProvider(PaymentProvider):
    code = "cod"

    def accepts(self, *, shop) -> bool:
        return shop.accepts_cash_on_delivery

    def initial_status(self) -> str:
        return "processing"

    def initiate(self, *, payment) -> NextAction:
        return NextAction("none", {"amount": payment.amount})

    def handle_confirmation(self, *, payment, user=None, data=None):
        from payments.services import payment_mark_succeeded

        return payment_mark_succeeded(payment=payment, user=user)

"""Every state change of carts, orders and reviews (STYLE: services write). One module per concern:
`cart.py`, `checkout.py`, `fulfilment.py`, `reviews.py`, `addresses.py`, `shipping_options.py`,
`notifications.py` (the mails, written to the outbox in the caller's transaction)."""

"""Forms of the orders app, one module per concern: `addresses` (the address form checkout and the address book
share) and `shipping` (a shop's shipping options). Forms parse input; the services check the rules again."""

"""Pages of the orders app. One module per concern."""

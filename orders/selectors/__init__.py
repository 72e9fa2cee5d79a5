"""Reads of the orders app (STYLE: selectors read). One module per concern."""

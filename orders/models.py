"""Models of the orders app; filled by the issue that builds it (see docs/architecture.md)."""

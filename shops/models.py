"""Models of the shops app; filled by the issue that builds it (see docs/architecture.md)."""

"""Models of the workshops app; filled by the issue that builds it (see docs/architecture.md)."""

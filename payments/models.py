"""Models of the payments app; filled by the issue that builds it (see docs/architecture.md)."""

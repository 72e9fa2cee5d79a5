"""Models of the search app; filled by the issue that builds it (see docs/architecture.md)."""

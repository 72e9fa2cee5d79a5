"""factory_boy factories, one module per app; import them from here."""

from .accounts import UserFactory, VerifiedUserFactory

__all__ = ["UserFactory", "VerifiedUserFactory"]

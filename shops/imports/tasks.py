"""Celery tasks of the bulk import (discovered by `marketplace.celery`)."""

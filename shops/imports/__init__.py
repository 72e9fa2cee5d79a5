"""Bulk product import from CSV and XLSX (issue 3): parse, validate every row in a Celery job, preview,
and apply on the seller's confirmation, updating by SKU."""

"""The Celery application.

Configuration comes from Django settings (`CELERY_*`): the broker is Redis at `REDIS_URL`; with no broker
configured, tasks run eagerly in the calling process (the demo). The beat schedule lives in settings.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings.base")

app = Celery("marketplace")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Sub-packages with their own `tasks` module (autodiscovery only looks at each app's top level).
app.autodiscover_tasks(["shops.imports"])

"""The Celery app: Redis when REDIS_URL is set, else the embedded filesystem transport (see settings)."""

import os
from pathlib import Path

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crm.settings")

app = Celery("crm")
app.config_from_object("django.conf:settings", namespace="CELERY")
for folder in app.conf.broker_transport_options.values():
    if isinstance(folder, str) and folder.startswith("/"):
        Path(folder).mkdir(parents=True, exist_ok=True)
app.autodiscover_tasks()

# The periodic jobs of DOMAIN §7 are added here as they are built (see the scheduled-jobs issue).
app.conf.beat_schedule = {}

"""The Celery app: queues per kind of work, late acks, and the beat schedule."""
import os

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")

app = Celery("boomer_site")
app.config_from_object("django.conf:settings", namespace="CELERY")

QUEUES = ("vision", "market", "listing", "default")
# Redis priorities: 0 is served first (see CELERY_BROKER_TRANSPORT_OPTIONS priority_steps).
PRIORITY = {"high": 0, "medium": 3, "low": 6}

# Each queue on its own exchange and key: bound to one shared key, every queue would get a copy.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
app.conf.task_routes = {
    "agents.vision": {"queue": "vision"},
    "agents.condition": {"queue": "vision"},
    "agents.market": {"queue": "market"},
    "agents.describe": {"queue": "listing"},
}
app.conf.beat_schedule = {
    "purge-expired-market-data": {
        "task": "marketplaces.purge_expired_market_data",
        "schedule": crontab(minute=15, hour=3),
    },
    "resume-stalled-products": {
        "task": "agents.resume_stalled",
        "schedule": 300.0,
    },
}
app.autodiscover_tasks()

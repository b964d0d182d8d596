"""The Celery app: queues per kind of work, late acks, and the beat schedule."""
import os

from celery import Celery
from celery.schedules import crontab
from kombu import Exchange, Queue

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "boomer_site.settings.local")

app = Celery("boomer_site")
app.config_from_object("django.conf:settings", namespace="CELERY")

QUEUES = ("vision", "market", "listing", "default")
# Redis priorities: 0 is served first (CELERY_BROKER_TRANSPORT_OPTIONS priority_steps: one list
# per level). Later pipeline steps run one level higher than the first, so items already under
# way finish before new ones start (depth first): a batch of 50 then yields its first drafts
# after seconds, not after every photo has been read.
PRIORITY = {"high": 2, "medium": 5, "low": 8}

# Each queue on its own exchange and key: bound to one shared key, every queue would get a copy.
app.conf.task_queues = [Queue(name, Exchange(name), routing_key=name) for name in QUEUES]
# Routes for tasks sent by name (a signature or `task_send`, which do not know the task's own
# queue); a task object's queue, or one set on the signature, takes precedence.
app.conf.task_routes = {
    "agents.vision": {"queue": "vision"},
    "agents.condition": {"queue": "vision"},
    "agents.market": {"queue": "market"},
    "agents.describe": {"queue": "vision"},
    "market.research_product": {"queue": "market"},  # an AI step: with a remote model it waits, not computes
    "listings.publish": {"queue": "listing"},
    "listings.settle": {"queue": "listing"},
    "listings.withdraw": {"queue": "listing"},
    "listings.republish": {"queue": "listing"},
    "listings.sync_status": {"queue": "listing"},
    "listings.sync_account": {"queue": "listing"},
}
app.conf.beat_schedule = {
    "purge-expired-market-data": {"task": "market.purge_expired_market_data", "schedule": crontab(minute=15, hour=3)},
    "refresh-market-data": {"task": "market.refresh", "schedule": crontab(minute=0, hour=4)},
    "record-price-outcomes": {"task": "market.record_outcomes", "schedule": 600.0},
    "sync-listing-status": {"task": "listings.sync_platforms", "schedule": 600.0},
    "expire-listings": {"task": "listings.expire_listings", "schedule": 900.0},
    "retry-failed-listings": {"task": "listings.retry_failed_listings", "schedule": 300.0},
    "reconcile-listings": {"task": "listings.reconcile", "schedule": 300.0},
    "sweep-stuck-listings": {"task": "listings.sweep_stuck", "schedule": 300.0},
    "backup-daily": {"task": "boomer_site.backup_daily", "schedule": crontab(minute=0, hour=2)},
    "purge-layered-cache": {"task": "boomer_site.purge_cache", "schedule": crontab(minute=30, hour=3)},
    "dead-letter-report": {"task": "boomer_site.dead_letter_report", "schedule": crontab(minute=0, hour=7)},
    "resume-stalled-products": {"task": "agents.resume_stalled", "schedule": 300.0},
}
app.autodiscover_tasks()
app.autodiscover_tasks(["boomer_site"], related_name="backup_tasks")

"""Celery: JSON only, late acks, priorities, time limits, and the retry policy of every task."""
from .environment import VAR_DIR, env
from .servers import BOOMER_REDIS_DB, REDIS_URL

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL)
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
# A run the hard time limit killed hands its message back instead of acking it: it is run again,
# and boomer_task counts such lost runs against the retry cap (then a dead letter). A task that
# failed is acked: boomer_task has already retried it or written its dead letter.
CELERY_TASK_ACKS_ON_TIMEOUT = False
CELERY_TASK_ACKS_ON_FAILURE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TRACK_STARTED = True
CELERY_RESULT_EXPIRES = 24 * 3600
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_DEFAULT_PRIORITY = 5
# Redis emulates priorities with one list per step; 0 is served first.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "priority_steps": list(range(10)),
    "sep": ":",
    "queue_order_strategy": "priority",
    # A message taken by a worker that died is handed out again after this many seconds — as is
    # one held longer by a live worker, so a retry never waits longer than this minus the time
    # limit in one go (boomer_site/tasking.py: retry_countdown_cap).
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=600),
}
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"global_keyprefix": f"boomer{BOOMER_REDIS_DB}:"}
CELERY_WORKER_SEND_TASK_EVENTS = True
# Workers log through LOGGING (and its secret-redacting filter), not handlers of their own.
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_TASK_SEND_SENT_EVENT = True
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")

# Seed backoff: 5 s, 25 s, 125 s, then a dead letter. Tests shrink the base.
BOOMER_RETRY_BASE_SECONDS = env.float("BOOMER_RETRY_BASE_SECONDS", default=5.0)
BOOMER_RETRY_FACTOR = env.float("BOOMER_RETRY_FACTOR", default=5.0)
BOOMER_MAX_RETRIES = env.int("BOOMER_MAX_RETRIES", default=3)
# A listing DRAFT (its publish never sent) or PUBLISHING (its work lost) this long is swept by
# beat: longer than a publish with all its retries and time limits takes.
BOOMER_LISTING_STUCK_MINUTES = env.int("BOOMER_LISTING_STUCK_MINUTES", default=60)
# A product beat resumed this many times without it moving on is FAILED (agents.resume_stalled).
BOOMER_RESUME_MAX_ATTEMPTS = env.int("BOOMER_RESUME_MAX_ATTEMPTS", default=3)

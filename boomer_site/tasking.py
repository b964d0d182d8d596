"""The one retry policy for every BOOMER task: seed backoff, then a dead letter.

`boomer_task` wraps a plain function into a Celery task that acks late (a worker killed
mid-task leaves the message to be delivered again), retries retryable errors after
base·factor^n seconds (5 s, 25 s, 125 s by default), and after the last attempt — or at
once for a permanent error — records a DeadLetter and calls `give_up` so the domain object
shows why it stopped.
"""
from __future__ import annotations

import functools
import logging
import time
import traceback as tb
from collections.abc import Callable

from celery import current_app, shared_task, signature
from celery.exceptions import Retry, SoftTimeLimitExceeded
from django.conf import settings

from boomer_site.breakers import redis_client
from boomer_site.models import DeadLetter

log = logging.getLogger(__name__)


def task_send(name: str, *args, priority: int | None = None, queue: str | None = None, **kwargs):
    """Send a task by its name: how a service starts work without importing the task module
    (no service ↔ tasks cycle) and how a lower layer starts work of a higher one. Routing
    comes from CELERY task_routes, as for `task.delay`."""
    options = {key: value for key, value in (("priority", priority), ("queue", queue)) if value is not None}
    return current_app.send_task(name, args=args, kwargs=kwargs, **options)


def task_signature(name: str, *args, **options):
    """An immutable signature of a task by name, for canvases (a chord's callback then gets
    only its own arguments, not the header's results)."""
    return signature(name, args=args, immutable=True).set(**options)


def retry_delay(attempt: int) -> float:
    """Seconds before retry number `attempt` (0-based): base · factor^attempt."""
    return settings.BOOMER_RETRY_BASE_SECONDS * settings.BOOMER_RETRY_FACTOR**attempt


# A retry's own kwarg: when it is due and how many capped waits (hops) it took so far. Stripped
# before the task's function (and a dead letter) sees the kwargs. Retries pass args too: given
# kwargs alone, Celery 5.7 re-binds the original args to the wrapped function's parameter names
# and a step's product id came back as its priority.
WAITING = "_boomer_waiting"


def retry_countdown_cap() -> float:
    """The longest one wait in the broker may be. With Redis, a message taken by a worker is
    handed to another when it stays unacknowledged past the visibility timeout, and a late-acked
    task holds it for its countdown plus its run: a Retry-After of two hours would run twice.
    Longer waits are made of several capped ones (the task re-queues itself without running)."""
    visibility = float(settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600))
    spare = visibility - float(settings.CELERY_TASK_TIME_LIMIT)
    return max(1.0, spare - max(1.0, visibility * 0.1))


def retry_countdown_capped(countdown: float) -> float:
    return max(0.0, min(float(countdown), retry_countdown_cap()))


def is_permanent(exc: BaseException) -> bool:
    return bool(getattr(exc, "permanent", False))


def boomer_task(*, name: str, queue: str, give_up: Callable | None = None, raise_on_give_up: bool = True,
                replay: str = "", fallback: Callable | None = None, **options):
    """`raise_on_give_up=False` for chord headers whose failure is recorded by `give_up`: the
    chord's callback must still run (a raised header error would cancel it). `replay` names
    the task a replayed dead letter sends instead of this one (with the same positional
    arguments), e.g. a pipeline step that cannot rejoin its chord alone. `fallback(*args,
    exc=…, **kwargs)`, asked before giving up, returns True when it switched the work to
    another way (e.g. the offline AI provider): the task then runs once more at once."""
    def decorate(func):
        @shared_task(
            bind=True, name=name, queue=queue, acks_late=True, reject_on_worker_lost=True,
            max_retries=None, **options,
        )
        @functools.wraps(func)
        def task(self, *args, **kwargs):
            waiting = kwargs.pop(WAITING, None) or {}
            lost = _runs_lost(self)
            if lost > settings.BOOMER_MAX_RETRIES:
                return _give_up_lost(self, args, kwargs, lost, give_up, replay, raise_on_give_up)
            if waiting.get("until", 0) > time.time():  # a capped retry: wait on, without running
                raise self.retry(countdown=retry_countdown_capped(waiting["until"] - time.time()), args=self.request.args,
                                 kwargs={**kwargs, WAITING: {**waiting, "hops": waiting.get("hops", 0) + 1}})
            try:
                result = func(*args, **kwargs)
                _runs_forget(self)
                return result
            except Retry:
                raise
            except Exception as exc:
                attempt = self.request.retries - waiting.get("hops", 0)
                if not is_permanent(exc) and attempt < settings.BOOMER_MAX_RETRIES:
                    countdown = getattr(exc, "retry_after", None) or retry_delay(attempt)
                    log.warning("%s%r failed (%s); retry %d in %.1fs", name, args, exc, attempt + 1, countdown)
                    raise self.retry(exc=exc, countdown=retry_countdown_capped(countdown), args=self.request.args, kwargs={
                        **kwargs, WAITING: {"until": time.time() + countdown, "hops": waiting.get("hops", 0)}})
                if fallback is not None and fallback(*args, exc=exc, **kwargs):
                    log.warning("%s%r failed for good (%s); running again on its fallback", name, args, exc)
                    raise self.retry(exc=exc, countdown=0)
                _dead_letter(self, args, kwargs, exc, attempt + 1, replay)
                _runs_forget(self)
                if give_up is not None:
                    give_up(*args, error=_describe(exc), permanent=is_permanent(exc), **kwargs)
                if raise_on_give_up:
                    raise
                return None

        return task

    return decorate


class WorkerStopped(Exception):
    """Runs of a message ended with neither a result nor a retry: the hard time limit or the
    death of its worker stopped them (the message was handed back each time)."""

    permanent = False


RUNS_TTL = 24 * 3600


def _runs_key(task) -> str | None:
    task_id = task.request.id
    return None if not task_id or task.request.is_eager else f"boomer:runs:{task_id}"


def _runs_lost(task) -> int:
    """How many earlier runs of this message were lost. A killed run never reaches the `except`
    that counts retries, so each start is counted in Redis (by task id, which a retry keeps);
    every retry accounts for one run, and the current run is not lost yet."""
    key = _runs_key(task)
    if key is None:
        return 0
    with redis_client().pipeline() as pipe:
        started, _ = pipe.incr(key).expire(key, RUNS_TTL).execute()
    return max(0, started - 1 - task.request.retries)


def _runs_forget(task) -> None:
    key = _runs_key(task)
    if key is not None:
        redis_client().delete(key)


def _give_up_lost(task, args, kwargs, lost, give_up, replay, raise_on_give_up):
    """Past the retry cap on lost runs: dead letter and `give_up`, without running again."""
    exc = WorkerStopped(f"stopped {lost} times before it finished (the hard time limit, or its worker died)")
    _dead_letter(task, args, kwargs, exc, lost, replay)
    _runs_forget(task)
    if give_up is not None:
        give_up(*args, error=_describe(exc), permanent=False, **kwargs)
    if raise_on_give_up:
        raise exc
    return None


def _describe(exc: BaseException) -> str:
    if isinstance(exc, SoftTimeLimitExceeded):
        return "took too long and was stopped"
    return f"{exc.__class__.__name__}: {exc}" if str(exc) else exc.__class__.__name__


def _dead_letter(task, args, kwargs, exc, attempts, replay):
    delivery = task.request.delivery_info or {}
    DeadLetter.objects.create(
        task_name=task.name,
        args=list(args),
        kwargs=dict(kwargs),
        queue=delivery.get("routing_key") or "",
        error=_describe(exc),
        traceback="".join(tb.format_exception(exc)),
        attempts=attempts,
        replay_task=replay,
    )
    log.error("%s%r dead-lettered after %d attempt(s): %s", task.name, args, attempts, exc)

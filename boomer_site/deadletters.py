"""Replaying dead letters: send the task again (or the task it names for its replay, e.g. a
pipeline step, which cannot rejoin its chord alone, replays as `agents.retry` of its product)."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from boomer_site.models import DeadLetter
from boomer_site.tasking import task_send


@transaction.atomic
def deadletter_requeue(*, dead_letter: DeadLetter) -> str:
    """Replay one dead letter; returns what was done. A replayed letter is kept, stamped."""
    letter = DeadLetter.objects.select_for_update().get(pk=dead_letter.pk)
    if letter.requeued_at is not None:
        return f"#{letter.pk} was already requeued at {letter.requeued_at:%Y-%m-%d %H:%M}"
    if letter.replay_task:  # another task, given the same positional arguments, routed its own way
        name, queue, kwargs = letter.replay_task, None, {}
    else:
        name, queue, kwargs = letter.task_name, letter.queue or None, letter.kwargs
    transaction.on_commit(lambda: task_send(name, *letter.args, queue=queue, **kwargs))
    letter.requeued_at = timezone.now()
    letter.save(update_fields=["requeued_at"])
    return f"{name}{tuple(letter.args)} sent" + (f" (replaying {letter.task_name})" if letter.replay_task else "")

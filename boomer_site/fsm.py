"""The one way a state machine moves: lock the row, call the django-fsm transition, save."""
from __future__ import annotations

from django.db import transaction
from django_fsm import TransitionNotAllowed


@transaction.atomic
def fsm_move(*, model, pk: int, transition: str, refused: type[Exception], touched: tuple[str, ...],
             by=None, reason: str = "", fields: dict | None = None):
    """Move row `pk` of `model` by `transition` and save `touched` plus `fields`.

    The row lock serialises racing workers: the loser sees the new state and gets
    `refused(obj, transition)`; an illegal move changes nothing.
    """
    obj = model.objects.select_for_update().get(pk=pk)
    try:
        getattr(obj, transition)(by=by, reason=reason)
    except TransitionNotAllowed as exc:
        raise refused(obj, transition) from exc
    for name, value in (fields or {}).items():
        setattr(obj, name, value)
    obj.save(update_fields=[*touched, "updated_at", *(fields or {})])
    return obj

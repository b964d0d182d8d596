"""Telling the seller: email through Django's backend and an optional signed webhook.

`notification_create` is idempotent per event (a unique `event_key`), and the task records
each channel as sent under a row lock, so a redelivered message or a retry does not repeat a
channel that went out. The webhook is posted outside the row lock, under a Redis lock per
notification, only to a public address (notifications/webhooks.py). (Only a worker dying between
the webhook's answer and the record can repeat it: the POST carries `Idempotency-Key: <event_key>`
for the receiver to drop it.)

The caller says what happened (`context` for the template `notifications/<kind>.txt`, `payload`
for the webhook); this app knows how to deliver it, not what a listing is.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone
from redis.exceptions import LockError

from boomer_site.breakers import redis_client
from boomer_site.tasking import task_send
from marketplaces.credentials import CredentialsError, current_key, key_id
from notifications.models import Notification, SellerProfile
from notifications.webhooks import TIMEOUT, WebhookRefused, WebhookUnreachable, webhook_post

log = logging.getLogger(__name__)

WEBHOOK_LOCK_SECONDS = int(TIMEOUT.connect_timeout + TIMEOUT.read_timeout) + 20  # outlives one POST
SUBJECTS = {
    Notification.Kind.PUBLISHED: "Live: {title}",
    Notification.Kind.PARTLY_FAILED: "Partly published: {title}",
    Notification.Kind.SOLD: "Sold: {title}",
    Notification.Kind.EXPIRED: "Expired: {title}",
    Notification.Kind.ACCOUNT_ATTENTION: "Action needed: reconnect a marketplace account",
}


def notification_create(*, product, kind: str, event_key: str, context: dict, payload: dict) -> Notification | None:
    """Write the message for one event and queue its sending; None if that event was told already."""
    owner = product.owner
    body = render_to_string(f"notifications/{kind}.txt", {
        "seller": owner.get_full_name() or owner.get_username(), "product": product, **context})
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                owner=owner, product=product, kind=kind, event_key=event_key,
                subject=SUBJECTS[kind].format(title=product.title)[:255], body=body, payload=payload)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: task_send("notifications.send", note.pk))
    return note


def webhook_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def notification_send(*, notification_id: int) -> None:
    """Email, then webhook; each channel is recorded as sent in the same locked transaction
    that sends it, so a second delivery of the task waits and then skips what was done."""
    with transaction.atomic():
        note = Notification.objects.select_for_update().select_related("owner").get(pk=notification_id)
        if note.email_sent_at is None and note.owner.email:
            send_mail(note.subject, note.body, settings.DEFAULT_FROM_EMAIL, [note.owner.email])
            note.email_sent_at = timezone.now()
            note.save(update_fields=["email_sent_at"])
    profile = SellerProfile.objects.filter(user_id=note.owner_id).exclude(webhook_sealed=b"").first()
    if profile is None or note.webhook_sent_at is not None:
        return
    body = json.dumps({**note.payload, "notification_id": note.pk, "event_key": note.event_key},
                      sort_keys=True).encode()
    headers = {"Content-Type": "application/json", "X-Boomer-Event": note.kind,
               "X-Boomer-Signature": webhook_signature(profile.webhook_secret, body),
               "Idempotency-Key": note.event_key}
    # Sent outside any row lock (a slow receiver must not hold the notification row): a Redis
    # lock keeps a concurrent delivery of the same notification from posting it twice.
    lock = redis_client().lock(f"boomer:webhook:{notification_id}", timeout=WEBHOOK_LOCK_SECONDS, blocking_timeout=0)
    if not lock.acquire():
        raise WebhookUnreachable("another worker is sending this webhook now")  # retried: then it is sent
    try:
        if Notification.objects.filter(pk=notification_id, webhook_sent_at__isnull=False).exists():
            return  # a concurrent delivery sent it while we waited
        try:
            answer = webhook_post(profile.webhook_url, body=body, headers=headers)
        except WebhookRefused as exc:
            log.warning("webhook of notification %s refused: %s", notification_id, exc)
            _webhook_record(notification_id, status=f"refused: {exc}")
            return  # the seller must change the URL: retrying cannot help
        status, delivered, retry = _webhook_outcome(answer)
        _webhook_record(notification_id, status=status, sent=delivered)
    finally:
        try:
            lock.release()
        except LockError:  # held past its timeout by a very slow receiver: already gone
            pass
    if retry:
        raise RuntimeError(f"webhook answered {answer.status}")  # retried with backoff


def _webhook_outcome(answer) -> tuple[str, bool, bool]:
    """(status to record, delivered?, retry?) for the receiver's answer."""
    if 300 <= answer.status < 400:
        return f"HTTP {answer.status}: redirect to {answer.location or '?'} not followed", False, False
    if answer.status >= 500 or answer.status == 429:
        return f"HTTP {answer.status}", False, True
    return f"HTTP {answer.status}", True, False


def _webhook_record(notification_id: int, *, status: str, sent: bool = False) -> None:
    fields = {"webhook_status": status[:100]}
    if sent:
        fields["webhook_sent_at"] = timezone.now()
    Notification.objects.filter(pk=notification_id, webhook_sent_at__isnull=True).update(**fields)


def webhooks_reencrypt() -> tuple[int, list[int]]:
    """Re-seal every seller's webhook not yet under the newest credentials key, one locked row
    at a time: (how many moved, ids of the profiles no configured key opens)."""
    newest = key_id(current_key()).hex()
    moved, unreadable = 0, []
    for pk in SellerProfile.objects.exclude(webhook_sealed=b"").exclude(webhook_key_id=newest).values_list("pk", flat=True):
        with transaction.atomic():
            profile = SellerProfile.objects.select_for_update().get(pk=pk)
            try:
                url, secret = profile.webhook_url, profile.webhook_secret
            except CredentialsError:
                unreadable.append(pk)
                continue
            profile.webhook_url, profile.webhook_secret = url, secret  # sealed again under the newest key
            profile.save(update_fields=["webhook_sealed", "webhook_key_id"])
            moved += 1
    return moved, unreadable

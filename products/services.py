"""Writes on products: intake of photos (which starts the agents' pipeline), every lifecycle
move, and the inbox's owner."""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from boomer_site.celery import PRIORITY
from boomer_site.fsm import fsm_move
from boomer_site.tasking import task_send
from boomer_site.tracing import context_bind, current_trace_id, trace_ensure
from products.models import Product, ProductImage
from products.photos import CheckedPhoto, PhotoRejected, photo_check, photo_size_check

log = logging.getLogger(__name__)


@dataclass
class IntakeResult:
    product: Product | None = None
    duplicate_of: Product | None = None
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (file name, reason)
    notes_added: bool = False  # a duplicate's new notes were added to the existing product's


def product_sku_new() -> str:
    return f"BMR-{secrets.token_hex(5).upper()}"


def product_create_from_photos(*, owner, photos: list[tuple[str, bytes] | CheckedPhoto], notes: str = "", source: str = "",
                               start_pipeline: bool = True, priority: str = "medium") -> IntakeResult:
    """Check each photo, then make one product of the good ones (or find the one they belong to).

    Bad photos are listed in `rejected` and do not stop the good ones (a CheckedPhoto is not
    checked twice). If any good photo is
    already known for this owner (same content hash), nothing new is made: `duplicate_of`
    names the existing product, and notes that came with the photo are added to its notes.
    """
    result = IntakeResult()
    checked: list[CheckedPhoto] = []
    seen: set[str] = set()
    for item in photos:
        if isinstance(item, CheckedPhoto):
            photo = item
        else:
            name, data = item
            try:
                photo = photo_check(name=name, data=data)
            except PhotoRejected as exc:
                result.rejected.append((name, str(exc)))
                continue
        if photo.sha256 not in seen:
            seen.add(photo.sha256)
            checked.append(photo)
    if len(checked) > settings.BOOMER_MAX_PHOTOS_PER_ITEM:
        result.rejected.extend((p.name, f"too many photos for one item (limit {settings.BOOMER_MAX_PHOTOS_PER_ITEM})")
                               for p in checked[settings.BOOMER_MAX_PHOTOS_PER_ITEM:])
        checked = checked[: settings.BOOMER_MAX_PHOTOS_PER_ITEM]
    if not checked:
        return result

    existing = _product_with_photo(owner=owner, hashes=seen)
    if existing is not None:
        result.duplicate_of, result.notes_added = existing, _notes_add(product=existing, notes=notes, source=source)
        return result
    try:
        with trace_ensure("intake"), transaction.atomic():
            product = Product.objects.create(owner=owner, sku=product_sku_new(), notes=notes.strip(), source=source,
                                             currency=settings.BOOMER_CURRENCY, trace_id=current_trace_id())
            for position, photo in enumerate(checked):
                image = ProductImage(product=product, owner=owner, sha256=photo.sha256, format=photo.extension,
                                     original_name=photo.name[:255], position=position,
                                     width=photo.width, height=photo.height)
                image.image.save(photo.name, ContentFile(photo.data), save=False)
                image.save()
            if start_pipeline:
                pipeline_send(product_id=product.pk, priority=priority)
    except IntegrityError:
        # Another process took the same photo a moment ago: that product is this one.
        existing = _product_with_photo(owner=owner, hashes=seen)
        if existing is None:
            raise
        result.duplicate_of, result.notes_added = existing, _notes_add(product=existing, notes=notes, source=source)
        return result
    result.product = product
    log.info("product %s created from %d photo(s) (%s)", product.sku, len(checked), source)
    return result


def pipeline_send(*, product_id: int, priority: str = "medium") -> None:
    """Start the agents' pipeline once the product is committed. Its first step, sent by name
    (the agents sit above products); it goes on to the rest (agents/pipeline.py)."""
    transaction.on_commit(context_bind(lambda: task_send("agents.vision", product_id, priority=PRIORITY[priority],
                                                         pipeline_priority=priority)))


def product_create_from_upload(*, owner, files, notes: str = "") -> IntakeResult:
    """The API's intake: the inbox's checks, but all or nothing — one bad file refuses the
    upload with a message naming that file, and no product is made."""
    photos = []
    for upload in files:
        name = (upload.name or "upload").rsplit("/", 1)[-1][:255]
        try:
            photo_size_check(upload.size)
            photos.append(photo_check(name=name, data=upload.read()))
        except PhotoRejected as exc:
            raise PhotoRejected(f"{name}: {exc}") from exc
    return product_create_from_photos(owner=owner, photos=photos, notes=notes, source="api", priority="high")


def _notes_add(*, product: Product, notes: str, source: str) -> bool:
    """Keep what a seller wrote beside a photo sent again: appended to the product's notes, marked
    as added later (nothing if empty or already there). The agents have read the notes before
    this; the reviewer sees the addition."""
    notes = notes.strip()
    if not notes:
        return False
    with transaction.atomic():
        current = Product.objects.select_for_update().values_list("notes", flat=True).get(pk=product.pk)
        if notes in current:
            return False
        origin = f", from {source}" if source else ""
        heading = f"Added later ({timezone.now():%Y-%m-%d %H:%M} UTC, sent again with the same photo{origin}):"
        product.notes = f"{current}\n\n{heading}\n{notes}".strip()
        Product.objects.filter(pk=product.pk).update(notes=product.notes, updated_at=timezone.now())
    log.info("product %s: notes sent with a duplicate photo were added", product.sku)
    return True


def _product_with_photo(*, owner, hashes: set[str]) -> Product | None:
    image = ProductImage.objects.filter(owner=owner, sha256__in=hashes).select_related("product").first()
    return image.product if image else None


class IllegalTransition(Exception):
    """The move is not allowed from the product's current stage."""

    def __init__(self, product: Product, transition: str):
        self.product = product
        self.stage = product.stage
        super().__init__(f"cannot {transition.replace('_', ' ')} a product in stage {product.stage}")


def product_transition(*, product_id: int, transition: str, by=None, reason: str = "", fields: dict | None = None) -> Product:
    """Lock the product, make one lifecycle move, save it (and `fields`) in one transaction."""
    return fsm_move(model=Product, pk=product_id, transition=transition, refused=IllegalTransition,
                    touched=("stage", "failure_reason"), by=by, reason=reason, fields=fields)


def inbox_owner_get_or_create():
    """The account that owns what is dropped in the inbox (BOOMER_INBOX_OWNER), made on first use."""
    user, created = get_user_model().objects.get_or_create(username=settings.BOOMER_INBOX_OWNER,
                                                           defaults={"is_active": True})
    if created:
        user.set_unusable_password()  # `make run` gives the admin account its password
        user.save(update_fields=["password"])
    return user

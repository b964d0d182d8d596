"""One worker at a time on a listing."""
from __future__ import annotations

import logging
from contextlib import contextmanager

from django.db import DatabaseError, connection

log = logging.getLogger(__name__)
LOCK_NAMESPACE = 0x5A6A  # first key of pg_advisory_lock(int, int): "listing work"


@contextmanager
def listing_lock(listing_id: int):
    """A session advisory lock, waited for (a duplicate delivery then sees what the first one
    did). PostgreSQL drops it with the connection, so a worker killed mid-publish does not
    leave it held."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, listing_id])
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, listing_id])
        except DatabaseError:  # the connection is gone, and the lock with it
            log.warning("listing %s: advisory lock not released (connection lost)", listing_id)

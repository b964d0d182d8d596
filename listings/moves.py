"""Every listing move, and the product moves the sagas make on a listing's account."""
from __future__ import annotations

import logging

from boomer_site.fsm import fsm_move
from listings.models import Listing
from products.services import IllegalTransition, product_transition

log = logging.getLogger(__name__)


class IllegalListingMove(Exception):
    """The move is not allowed from the listing's current status."""

    def __init__(self, listing: Listing, transition: str):
        self.listing = listing
        self.status = listing.status
        super().__init__(f"cannot {transition.replace('_', ' ')} a listing that is {listing.status}")


def listing_transition(*, listing_id: int, transition: str, by=None, reason: str = "",
                       fields: dict | None = None) -> Listing:
    """Lock the listing, make one move, save it (and `fields`)."""
    return fsm_move(model=Listing, pk=listing_id, transition=transition, refused=IllegalListingMove,
                    touched=("status", "last_error"), by=by, reason=reason, fields=fields)


def product_move(*, product_id: int, transition: str, reason: str) -> bool:
    """A product move a saga makes when it may already have been made (a redelivered step):
    refused moves are logged, not raised. True if it moved."""
    try:
        product_transition(product_id=product_id, transition=transition, reason=reason)
    except IllegalTransition as exc:
        log.info("product %s: %s", product_id, exc)
        return False
    return True

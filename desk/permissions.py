"""Who may see and decide what: sellers their own items; reviewers and staff everyone's."""
from __future__ import annotations

REVIEWER_GROUP = "reviewer"


def is_reviewer(user) -> bool:
    """Staff and the reviewer group see and decide on every seller's items."""
    if not user or not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    cached = getattr(user, "_boomer_is_reviewer", None)
    if cached is None:
        cached = user.groups.filter(name=REVIEWER_GROUP).exists()
        user._boomer_is_reviewer = cached
    return cached

"""What BOOMER's management commands share."""
from django.contrib.auth import get_user_model
from django.core.management.base import CommandError


def command_user(username: str | None):
    """The user named on the command line; the inbox owner when none is named."""
    if username is None:
        from products.selectors import inbox_owner

        return inbox_owner()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None

"""What BOOMER's management commands share."""
from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from django.db.migrations.executor import MigrationExecutor


def command_user(username: str | None, *, default: Callable | None = None):
    """The user named on the command line; `default()` (e.g. the inbox owner) when none is named."""
    if username is None and default is not None:
        return default()
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"no user named {username!r}") from None


class DatabaseCommand(BaseCommand):
    """A command that reads or writes BOOMER's data. On a database that is not migrated yet (a
    fresh clone after `make test`, which migrates only its own test database) it migrates the
    embedded default first, as `make run` does, or says in one line what to run against a real
    server — never a traceback."""

    def execute(self, *args, **options):
        database_ready(stderr=self.stderr)
        return super().execute(*args, **options)


def database_ready(*, stderr) -> None:
    name = settings.DATABASES["default"]["NAME"]
    try:
        executor = MigrationExecutor(connection)
        plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except OperationalError as exc:
        raise CommandError(f"cannot reach the database {name}: {str(exc).splitlines()[0]}") from None
    if not plan:
        return
    if not settings.EMBEDDED_POSTGRES:
        raise CommandError(f"the database {name} lacks {len(plan)} migration(s): run `manage.py migrate` first")
    stderr.write(f"the database {name} is not migrated yet: migrating it ({len(plan)} migration(s))…")
    call_command("migrate", interactive=False, verbosity=0)

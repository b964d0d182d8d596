"""The README's commands work on a database nothing migrated yet (a fresh clone after `make test`,
which migrates only its test database): the embedded default is migrated on first use; a real
server gets one line saying what to run. Never a traceback."""
from __future__ import annotations

import os
import secrets
import subprocess
import sys

import psycopg
import pytest

from boomer_site.backup import connection_params
from tests.conftest import ROOT


@pytest.fixture
def fresh_database():
    name = f"boomer_fresh_{secrets.token_hex(4)}"
    yield name
    with psycopg.connect(**{**connection_params(), "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def manage(env: dict, *args):
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "DJANGO_SETTINGS_MODULE": "boomer_site.settings.local", **env})


def test_the_embedded_default_is_migrated_on_first_use(fresh_database):
    embedded = {"DATABASE_URL": "", "BOOMER_DATABASE_NAME": fresh_database}
    first = manage(embedded, "export_listings", "--format", "json")
    assert first.returncode == 0, first.stderr
    assert first.stdout.strip() == "[]" and "not migrated yet: migrating it" in first.stderr
    assert "Traceback" not in first.stderr
    again = manage(embedded, "price_backtest", "--json")
    assert again.returncode == 0 and "migrating" not in again.stderr


def test_a_real_server_gets_one_line_saying_what_to_run(fresh_database):
    params = connection_params()
    with psycopg.connect(**{**params, "dbname": "postgres"}, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh_database}"')
    host = params.get("host", "")
    url = (f"postgres://{params.get('user', 'postgres')}@/{fresh_database}?host={host}" if host.startswith("/")
           else f"postgres://{params['user']}:{params.get('password', '')}@{host}:{params.get('port', 5432)}/{fresh_database}")
    result = manage({"DATABASE_URL": url}, "export_listings", "--format", "json")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert last.startswith(f"CommandError: the database {fresh_database} lacks ")
    assert last.endswith(" migration(s): run `manage.py migrate` first")

"""Production refuses secrets anyone could know (issue 13 items 1 and 10): the settings are
imported in a fresh process with the environment an operator would give it."""
from __future__ import annotations

import base64
import json
import os
import secrets
import subprocess
import sys

import pytest
import yaml

from tests.conftest import ROOT

GOOD_SECRET_KEY = secrets.token_urlsafe(50)
GOOD_ENCRYPTION_KEY = base64.b64encode(os.urandom(32)).decode()
SHOW = ("import json; from django.conf import settings as s; print(json.dumps({name: getattr(s, name) for name in ("
        "'SECURE_HSTS_SECONDS', 'SECURE_SSL_REDIRECT', 'SESSION_COOKIE_SECURE', 'CSRF_COOKIE_SECURE', "
        "'BOOMER_OPS_ENDPOINTS_OPEN', 'BOOMER_ENCRYPTION_KEY_DERIVED', 'SECURE_PROXY_SSL_HEADER')}))")


def production_env(**overrides) -> dict:
    """A complete, good production environment changed by `overrides` (None: unset)."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "BOOMER_SECRET_KEY_ENCRYPTION", "SENTRY_"))}
    env.update(DJANGO_SETTINGS_MODULE="boomer_site.settings.production", DJANGO_SECRET_KEY=GOOD_SECRET_KEY,
               BOOMER_SECRET_KEY_ENCRYPTION=GOOD_ENCRYPTION_KEY, DATABASE_URL="postgres://boomer:pw@127.0.0.1:9/boomer",
               REDIS_URL="redis://127.0.0.1:9/0", DJANGO_ALLOWED_HOSTS="boomer.example.com")
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def production(**overrides) -> subprocess.CompletedProcess:
    """Load boomer_site.settings.production in a new interpreter with `production_env(**overrides)`."""
    return subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=production_env(**overrides), capture_output=True,
                          text=True, timeout=120)


def refusal(run: subprocess.CompletedProcess) -> str:
    assert run.returncode != 0, f"production started: {run.stdout}"
    assert "ImproperlyConfigured" in run.stderr
    return run.stderr.strip().splitlines()[-1]


def shipped_example(path: str, key: str) -> str:
    """A value of `key` as this repository ships it (compose's old default, the k8s example)."""
    for document in yaml.safe_load_all((ROOT / path).read_text()):
        if document and document.get("kind") == "Secret":
            return document["stringData"][key]
    raise AssertionError(f"{key} not in {path}")


def test_a_rotation_lists_two_good_keys():
    other = base64.b64encode(os.urandom(32)).decode()
    assert production(BOOMER_SECRET_KEY_ENCRYPTION=f"{other}, {GOOD_ENCRYPTION_KEY}").returncode == 0


def test_good_secrets_start_https_only_with_closed_ops_endpoints():
    run = production()
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout)
    assert shown["SECURE_HSTS_SECONDS"] >= 31536000 and shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SESSION_COOKIE_SECURE"] is True and shown["CSRF_COOKIE_SECURE"] is True
    assert shown["BOOMER_OPS_ENDPOINTS_OPEN"] is False and shown["BOOMER_ENCRYPTION_KEY_DERIVED"] is False
    # HTTPS is what gunicorn decided from a trusted proxy, never a header any client can send.
    assert shown["SECURE_PROXY_SSL_HEADER"] is None


@pytest.mark.parametrize("value, reason", [
    ("compose-only-insecure-key-change-me", "shipped example or a placeholder"),
    ("django-insecure-" + secrets.token_urlsafe(50), "shipped example or a placeholder"),
    (secrets.token_urlsafe(20), "at least 50"),
    ("x" * 64, "too regular"),
    ("abcdefghij" * 6, "too regular"),
    ("", "must be set"),
])
def test_a_known_short_or_regular_secret_key_is_refused(value, reason):
    line = refusal(production(DJANGO_SECRET_KEY=value))
    assert "DJANGO_SECRET_KEY" in line and reason in line
    assert "token_urlsafe" in line  # and how to make a good one


def test_the_kubernetes_example_secret_key_is_refused():
    value = shipped_example("docker/k8s/secret.example.yaml", "DJANGO_SECRET_KEY")
    assert "DJANGO_SECRET_KEY" in refusal(production(DJANGO_SECRET_KEY=value))


@pytest.mark.parametrize("value, reason", [
    (None, "never derives the credentials key"),
    ("CHANGE-ME", "placeholder"),
    ("not base64!", "base64 of 32 random bytes"),
    (base64.b64encode(os.urandom(16)).decode(), "32 bytes, not 16"),
    (base64.b64encode(bytes(32)).decode(), "too regular"),
    (f"{GOOD_ENCRYPTION_KEY},CHANGE-ME", "placeholder"),  # mid-rotation: every listed key is checked
])
def test_production_needs_its_own_credentials_key(value, reason):
    line = refusal(production(BOOMER_SECRET_KEY_ENCRYPTION=value))
    assert "BOOMER_SECRET_KEY_ENCRYPTION" in line and reason in line


@pytest.mark.parametrize("module", ["local", "test"])
def test_make_run_and_make_test_need_none_of_the_new_variables(module):
    """A developer's checkout: a random per-checkout SECRET_KEY, the derived credentials key, open
    /metrics and docs, plain HTTP; none of production's secrets set."""
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("DJANGO_", "BOOMER_SECRET_KEY_ENCRYPTION", "BOOMER_METRICS_TOKEN"))}
    env["DJANGO_SETTINGS_MODULE"] = f"boomer_site.settings.{module}"
    run = subprocess.run([sys.executable, "-c", SHOW], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    shown = json.loads(run.stdout.strip().splitlines()[-1])
    assert shown["BOOMER_ENCRYPTION_KEY_DERIVED"] is True and shown["BOOMER_OPS_ENDPOINTS_OPEN"] is True
    assert shown["SECURE_SSL_REDIRECT"] is False


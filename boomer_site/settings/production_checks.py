"""What production refuses to start with: secrets anyone could know or guess.

A known Django SECRET_KEY lets anyone sign a JWT for a staff user (simplejwt signs with it), and
a credentials key derived from it lets anyone with a database dump read every seller's
marketplace secrets. So production wants a long, random SECRET_KEY that is none of the shipped
examples, and a credentials key (BOOMER_SECRET_KEY_ENCRYPTION) of its own.
"""
from __future__ import annotations

import base64
import binascii
import math
from collections import Counter

# Values that appear in this repository's examples and placeholders (compose, k8s, Dockerfile, tests).
SHIPPED_EXAMPLES = frozenset({
    "compose-only-insecure-key-change-me",
    "CHANGE-ME-50-random-characters",
    "collectstatic-build-only",
    "CHANGE-ME",
})
# Words no generated key contains but every hand-written placeholder does.
PLACEHOLDER_WORDS = ("change-me", "change_me", "changeme", "insecure", "example", "placeholder", "replace-me",
                     "replace_me", "your-secret", "your_secret", "notsecret", "not-secret")
SECRET_KEY_MIN_LENGTH = 50
# Characters × their Shannon entropy: token_urlsafe(50) scores ~370, Django's
# get_random_secret_key() ~240, 64 hex digits ~250; "x" * 50 scores 0.
SECRET_KEY_MIN_BITS = 190
GENERATE_SECRET_KEY = 'python -c "import secrets; print(secrets.token_urlsafe(50))"'
GENERATE_ENCRYPTION_KEY = 'python -c "import os, base64; print(base64.b64encode(os.urandom(32)).decode())"'


def estimated_bits(value: str) -> float:
    """An upper estimate of the randomness in `value`: length × entropy of its character mix."""
    if not value:
        return 0.0
    counts, total = Counter(value), len(value)
    per_char = -sum(n / total * math.log2(n / total) for n in counts.values())
    return per_char * total


def repeats(value: str, size: int = 4) -> bool:
    """Whether `value` repeats itself: a random key's 4-character runs are all (or nearly) distinct."""
    runs = [value[i:i + size] for i in range(len(value) - size + 1)]
    return bool(runs) and len(set(runs)) < 0.9 * len(runs)


def _placeholder(value: str) -> bool:
    lowered = value.strip().lower()
    return (value.strip() in SHIPPED_EXAMPLES or lowered.startswith("django-insecure")
            or any(word in lowered for word in PLACEHOLDER_WORDS))


def secret_key_problem(value: str) -> str | None:
    """Why `value` must not be production's DJANGO_SECRET_KEY, or None if it may."""
    if not value:
        return "DJANGO_SECRET_KEY must be set"
    if _placeholder(value):
        return "DJANGO_SECRET_KEY is a shipped example or a placeholder"
    if len(value) < SECRET_KEY_MIN_LENGTH:
        return f"DJANGO_SECRET_KEY is {len(value)} characters; at least {SECRET_KEY_MIN_LENGTH} random ones are needed"
    if estimated_bits(value) < SECRET_KEY_MIN_BITS or repeats(value):
        return "DJANGO_SECRET_KEY is too regular to be random (repeated or few distinct characters)"
    return None


def encryption_key_problem(value: str) -> str | None:
    """Why `value` must not be production's BOOMER_SECRET_KEY_ENCRYPTION, or None if it may.
    During a rotation it lists several keys, comma-separated, newest first: each is checked."""
    if not value or not value.strip(" ,"):
        return ("BOOMER_SECRET_KEY_ENCRYPTION must be set: production never derives the credentials key "
                "from DJANGO_SECRET_KEY")
    keys = [key.strip() for key in value.split(",") if key.strip()]
    if len(keys) > 1:
        return next(filter(None, map(encryption_key_problem, keys)), None)
    value = keys[0]
    if _placeholder(value):
        return "BOOMER_SECRET_KEY_ENCRYPTION is a shipped example or a placeholder"
    try:
        key = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return "BOOMER_SECRET_KEY_ENCRYPTION must be base64 of 32 random bytes"
    if len(key) != 32:
        return f"BOOMER_SECRET_KEY_ENCRYPTION must be 32 bytes, not {len(key)}"
    if len(set(key)) < 8:
        return "BOOMER_SECRET_KEY_ENCRYPTION is too regular to be random"
    return None


def production_secrets_problems(environ) -> list[str]:
    """Every reason the environment's secrets are not fit for production, with how to make good ones."""
    problems = []
    secret_key = secret_key_problem(environ.get("DJANGO_SECRET_KEY", ""))
    if secret_key:
        problems.append(f"{secret_key} (make one: {GENERATE_SECRET_KEY})")
    encryption_key = encryption_key_problem(environ.get("BOOMER_SECRET_KEY_ENCRYPTION", ""))
    if encryption_key:
        problems.append(f"{encryption_key} (make one: {GENERATE_ENCRYPTION_KEY})")
    return problems

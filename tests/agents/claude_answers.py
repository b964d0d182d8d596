"""What the Claude stand-in answers for an item, as the tools' inputs (tests script these)."""
from __future__ import annotations

import re

from tests.contract_servers.anthropic import last_user_text

EAN = "4548736112094"
LABEL = "SONY WH-1000XM4 Wireless Noise Cancelling Headphones"


def claim(value, detail="", kind="text_on_photo", photo=1, confidence=0.9):
    return {"value": value, "unknown_reason": None if value else "not shown on the photos or in the notes",
            "evidence": [{"kind": kind, "photo": photo, "detail": detail}] if value else [], "confidence": confidence}


def identity(*, barcode=EAN, brand="Sony", model="WH-1000XM4"):
    return {
        "name": claim("Sony WH-1000XM4 Wireless Noise Cancelling Headphones", LABEL),
        "brand": claim(brand, "SONY"),
        "model": claim(model, "WH-1000XM4"),
        "category": claim("Electronics > Audio > Headphones", "over-ear headphones", kind="photo", confidence=0.7),
        "barcode": claim(barcode, "EAN-13 under the label", kind="barcode"),
        "attributes": [{"name": "Colour", "value": "Black", "evidence": [{"kind": "photo", "photo": 1, "detail": "black"}],
                        "confidence": 0.8}],
    }


def condition():
    return {"grade": "GOOD", "unknown_reason": None, "confidence": 0.8,
            "defects": [{"type": "scratch", "where": "left ear cup", "severity": "minor", "photo": 1, "source": "notes"}],
            "reason": "Used with light wear: a small scratch on the left ear cup, per the notes."}


def listings(extra: str = ""):
    text = "Sony WH-1000XM4 wireless noise cancelling headphones, black. Used, good: a small scratch on the left ear cup."
    return {code: {"title": "Sony WH-1000XM4 Wireless Headphones Black - Good", "description": text + extra}
            for code in ("ebay", "facebook", "mercari")}


def item(**identity_kwargs):
    """The answer to record_item: the identity and the condition from one look at the photos."""
    return {"identity": identity(**identity_kwargs), "condition": condition()}


def script(server, **identity_kwargs):
    server.answers["record_item"] = item(**identity_kwargs)
    server.answers["record_condition"] = condition()
    server.answers["record_listings"] = listings()


def asked_tool(body: dict) -> str:
    """The tool a request asks for: forced by `tool_choice`, or named in the prompt ("Call record_item")."""
    forced = (body.get("tool_choice") or {}).get("name")
    if forced:
        return forced
    return re.search(r"\b(record_\w+)", last_user_text(body)).group(1)

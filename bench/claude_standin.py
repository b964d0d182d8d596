"""The Claude stand-in the pipeline benchmark talks to: the Messages API contract server of the
tests, answering every item with the barcode and label BOOMER read on it, after a set latency."""
from __future__ import annotations

import json
import re

from tests.agents import claude_answers as answers
from tests.contract_servers.anthropic import AnthropicServer

DECODED = re.compile(r"barcode decoded \([^)]*\): (\d+)")
TEXT = re.compile(r"text read on the photos \(OCR\): ([^\n|]+)")


def _prompt(body: dict) -> str:
    return body["messages"][0]["content"][-1]["text"]


def _identity(body: dict) -> dict:
    prompt = _prompt(body)
    code = DECODED.search(prompt)
    label = TEXT.search(prompt)
    words = (label.group(1).strip() if label else "").split()
    answer = answers.identity(barcode=code.group(1) if code else None, brand=words[0].title() if words else None,
                              model=words[2] if len(words) > 2 else None)
    answer["name"] = answers.claim(" ".join(words[:4]) or None, label.group(1) if label else "")
    return answer


def _listings(body: dict) -> dict:
    """Listings that state only the facts they were given (no rewrite is asked for)."""
    facts = json.loads(_prompt(body).split("null = unknown):\n", 1)[1].split("\nLimits:", 1)[0])
    title = " ".join(str(facts.get(key) or "") for key in ("name",)).strip() or "Item"
    text = f"{title}. Condition: {facts.get('grade') or 'see photos'}."
    return {code: {"title": title[:80], "description": text} for code in ("ebay", "facebook", "mercari")}


def standin(latency_ms: int = 0) -> AnthropicServer:
    server = AnthropicServer()
    server.answers["record_item"] = lambda body: {"identity": _identity(body), "condition": answers.condition()}
    server.answers["record_condition"] = answers.condition()
    server.answers["record_listings"] = _listings
    server.faults.delay_ms = latency_ms
    return server

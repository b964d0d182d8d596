"""What every remote model provider (Claude, an OpenAI-compatible server) does the same way.

The offline reads run first (barcodes, text on the photos, photo quality: the local provider)
and go into the prompt as evidence; the model answers only through a structured tool / JSON
schema; the answer is validated against that schema (one repair request, then the step fails
with the reason); each identity field is checked against the offline reads
(agents/evidence.py); a listing that states a number, model code or size found in none of the
facts is rewritten once, then replaced by the template draft with the reason said.

A subclass implements `_ask(...)`: one request, returning the parsed answer and its usage, or
raising AIError (`permanent` decides whether a retry can help).
"""
from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass, replace

from PIL import Image

from agents.evidence import model_evidence
from agents.local.imaging import downscale, open_image
from agents.local.text_facts import fold
from agents.providers import prompts
from agents.providers.base import (
    AIError,
    ConditionReport,
    DraftRequest,
    DraftSet,
    Identity,
    Photo,
    Provider,
    Usage,
)
from agents.providers.local import LocalProvider
from agents.providers.schemas import IDENTITY_FIELDS, TOOLS, schema_errors
from boomer_site.breakers import CircuitOpen, breaker_call
from marketplaces.platforms import MARKETPLACES

LONG_EDGE = 1568  # pixels: larger images are downscaled by the API anyway, at our cost
NUMBERISH = re.compile(r"[A-Za-z$€£]*\d[\w.,/-]*")


def photo_jpeg(data: bytes) -> bytes:
    """A photo as the model gets it: JPEG, long edge at most LONG_EDGE (deterministic, so the
    same photos make the same prompt prefix and the prompt cache hits)."""
    img = downscale(open_image(data), LONG_EDGE)
    out = io.BytesIO()
    Image.Image.save(img.convert("RGB"), out, format="JPEG", quality=85)
    return out.getvalue()


@dataclass(frozen=True)
class Reply:
    """One answer: the tool's input (None when the model answered in prose instead), what it cost,
    and the model's turn as it came (a repair request sends it back unchanged)."""

    answer: dict | None
    usage: Usage
    turn: object = None


@dataclass(frozen=True)
class Repair:
    turn: object
    errors: list[str]


class RemoteProvider(Provider):
    """Subclasses set `name` and implement `_ask`."""

    def __init__(self, *, model: str, text_model: str | None = None):
        self.model = model
        self.text_model = text_model or model
        self.local = LocalProvider()

    @property
    def model_version(self) -> str:
        return f"{self.name}:{self.model}"

    # --- one structured answer, checked ----------------------------------------------------------
    def _ask(self, *, tool: str, model: str, images: list[bytes], text: str, repair: Repair | None = None) -> Reply:
        raise NotImplementedError

    def _structured(self, *, step: str, tool: str, model: str, images: list[bytes], text: str) -> tuple[dict, list[Usage]]:
        """The answer to `tool`, valid against its schema: one repair request, then AIError."""
        schema = TOOLS[tool][0]
        usages = []
        repair = None
        for _attempt in range(2):
            reply = self._guarded(tool=tool, model=model, images=images, text=text, repair=repair)
            usages.append(replace(reply.usage, step=step))
            errors = [f"no {tool} call in the answer"] if reply.answer is None else schema_errors(schema, reply.answer)
            if not errors:
                return reply.answer, usages
            repair = Repair(turn=reply.turn, errors=errors)
        raise AIError(f"{self.label} gave a malformed {step} answer twice: {'; '.join(errors[:3])}", permanent=True,
                      usage=tuple(usages))

    def _guarded(self, **kwargs) -> Reply:
        try:
            return breaker_call(f"ai:{self.name}", self._ask, **kwargs)
        except CircuitOpen as exc:
            raise AIError(f"{self.label} is unavailable (circuit open): retrying later", permanent=False,
                          retry_after=exc.retry_after) from None

    # --- the three steps ----------------------------------------------------------------------------
    def identify(self, *, photos: list[Photo], notes: str) -> Identity:
        """What the item is, and its condition from the same answer: one request, the photos paid once
        and one round trip fewer on every item's way to review than asking for the grade after."""
        offline = self.local.identify(photos=photos, notes=notes)
        text = prompts.item(notes=notes, analysis=offline.analysis)
        both, usage = self._structured(step="vision", tool="record_item", model=self.model,
                                       images=[photo_jpeg(p.data) for p in photos], text=text)
        answer = both["identity"]
        values = {name: (answer[name]["value"] or None) for name in IDENTITY_FIELDS}
        decoded = next((b["text"] for b in offline.analysis.get("barcodes", []) if b.get("gtin")), None)
        if not values["barcode"] and decoded:
            values["barcode"] = decoded  # the decoded code stands even when the model missed it
        evidence = model_evidence(
            values=values, claims={name: _said(answer[name]["evidence"]) for name in IDENTITY_FIELDS},
            decoded_barcode=decoded, text_read=offline.analysis.get("text_read", []), notes=notes,
            offline={"brand": offline.brand, "model": offline.model})
        attributes = {item["name"].strip().lower(): item["value"] for item in answer["attributes"] if item["value"]}
        unknown_reasons = {name: answer[name]["unknown_reason"] for name in IDENTITY_FIELDS
                           if not values[name] and answer[name]["unknown_reason"]}
        return Identity(
            name=values["name"], brand=values["brand"], model=values["model"], category=values["category"],
            barcode=values["barcode"], attributes=attributes,
            unknowns=tuple(name for name in IDENTITY_FIELDS if not values[name]),
            analysis={**offline.analysis, "provider": self.name, "model": self.model, "evidence": evidence,
                      "unknown_reasons": unknown_reasons,
                      "offline": {"name": offline.name, "brand": offline.brand, "model": offline.model}},
            usage=tuple(usage), condition=_report(both["condition"]),
        )

    def assess_condition(self, *, photos: list[Photo], notes: str, analysis: dict) -> ConditionReport:
        """The grade alone, when the identity's answer is not at hand: the photos come first in the
        prompt, as they did for the identity, so they are read from the prompt cache."""
        text = prompts.condition(notes=notes, analysis=analysis)
        answer, usage = self._structured(step="condition", tool="record_condition", model=self.model,
                                         images=[photo_jpeg(p.data) for p in photos], text=text)
        return _report(answer, usage)

    def write_drafts(self, *, request: DraftRequest) -> DraftSet:
        facts = prompts.facts(request)
        template = self.local.write_drafts(request=request).drafts
        usages: list[Usage] = []
        feedback = ""
        for _attempt in range(2):
            answer, usage = self._structured(step="describe", tool="record_listings", model=self.text_model,
                                             images=[], text=prompts.listings(facts=facts, feedback=feedback))
            usages.extend(usage)
            invented = {code: invented_facts(f"{answer[code]['title']} {answer[code]['description']}", facts)
                        for code in MARKETPLACES}
            if not any(invented.values()):
                drafts = {code: {"title": answer[code]["title"].strip(), "description": answer[code]["description"].strip(),
                                 "price": request.price} for code in MARKETPLACES}
                return DraftSet(drafts=drafts, usage=tuple(usages))
            feedback = "; ".join(f"{code}: {', '.join(sorted(words))}" for code, words in invented.items() if words)
        return DraftSet(drafts=template, usage=tuple(usages),
                        note=f"{self.label}'s listings stated facts found nowhere in the item's facts twice "
                             f"({feedback}): the template drafts are kept")

    @property
    def label(self) -> str:
        return self.name


def _report(answer: dict, usage=()) -> ConditionReport:
    return ConditionReport(grade=answer["grade"], defects=tuple(answer["defects"]), confidence=float(answer["confidence"]),
                           reason=answer["reason"] or (answer["unknown_reason"] or ""), usage=tuple(usage))


def _said(evidence: list[dict]) -> str:
    parts = []
    for item in evidence:
        where = f"photo {item['photo']}" if item.get("photo") else item["kind"].replace("_", " ")
        parts.append(f"{where}: {item['detail']}" if item.get("detail") else where)
    return "; ".join(parts) or "seen on the photos"


def invented_facts(text: str, facts: dict) -> set[str]:
    """Numbers, model codes and sizes in `text` that appear in none of the facts."""
    known = _plain(json.dumps(facts, ensure_ascii=False, default=str))
    found = set()
    for token in NUMBERISH.findall(text):
        word = _plain(token)
        if word and word not in known:
            found.add(token.strip(".,"))
    return found


def _plain(text: str) -> str:
    return "".join(ch for ch in fold(text).lower() if ch.isalnum())

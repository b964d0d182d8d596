"""What every AI provider gives the agents. A provider reports what it could not determine
(`unknowns`) instead of inventing it."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Photo:
    name: str
    data: bytes


@dataclass(frozen=True)
class Identity:
    name: str | None
    brand: str | None
    model: str | None
    category: str | None
    barcode: str | None
    attributes: dict = field(default_factory=dict)
    unknowns: tuple[str, ...] = ()
    analysis: dict = field(default_factory=dict)  # evidence: text read, codes found, photo quality


@dataclass(frozen=True)
class ConditionReport:
    grade: str | None
    defects: tuple[dict, ...]
    confidence: float
    reason: str


@dataclass(frozen=True)
class DraftRequest:
    name: str | None
    brand: str | None
    model: str | None
    category: str | None
    barcode: str | None
    attributes: dict
    notes: str
    grade: str | None
    defects: tuple[dict, ...]
    price: Decimal | None
    currency: str


class Provider:
    """The agents' view of an AI backend. Subclasses implement all three."""

    name = "base"
    model_version = "0"

    def identify(self, *, photos: list[Photo], notes: str) -> Identity:
        raise NotImplementedError

    def assess_condition(self, *, photos: list[Photo], notes: str, analysis: dict) -> ConditionReport:
        raise NotImplementedError

    def write_drafts(self, *, request: DraftRequest) -> dict[str, dict]:
        raise NotImplementedError

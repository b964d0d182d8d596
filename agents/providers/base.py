"""What every AI provider gives the agents. A provider reports what it could not determine
(`unknowns`) instead of inventing it, and what each answer cost (`usage`)."""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


class AIError(Exception):
    """A provider call that failed. `permanent` decides whether another attempt can help (the
    retry policy reads it, and `retry_after` seconds when the service asked for a pause)."""

    def __init__(self, message: str, *, permanent: bool, retry_after: float | None = None, usage: tuple = ()):
        super().__init__(message)
        self.message, self.permanent, self.retry_after, self.usage = message, permanent, retry_after, usage


@dataclass(frozen=True)
class Usage:
    """One model call's tokens (cache writes and reads counted apart, as they are billed)."""

    provider: str
    model: str
    input_tokens: int = 0
    output_tokens: int = 0
    cache_write_tokens: int = 0
    cache_read_tokens: int = 0
    step: str = ""


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
    # what was read (text, codes, photo quality) and `evidence`: per field {value, source, status}
    analysis: dict = field(default_factory=dict)
    usage: tuple[Usage, ...] = ()
    # the grade, when the same answer gave it (a remote model grades what it identifies)
    condition: ConditionReport | None = None


@dataclass(frozen=True)
class ConditionReport:
    grade: str | None
    defects: tuple[dict, ...]
    confidence: float
    reason: str
    usage: tuple[Usage, ...] = ()


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


@dataclass(frozen=True)
class DraftSet:
    """Per marketplace {"title", "description", "price"}; `note` says why, if the template was used."""

    drafts: dict[str, dict]
    usage: tuple[Usage, ...] = ()
    note: str = ""


class Provider:
    """The agents' view of an AI backend. Subclasses implement all three."""

    name = "base"
    model_version = "0"

    def identify(self, *, photos: list[Photo], notes: str) -> Identity:
        raise NotImplementedError

    def assess_condition(self, *, photos: list[Photo], notes: str, analysis: dict) -> ConditionReport:
        raise NotImplementedError

    def write_drafts(self, *, request: DraftRequest) -> DraftSet:
        raise NotImplementedError

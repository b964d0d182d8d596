"""The structured answers a remote model gives, as JSON Schemas: the tool `input_schema` for
Claude, the `response_format` for an OpenAI-compatible server. Every field may be null with the
reason it is unknown; every claim says what it rests on."""
from __future__ import annotations

import jsonschema

from marketplaces.platforms import MARKETPLACES, PLATFORMS

GRADES = ["NEW", "LIKE_NEW", "GOOD", "FAIR", "POOR"]
IDENTITY_FIELDS = ("name", "brand", "model", "category", "barcode")

_EVIDENCE = {
    "type": "array",
    "description": "What this value rests on: each item one source.",
    "items": {
        "type": "object",
        "properties": {
            "kind": {"type": "string", "enum": ["photo", "text_on_photo", "barcode", "notes"]},
            "photo": {"type": ["integer", "null"], "minimum": 1, "description": "1-based photo number, if any"},
            "detail": {"type": "string", "description": "e.g. the text as printed"},
        },
        "required": ["kind", "photo", "detail"],
        "additionalProperties": False,
    },
}


def _claim(description: str) -> dict:
    return {
        "type": "object",
        "description": description,
        "properties": {
            "value": {"type": ["string", "null"], "description": "null when the photos and notes do not show it"},
            "unknown_reason": {"type": ["string", "null"], "description": "why it is unknown (when value is null)"},
            "evidence": _EVIDENCE,
            "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        },
        "required": ["value", "unknown_reason", "evidence", "confidence"],
        "additionalProperties": False,
    }


IDENTITY = {
    "type": "object",
    "properties": {
        "name": _claim("What the item is, as a buyer would search for it (a book: its title)."),
        "brand": _claim("The maker or brand, only as printed or stated."),
        "model": _claim("Model name or number, only as printed or stated."),
        "category": _claim("A marketplace category path, e.g. 'Electronics > Audio > Headphones'."),
        "barcode": _claim("UPC/EAN/ISBN digits, only as decoded or printed."),
        "attributes": {
            "type": "array",
            "description": "Size, colour, capacity, edition… whatever the photos or notes show.",
            "items": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "value": {"type": "string"}, "evidence": _EVIDENCE,
                               "confidence": {"type": "number", "minimum": 0, "maximum": 1}},
                "required": ["name", "value", "evidence", "confidence"],
                "additionalProperties": False,
            },
        },
    },
    "required": [*IDENTITY_FIELDS, "attributes"],
    "additionalProperties": False,
}

CONDITION = {
    "type": "object",
    "properties": {
        "grade": {"type": ["string", "null"], "enum": [*GRADES, None]},
        "unknown_reason": {"type": ["string", "null"]},
        "defects": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "type": {"type": "string", "description": "scratch, dent, stain, tear, missing part…"},
                    "where": {"type": "string"},
                    "severity": {"type": "string", "enum": ["minor", "moderate", "major"]},
                    "photo": {"type": ["integer", "null"], "minimum": 1},
                    "source": {"type": "string", "enum": ["photo", "notes"]},
                },
                "required": ["type", "where", "severity", "photo", "source"],
                "additionalProperties": False,
            },
        },
        "confidence": {"type": "number", "minimum": 0, "maximum": 1},
        "reason": {"type": "string", "description": "Why this grade, in a sentence a buyer understands."},
    },
    "required": ["grade", "unknown_reason", "defects", "confidence", "reason"],
    "additionalProperties": False,
}

DRAFTS = {
    "type": "object",
    "properties": {
        code: {
            "type": "object",
            "properties": {"title": {"type": "string", "minLength": 1, "maxLength": PLATFORMS[code].title_max},
                           "description": {"type": "string", "maxLength": PLATFORMS[code].description_max}},
            "required": ["title", "description"],
            "additionalProperties": False,
        }
        for code in MARKETPLACES
    },
    "required": list(MARKETPLACES),
    "additionalProperties": False,
}

# One look at the photos answers both: what the item is and what state it is in. The condition
# alone (record_condition) is asked only when that answer is not at hand (agents/services.py).
ITEM = {
    "type": "object",
    "properties": {"identity": IDENTITY, "condition": CONDITION},
    "required": ["identity", "condition"],
    "additionalProperties": False,
}

TOOLS = {
    "record_item": (ITEM, "Record what the item is (each field with its evidence, or null and why) and its "
                          "condition grade with every defect."),
    "record_condition": (CONDITION, "Record the item's condition grade and every defect."),
    "record_listings": (DRAFTS, "Record one listing title and description per marketplace."),
}


def schema_errors(schema: dict, value) -> list[str]:
    """Every way `value` breaks `schema`, in words (empty when it conforms)."""
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}"
            for error in sorted(validator.iter_errors(value), key=lambda e: list(e.absolute_path))][:10]

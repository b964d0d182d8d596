"""Every Sell Inventory / Fulfillment / Metadata request checked against eBay's own OpenAPI 3
specifications (the shared folder `<repo>/../shared/ebay-openapi`, or BOOMER_EBAY_OPENAPI_DIR).

Stricter than eBay's documents in one deliberate way: every object schema gets
`additionalProperties: false`, so a field the spec does not define (a typo) is an error. Two
corrections where the generated spec contradicts eBay's own text: `aspects` is typed "string"
but documented as {name: [values]}; string fields whose description states one "Max Length"
get it as maxLength; `condition` gets ConditionEnum's values. Without the specs this module
refuses to load: a contract server that silently skips validation would prove nothing.
"""
from __future__ import annotations

import copy
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry
from referencing.jsonschema import DRAFT4

SPECS = {
    "/sell/inventory/v1": "sell_inventory_v1_oas3.json",
    "/sell/fulfillment/v1": "sell_fulfillment_v1_oas3.json",
    "/sell/metadata/v1": "sell_metadata_v1_oas3.json",
}
CONDITION_ENUM = ["NEW", "LIKE_NEW", "NEW_OTHER", "NEW_WITH_DEFECTS", "CERTIFIED_REFURBISHED",
                  "EXCELLENT_REFURBISHED", "VERY_GOOD_REFURBISHED", "GOOD_REFURBISHED", "SELLER_REFURBISHED",
                  "USED_EXCELLENT", "USED_VERY_GOOD", "USED_GOOD", "USED_ACCEPTABLE", "FOR_PARTS_OR_NOT_WORKING",
                  "PRE_OWNED_EXCELLENT", "PRE_OWNED_FAIR"]
# A value's length is the category's own aspectMaxLength (65 when eBay states none), checked at
# publishOffer by ebay_taxonomy.publish_errors: the request schema cannot know the category.
ASPECTS = {"type": "object", "propertyNames": {"maxLength": 40},
           "additionalProperties": {"type": "array", "items": {"type": "string"}}}
_MAX_LENGTH = re.compile(r"Max length</strong>:\s*([\d,]+)", re.I)


def spec_dir() -> Path:
    configured = os.environ.get("BOOMER_EBAY_OPENAPI_DIR")
    folder = Path(configured) if configured else Path(__file__).resolve().parents[2].parent / "shared" / "ebay-openapi"
    missing = [name for name in SPECS.values() if not (folder / name).is_file()]
    if missing:
        raise RuntimeError(f"eBay's OpenAPI specifications are missing from {folder} ({', '.join(missing)}): the "
                           "eBay contract server validates every request against them; put the shared folder "
                           "beside the clone or set BOOMER_EBAY_OPENAPI_DIR")
    return folder


def _tighten(node):
    """additionalProperties: false on every object; maxLength from the description's "Max Length"."""
    if isinstance(node, list):
        return [_tighten(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: _tighten(value) for key, value in node.items()}
    if "properties" in node or node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    if node.get("type") == "string" and "maxLength" not in node:
        lengths = _MAX_LENGTH.findall(node.get("description", ""))
        if len(lengths) == 1:
            node["maxLength"] = int(lengths[0].replace(",", ""))
    return node


def _corrected(spec: dict) -> dict:
    spec = copy.deepcopy(spec)
    schemas = spec["components"]["schemas"]
    for name in ("Product", "InventoryItemGroup"):
        if "aspects" in schemas.get(name, {}).get("properties", {}):
            schemas[name]["properties"]["aspects"] = dict(ASPECTS)
    for name in ("InventoryItem", "InventoryItemWithSkuLocale", "InventoryItemWithSkuLocaleGroupid"):
        if "condition" in schemas.get(name, {}).get("properties", {}):
            schemas[name]["properties"]["condition"]["enum"] = CONDITION_ENUM
    spec["components"] = _tighten(spec["components"])
    return spec


@dataclass
class Operation:
    method: str
    pattern: re.Pattern
    name: str
    query: dict[str, dict] = field(default_factory=dict)  # name → {"required": bool, "schema": …}
    headers: list[str] = field(default_factory=list)  # required request headers
    body: Draft4Validator | None = None
    body_required: bool = False


@dataclass(frozen=True)
class Violation:
    method: str
    path: str
    operation: str
    field: str
    problem: str

    def __str__(self):
        return f"{self.method} {self.path} ({self.operation}): {self.field}: {self.problem}"


class EbayContract:
    def __init__(self, operations: list[Operation]):
        self.operations = operations

    def operation(self, method: str, path: str) -> Operation | None:
        for op in self.operations:
            if op.method == method and op.pattern.fullmatch(path):
                return op
        return None

    @staticmethod
    def covers(path: str) -> bool:
        return any(path.startswith(base + "/") or path == base for base in SPECS)

    def check(self, method: str, path: str, query: dict, headers, body: bytes) -> list[Violation]:
        """What in this request eBay's specification does not allow (empty: all of it is fine)."""
        if not self.covers(path):
            return []
        op = self.operation(method, path)
        if op is None:
            return [Violation(method, path, "?", "path", "no such operation in eBay's specification")]

        def bad(where: str, problem: str) -> Violation:
            return Violation(method, path, op.name, where, problem)

        found = []
        for name, spec in op.query.items():
            if spec["required"] and name not in query:
                found.append(bad(name, "required query parameter missing"))
        for name, value in query.items():
            if name not in op.query:
                found.append(bad(name, "query parameter not defined"))
            elif op.query[name]["schema"].get("type") == "integer" and not str(value).isdigit():
                found.append(bad(name, f"{value!r} is not an integer"))
        for name in op.headers:
            if not headers.get(name):
                found.append(bad(name, "required header missing"))
        if op.body is None:
            if body.strip():
                found.append(bad("body", "this operation takes no request body"))
            return found
        if not body.strip():
            if op.body_required:
                found.append(bad("body", "request body required"))
            return found
        try:
            document = json.loads(body)
        except ValueError:
            return [*found, bad("body", "not JSON")]
        for error in sorted(op.body.iter_errors(document), key=lambda e: list(e.absolute_path)):
            where = ".".join(str(p) for p in error.absolute_path)
            if error.validator == "additionalProperties" and isinstance(error.instance, dict):
                known = set(error.schema.get("properties", {}))
                for extra in sorted(set(error.instance) - known):
                    found.append(bad(f"{where}.{extra}" if where else extra, "field not defined by eBay"))
            else:
                found.append(bad(where or "body", error.message))
        return found


@lru_cache(maxsize=1)
def ebay_contract() -> EbayContract:
    folder = spec_dir()
    registry = Registry()
    operations = []
    for base, filename in SPECS.items():
        uri = f"urn:ebay:{filename}"
        spec = _corrected(json.loads((folder / filename).read_text(encoding="utf-8")))
        registry = registry.with_resource(uri, DRAFT4.create_resource(spec))
        for template, methods in spec["paths"].items():
            regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(base + template))
            for method, raw in methods.items():
                if method not in ("get", "post", "put", "delete"):
                    continue
                params = raw.get("parameters") or []
                op = Operation(
                    method.upper(), re.compile(regex), raw.get("operationId", template),
                    query={p["name"]: {"required": bool(p.get("required")), "schema": p.get("schema") or {}}
                           for p in params if p.get("in") == "query"},
                    headers=[p["name"] for p in params if p.get("in") == "header" and p.get("required")],
                )
                content = ((raw.get("requestBody") or {}).get("content") or {}).get("application/json")
                if content:
                    op.body = Draft4Validator({"$ref": f"{uri}#" + content["schema"]["$ref"][1:]}
                                              if "$ref" in content["schema"] else content["schema"], registry=registry)
                    op.body_required = bool(raw["requestBody"].get("required"))
                operations.append(op)
    # the registry grows while loading: give every validator the complete one
    for op in operations:
        if op.body is not None:
            op.body = Draft4Validator(op.body.schema, registry=registry)
    # literal paths before templated ones (/offer/get_listing_fees before /offer/{offerId})
    operations.sort(key=lambda op: op.pattern.pattern.count("(?P<"))
    return EbayContract(operations)

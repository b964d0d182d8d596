"""Anthropic's Messages API (`POST /v1/messages`) as the pinned `anthropic` SDK calls it.

`with AnthropicServer() as server:` then `anthropic.Anthropic(api_key=server.api_key, base_url=server.url)`.
The server validates a request the way the real API does and answers 4xx with the real error shape
`{"type": "error", "error": {"type": ..., "message": ...}, "request_id": ...}`.

Scripting answers: `server.answers[tool_name] = {...}` (or a callable `body -> dict`) is the tool
input returned when `tool_choice` forces that tool (`{"type": "tool"}`, or `{"type": "any"}`: the tool
the last user text names, else the first tool that has an answer); unscripted tools get a minimal instance of their
`input_schema`. With `tool_choice` auto (or none given) the model calls the tool that the last user
text names ("Call record_item"), as the docs tell callers of models without forced tool use to do;
otherwise, or with the `prose_next` fault, the answer is a text block, `server.text_answer` ("ok").

Models of the 5.5 generation (`ADAPTIVE_ONLY`) follow their published breaking changes: `tool_choice`
"tool"/"any" is a 400, thinking is always on (`disabled` and budgets are 400s; `between_tools` is the
lowest), a conversation must not end with an assistant turn (no prefill), and each answer starts with
a signed `thinking` block (display "omitted": empty text). A thinking block sent back must be one this
server signed, unchanged.

Usage is deterministic: a block costs ceil(len(its JSON) / 4) tokens, an image 1600. Prompt caching
works like the real API: each block carrying `cache_control` (tools, then system, then messages)
ends a cacheable prefix; the longest prefix already seen is read (`cache_read_input_tokens`), the
rest up to the last breakpoint is written (`cache_creation_input_tokens`), and `input_tokens` counts
what follows the last breakpoint. Entries live for their ttl (5m or 1h); `min_cache_tokens` mimics
the per-model minimum (0 here: everything caches).

Faults (`server.faults`, thread-safe, or `POST /__control__`): see `AnthropicFaults`.

`AIFaults`, `AIServer`, `schema_example` and `schema_violation` are shared with openai_compatible.py.
"""
from __future__ import annotations

import base64
import binascii
import copy
import hashlib
import io
import json
import math
import re
import secrets
import threading
import time
from dataclasses import dataclass
from urllib.parse import urlparse

from jsonschema import Draft202012Validator, SchemaError
from PIL import Image

from .base import ContractServer, Faults, Response

IMAGE_TYPES = {"image/jpeg", "image/png", "image/gif", "image/webp"}
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGE_SIDE = 8000
MAX_IMAGES = 100
IMAGE_TOKENS = 1600
MAX_CACHE_BREAKPOINTS = 4
CACHE_TTLS = {"5m": 300, "1h": 3600}
TOOL_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
VERSION = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ERROR_TYPES = {400: "invalid_request_error", 401: "authentication_error", 402: "billing_error", 403: "permission_error",
               404: "not_found_error", 413: "request_too_large", 429: "rate_limit_error", 500: "api_error",
               504: "timeout_error", 529: "overloaded_error"}
BODY_FIELDS = {"model", "messages", "max_tokens", "system", "tools", "tool_choice", "cache_control", "container",
               "diagnostics", "inference_geo", "metadata", "output_config", "service_tier", "speed", "stop_sequences",
               "stream", "thinking", "temperature", "top_p", "top_k"}
BLOCK_TYPES = {"text", "image", "document", "search_result", "thinking", "redacted_thinking", "tool_use", "tool_result",
               "server_tool_use", "web_search_tool_result", "web_fetch_tool_result", "code_execution_tool_result",
               "bash_code_execution_tool_result", "text_editor_code_execution_tool_result", "tool_search_tool_result",
               "container_upload"}
UNCACHEABLE_BLOCKS = {"thinking", "redacted_thinking"}
# Models whose thinking is always on and that refuse a forced tool call (Anthropic's notes for
# Claude Sonnet 5.5, Opus 5.5, Fable 5.1 and Mythos 5.1).
ADAPTIVE_ONLY = {"claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-mythos-5-1"}
FORCED_REFUSED = 'tool_choice: type "tool" and "any" are not supported for this model.'
PREFILL_REFUSED = "This model does not support assistant message prefill. The conversation must end with a user message."
MAGIC = {"image/jpeg": (b"\xff\xd8\xff",), "image/png": (b"\x89PNG\r\n\x1a\n",), "image/gif": (b"GIF87a", b"GIF89a")}


class Invalid(Exception):
    """A request the real API refuses: status, error type (and code) and message of the answer."""

    def __init__(self, message: str, status: int = 400, kind: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message, self.status, self.kind = message, status, kind or ERROR_TYPES.get(status, "api_error")
        self.code = code  # OpenAI's `error.code` (invalid_api_key, model_not_found)


# --- shared by both AI servers -----------------------------------------------------------------
@dataclass
class AIFaults(Faults):
    """base.Faults (down, rate_limit_next + retry_after, fail_next + status, delay_ms, match) plus
    answer faults, which spoil the next N valid answers instead of refusing the request."""

    malformed_next: int = 0
    refusal_next: int = 0

    def take_answer(self, *names: str) -> str | None:
        """Consume one of the named answer faults (`"malformed"` → `malformed_next`), in that order."""
        with self.lock:
            for name in names:
                left = getattr(self, f"{name}_next")
                if left > 0:
                    setattr(self, f"{name}_next", left - 1)
                    return name
        return None

    def reset(self):
        super().reset()
        self.malformed_next = self.refusal_next = 0


class AIServer(ContractServer):
    """A ContractServer for JSON APIs: records `(headers, body)` pairs, lets subclasses answer
    transport faults in their own error shape, and ignores clients that hung up (timeouts)."""

    faults_class = AIFaults
    paths: dict[str, str] = {}  # path → name of the POST handler method, taking (headers, body, raw)

    def __init__(self):
        super().__init__()
        self.faults = self.faults_class()
        self.requests: list[tuple[dict, object]] = []  # (lowercased headers, parsed JSON body or None)
        self.answers: dict = {}

    def start(self) -> AIServer:
        """As ContractServer.start, but polling for shutdown every 50 ms, so `stop()` returns at once."""
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name=type(self).__name__, daemon=True)
        self._thread.start()
        return self

    def count(self) -> int:
        """How many requests the server received (refused and faulted ones too, `down` ones not)."""
        return len(self.requests)

    def fault_response(self, fault: str) -> Response:
        raise NotImplementedError

    def not_found(self, path: str) -> Response:
        raise NotImplementedError

    def answer_for(self, name: str | None, schema: dict | None, body: dict):
        """The scripted answer for a tool / schema name, called if callable, else a minimal instance."""
        scripted = self.answers.get(name)
        if callable(scripted):
            return scripted(body)
        if scripted is not None:
            return copy.deepcopy(scripted)
        return schema_example(schema or {"type": "object"})

    def _serve_api(self, handler, path: str) -> None:
        if self.faults.delay_ms:
            time.sleep(self.faults.delay_ms / 1000)
        fault = self.faults.take(path)
        if fault == "down":
            handler.close_connection = True
            handler.connection.close()
            return
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        headers = {name.lower(): value for name, value in handler.headers.items()}
        with self.lock:
            self.requests.append((headers, body))
        if fault:
            return handler._send(self.fault_response(fault))
        method_name = self.paths.get(path)
        if method_name is None or handler.command != "POST":
            return handler._send(self.not_found(path))
        try:
            response = getattr(self, method_name)(headers, body, raw)
        except Exception as exc:  # a bug in the fake: make it loud
            response = Response(500, {"fake_server_bug": repr(exc)})
        handler._send(response)

    def _handler_class(self):
        server = self
        base_handler = super()._handler_class()

        class Handler(base_handler):
            def _serve(self):
                path = self.path.split("?", 1)[0]
                if path == "/__control__":
                    return super()._serve()
                try:
                    server._serve_api(self, path)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (its timeout)
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _serve

        return Handler


def last_user_text(body: dict) -> str:
    """The words of the request's last message (text blocks and tool results' text)."""
    content = body["messages"][-1]["content"]
    if isinstance(content, str):
        return content
    words = []
    for block in content:
        if not isinstance(block, dict):
            continue
        inner = block.get("content") if block.get("type") == "tool_result" else None
        words.append(block.get("text", "") if inner is None else inner if isinstance(inner, str)
                     else " ".join(part.get("text", "") for part in inner if isinstance(part, dict)))
    return " ".join(words)


def canonical(value) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def text_tokens(value) -> int:
    return math.ceil(len(canonical(value)) / 4)


def decode_base64(data) -> bytes:
    if not isinstance(data, str) or not data:
        raise ValueError("empty")
    return base64.b64decode(data, validate=True)


def sniff_image(raw: bytes) -> str | None:
    """The media type of image bytes by their magic number."""
    for media_type, prefixes in MAGIC.items():
        if raw.startswith(prefixes):
            return media_type
    if raw[:4] == b"RIFF" and raw[8:12] == b"WEBP":
        return "image/webp"
    return None


def _resolve(schema: dict, root: dict) -> dict:
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if not ref or not ref.startswith("#/"):
        return schema if isinstance(schema, dict) else {}
    target = root
    for part in ref[2:].split("/"):
        target = target.get(part, {})
    return _resolve(target, root)


def schema_example(schema: dict, root: dict | None = None):
    """A minimal instance of a JSON schema: required properties only, first enum value, zero, ''."""
    root = root or schema
    schema = _resolve(schema, root)
    for key in ("const", "default"):
        if key in schema:
            return copy.deepcopy(schema[key])
    if schema.get("enum"):
        return copy.deepcopy(schema["enum"][0])
    for key in ("anyOf", "oneOf", "allOf"):
        if schema.get(key):
            return schema_example(schema[key][0], root)
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if kind == "object":
        properties = schema.get("properties") or {}
        return {name: schema_example(properties.get(name, {}), root) for name in schema.get("required") or []}
    if kind == "array":
        return [schema_example(schema.get("items") or {}, root) for _ in range(schema.get("minItems", 0))]
    if kind in ("integer", "number"):
        return schema.get("minimum", 0)
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "x" * schema.get("minLength", 0)


WRONG_TYPE = {"string": 12345, "integer": "not a number", "number": "not a number", "boolean": "maybe",
              "array": "not a list", "object": "not an object", "null": "not null"}


def schema_violation(schema: dict, answer) -> dict:
    """`answer` spoiled the way a model spoils tool input: the first required field missing and
    another field of the wrong type (or an unexpected field if the schema has no other)."""
    root = _resolve(schema, schema)
    spoiled = copy.deepcopy(answer) if isinstance(answer, dict) else {}
    required = list(root.get("required") or [])
    properties = root.get("properties") or {}
    dropped = required[0] if required else None
    spoiled.pop(dropped, None)
    others = [name for name in [*required[1:], *properties] if name != dropped]
    if others:
        kind = _resolve(properties.get(others[0], {}), schema).get("type", "string")
        kind = kind[0] if isinstance(kind, list) else kind
        spoiled[others[0]] = WRONG_TYPE.get(kind, {"unexpected": True})
    elif dropped is None:
        spoiled["unexpected_field"] = WRONG_TYPE["string"]
    return spoiled


# --- Anthropic ---------------------------------------------------------------------------------
@dataclass
class AnthropicFaults(AIFaults):
    """Faults of the Messages API. Set from Python (`server.faults.overloaded_next = 1`) or over HTTP.

    - rate_limit_next N: 429 rate_limit_error with `retry-after: <retry_after>` (seconds);
    - overloaded_next N: 529 overloaded_error;
    - fail_next N: `status` (500 api_error; 529, 503, 504 take their own error types);
    - delay_ms: every answer waits that long (client timeouts, latency);
    - down: the connection is closed without an answer;
    - malformed_next N: a forced tool's input violates its input_schema (a required field
      missing, another of the wrong type);
    - max_tokens_next N: stop_reason "max_tokens", a truncated text block and no tool_use;
    - refusal_next N: stop_reason "refusal" with a short text;
    - prose_next N: with `tool_choice` auto, a text answer instead of the tool call asked for.
    """

    overloaded_next: int = 0
    max_tokens_next: int = 0
    prose_next: int = 0

    def take(self, path: str = "") -> str | None:
        fault = super().take(path)
        if fault:
            return fault
        with self.lock:
            if self.overloaded_next > 0 and not (self.match and not re.search(self.match, path)):
                self.overloaded_next -= 1
                return "overloaded"
        return None

    def reset(self):
        super().reset()
        self.overloaded_next = self.max_tokens_next = self.prose_next = 0


@dataclass
class Segment:
    """One cacheable unit of the request's prefix (a tool, a system block, a message block)."""

    key: str
    tokens: int
    ttl: str | None = None  # set when the block carries cache_control


class AnthropicServer(AIServer):
    """`POST /v1/messages`. Attributes: `api_key`, `answers`, `text_answer`, `requests`, `count()`,
    `faults`, `models` (None: any model name is served), `min_cache_tokens`, `clear_cache()`."""

    faults_class = AnthropicFaults
    paths = {"/v1/messages": "messages"}

    def __init__(self, *, api_key: str | None = None, models: set[str] | None = None, min_cache_tokens: int = 0):
        super().__init__()
        self.api_key = api_key or "sk-ant-api03-" + secrets.token_urlsafe(32)
        self.models = models
        self.min_cache_tokens = min_cache_tokens
        self.text_answer = "ok"
        self._cache: dict[str, float] = {}  # prefix hash → expiry (time.monotonic())
        self._cache_lock = threading.Lock()
        self._signatures: dict[str, str] = {}  # signature of each thinking block issued → its text

    def clear_cache(self) -> None:
        with self._cache_lock:
            self._cache.clear()

    # --- errors ----------------------------------------------------------------------------------
    @staticmethod
    def error(status: int, message: str, kind: str | None = None, headers: dict | None = None) -> Response:
        request_id = "req_" + secrets.token_hex(12)
        body = {"type": "error", "error": {"type": kind or ERROR_TYPES.get(status, "api_error"), "message": message},
                "request_id": request_id}
        return Response(status, body, {"request-id": request_id, **(headers or {})})

    def error_body(self, status: int) -> dict:
        return {"type": "error", "error": {"type": ERROR_TYPES.get(status, "api_error"), "message": "Internal server error"}}

    def not_found(self, path: str) -> Response:
        return self.error(404, f"Not found: {path}")

    def fault_response(self, fault: str) -> Response:
        if fault == "rate_limit":
            return self.error(429, "This request would exceed your organization's rate limit. Please try again later.",
                              headers={"retry-after": str(self.faults.retry_after)})
        if fault == "overloaded":
            return self.error(529, "Overloaded")
        status = self.faults.status
        return self.error(status, "Overloaded" if status == 529 else "Internal server error")

    # --- the endpoint ----------------------------------------------------------------------------
    def messages(self, headers: dict, body, raw: bytes) -> Response:
        try:
            self._check_auth(headers)
            self._check_headers(headers)
            if not isinstance(body, dict):
                raise Invalid("There was an issue with your request body. It must be a JSON object." if raw
                              else "messages: field required")
            tools = self._check_body(body)
        except Invalid as problem:
            return self.error(problem.status, problem.message, problem.kind)
        return Response(200, self._answer(body, tools), {"request-id": "req_" + secrets.token_hex(12)})

    def _check_auth(self, headers: dict) -> None:
        key = headers.get("x-api-key")
        bearer = headers.get("authorization", "")
        if key is None and bearer.lower().startswith("bearer "):
            key = bearer[7:].strip()  # the pinned SDK sends `api_key` as a Bearer token
        if not key:
            raise Invalid("x-api-key header is required", 401)
        if not secrets.compare_digest(key, self.api_key):
            raise Invalid("invalid x-api-key", 401)

    def _check_headers(self, headers: dict) -> None:
        version = headers.get("anthropic-version")
        if not version:
            raise Invalid("anthropic-version: header is required")
        if not VERSION.match(version):
            raise Invalid(f"anthropic-version: invalid version {version!r}")
        if "application/json" not in headers.get("content-type", ""):
            raise Invalid("Content-Type must be application/json")

    def _check_body(self, body: dict) -> dict[str, dict]:
        """Validates the request; returns its tools by name."""
        for name in body:
            if name not in BODY_FIELDS:
                raise Invalid(f"{name}: Extra inputs are not permitted")
        model = body.get("model")
        if not isinstance(model, str) or not model.strip():
            raise Invalid("model: field required" if "model" not in body else "model: String should have at least 1 character")
        if self.models is not None and model not in self.models:
            raise Invalid(f"model: {model}", 404)
        max_tokens = body.get("max_tokens")
        if "max_tokens" not in body:
            raise Invalid("max_tokens: field required")
        if isinstance(max_tokens, bool) or not isinstance(max_tokens, int) or max_tokens < 0:
            raise Invalid("max_tokens: Input should be greater than or equal to 0")  # 0 pre-warms the cache
        if body.get("stream"):
            raise Invalid("stream: this contract server answers only non-streaming requests")
        for name, high in (("temperature", 1), ("top_p", 1)):
            value = body.get(name)
            if value is not None and (not isinstance(value, (int, float)) or not 0 <= value <= high):
                raise Invalid(f"{name}: Input should be between 0 and {high}")
        self._check_thinking(body)
        tools = self._check_tools(body.get("tools"))
        self._check_tool_choice(body, tools)
        self._check_system(body.get("system"))
        self._check_messages(body.get("messages"))
        self._check_adaptive_only(body)
        self._check_tool_pairs(body["messages"], tools)
        if body.get("cache_control") is not None:
            self._check_cache_control(body["cache_control"], "cache_control")
        self._check_output_config(body.get("output_config"))
        self._check_breakpoints(body)
        return tools

    @staticmethod
    def _check_output_config(config) -> None:
        if config is None:
            return
        if not isinstance(config, dict):
            raise Invalid("output_config: Input should be a valid dictionary")
        if config.get("effort") is not None and config["effort"] not in ("low", "medium", "high", "xhigh", "max"):
            raise Invalid("output_config.effort: Input should be 'low', 'medium', 'high', 'xhigh' or 'max'")

    def _check_adaptive_only(self, body: dict) -> None:
        """The 5.5 generation's refusals (see the module docstring)."""
        if body["model"] not in ADAPTIVE_ONLY:
            return
        choice = (body.get("tool_choice") or {}).get("type")
        if choice in ("tool", "any"):
            raise Invalid(FORCED_REFUSED)
        thinking = (body.get("thinking") or {}).get("type")
        if thinking == "disabled":
            raise Invalid('thinking.type "disabled" is not supported for this model: use "between_tools"')
        if thinking == "enabled":
            raise Invalid('thinking.type "enabled" with budget_tokens is not supported for this model: use "adaptive"')
        if body["messages"][-1]["role"] == "assistant":
            raise Invalid(PREFILL_REFUSED)
        for i, message in enumerate(body["messages"]):
            for j, block in enumerate(message["content"] if isinstance(message["content"], list) else []):
                if block.get("type") == "thinking" and self._signatures.get(block.get("signature")) != block.get("thinking"):
                    raise Invalid(f"messages.{i}.content.{j}: Invalid `signature` in `thinking` block")

    def _check_thinking(self, body: dict) -> None:
        thinking = body.get("thinking")
        if thinking is None:
            return
        if not isinstance(thinking, dict) or thinking.get("type") not in ("enabled", "disabled", "adaptive",
                                                                           "between_tools"):
            raise Invalid("thinking.type: Input should be 'enabled', 'disabled', 'adaptive' or 'between_tools'")
        if thinking["type"] == "enabled":
            budget = thinking.get("budget_tokens")
            if not isinstance(budget, int) or budget < 1024:
                raise Invalid("thinking.enabled.budget_tokens: Input should be greater than or equal to 1024")
            if budget >= body["max_tokens"]:
                raise Invalid("`max_tokens` must be greater than `thinking.budget_tokens`")

    def _check_tools(self, tools) -> dict[str, dict]:
        if tools is None:
            return {}
        if not isinstance(tools, list):
            raise Invalid("tools: Input should be a valid list")
        by_name: dict[str, dict] = {}
        for i, tool in enumerate(tools):
            where = f"tools.{i}"
            if not isinstance(tool, dict):
                raise Invalid(f"{where}: Input should be a valid dictionary")
            name = tool.get("name")
            if not isinstance(name, str) or not name:
                raise Invalid(f"{where}.name: Field required")
            if tool.get("type") in (None, "custom"):
                if not TOOL_NAME.match(name):
                    raise Invalid(f"{where}.custom.name: String should match pattern '^[a-zA-Z0-9_-]{{1,64}}$'")
                self._check_input_schema(tool.get("input_schema"), f"{where}.custom.input_schema")
            if name in by_name:
                raise Invalid(f"tools: Tool names must be unique. Duplicate: {name}")
            if tool.get("cache_control") is not None:
                self._check_cache_control(tool["cache_control"], f"{where}.cache_control")
            by_name[name] = tool
        return by_name

    @staticmethod
    def _check_input_schema(schema, where: str) -> None:
        if schema is None:
            raise Invalid(f"{where}: Field required")
        if not isinstance(schema, dict):
            raise Invalid(f"{where}: Input should be a valid dictionary")
        if schema.get("type") != "object":
            raise Invalid(f"{where}.type: Input should be 'object'")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise Invalid(f"{where}: JSON schema is invalid - please consult https://json-schema.org: {exc.message}")

    @staticmethod
    def _check_tool_choice(body: dict, tools: dict) -> None:
        choice = body.get("tool_choice")
        if choice is None:
            return
        if not isinstance(choice, dict) or choice.get("type") not in ("auto", "any", "tool", "none"):
            raise Invalid("tool_choice: Input tag does not match any of the expected tags: 'auto', 'any', 'tool', 'none'")
        if choice["type"] in ("any", "tool") and not tools:
            raise Invalid("tool_choice: tool_choice may only be specified while providing tools.")
        if choice["type"] == "tool":
            if not isinstance(choice.get("name"), str):
                raise Invalid("tool_choice.tool.name: Field required")
            if choice["name"] not in tools:
                raise Invalid(f"Tool '{choice['name']}' not found in provided tools")
        if choice["type"] in ("any", "tool") and (body.get("thinking") or {}).get("type") == "enabled":
            raise Invalid("Thinking may not be enabled when tool_choice forces tool use.")

    def _check_system(self, system) -> None:
        if system is None or isinstance(system, str):
            return
        if not isinstance(system, list):
            raise Invalid("system: Input should be a valid string or a list of text blocks")
        for i, block in enumerate(system):
            where = f"system.{i}"
            if not isinstance(block, dict) or block.get("type") != "text":
                raise Invalid(f"{where}.type: Input should be 'text'")
            if not isinstance(block.get("text"), str) or not block["text"]:
                raise Invalid(f"{where}: text content blocks must be non-empty")
            if block.get("cache_control") is not None:
                self._check_cache_control(block["cache_control"], f"{where}.cache_control")

    def _check_messages(self, messages) -> None:
        if messages is None:
            raise Invalid("messages: Field required")
        if not isinstance(messages, list) or not messages:
            raise Invalid("messages: at least one message is required")
        images = 0
        for i, message in enumerate(messages):
            where = f"messages.{i}"
            if not isinstance(message, dict):
                raise Invalid(f"{where}: Input should be a valid dictionary")
            if message.get("role") not in ("user", "assistant"):
                raise Invalid(f"{where}.role: Input should be 'user' or 'assistant'")
            if "content" not in message:
                raise Invalid(f"{where}.content: Field required")
            content = message["content"]
            last_assistant = i == len(messages) - 1 and message["role"] == "assistant"
            if isinstance(content, str):
                if not content and not last_assistant:
                    raise Invalid(f"{where}: all messages must have non-empty content except for the optional final "
                                  "assistant message")
                continue
            if not isinstance(content, list):
                raise Invalid(f"{where}.content: Input should be a valid string or list of content blocks")
            if not content and not last_assistant:
                raise Invalid(f"{where}: all messages must have non-empty content except for the optional final assistant message")
            for j, block in enumerate(content):
                images += self._check_block(block, f"{where}.content.{j}")
        if images > MAX_IMAGES:
            raise Invalid(f"messages: too many images: {images} > {MAX_IMAGES}")

    @staticmethod
    def _check_tool_pairs(messages: list, tools: dict) -> None:
        """Each tool_use is answered by a tool_result at the start of the next (user) message, and
        each tool_result answers a tool_use of the previous (assistant) message."""
        def blocks(message):
            return message["content"] if isinstance(message["content"], list) else []

        for i, message in enumerate(messages):
            used = [b["id"] for b in blocks(message) if b.get("type") == "tool_use"]
            results = [b.get("type") == "tool_result" for b in blocks(message)]
            if (used or any(results)) and not tools:
                raise Invalid("Requests which include `tool_use` or `tool_result` blocks must define tools.")
            if used:
                following = messages[i + 1] if i + 1 < len(messages) else None
                leading = []
                for block in blocks(following) if following and following["role"] == "user" else []:
                    if block.get("type") != "tool_result":
                        break
                    leading.append(block["tool_use_id"])
                missing = [tool_id for tool_id in used if tool_id not in leading]
                if missing:
                    raise Invalid(f"messages.{i + 1}: `tool_use` ids were found without `tool_result` blocks immediately after: "
                                  f"{', '.join(missing)}. Each `tool_use` block must have a corresponding `tool_result` block "
                                  "in the next message.")
            previous = messages[i - 1] if i else None
            answered = {b["id"] for b in blocks(previous) if b.get("type") == "tool_use"} if previous else set()
            for j, block in enumerate(blocks(message)):
                if block.get("type") == "tool_result" and block["tool_use_id"] not in answered:
                    raise Invalid(f"messages.{i}.content.{j}: unexpected `tool_use_id` found in `tool_result` blocks: "
                                  f"{block['tool_use_id']}. Each `tool_result` block must have a corresponding `tool_use` "
                                  "block in the previous message.")

    def _check_block(self, block, where: str) -> int:
        """Validates one content block; returns how many images it holds."""
        if not isinstance(block, dict):
            raise Invalid(f"{where}: Input should be a valid dictionary")
        kind = block.get("type")
        if kind not in BLOCK_TYPES:
            raise Invalid(f"{where}: Input tag '{kind}' found using 'type' does not match any of the expected tags: "
                          + ", ".join(f"'{t}'" for t in sorted(BLOCK_TYPES)))
        if block.get("cache_control") is not None:
            if kind in UNCACHEABLE_BLOCKS:
                raise Invalid(f"{where}.{kind}.cache_control: Extra inputs are not permitted")
            self._check_cache_control(block["cache_control"], f"{where}.{kind}.cache_control")
        if kind == "text":
            if not isinstance(block.get("text"), str) or not block["text"]:
                raise Invalid(f"{where}: text content blocks must be non-empty")
            return 0
        if kind == "image":
            self._check_image(block.get("source"), f"{where}.image.source")
            return 1
        if kind == "tool_use":
            if not isinstance(block.get("id"), str) or not isinstance(block.get("name"), str):
                raise Invalid(f"{where}.tool_use: id and name are required")
            if not isinstance(block.get("input"), dict):
                raise Invalid(f"{where}.tool_use.input: Input should be a valid dictionary")
            return 0
        if kind == "tool_result":
            if not isinstance(block.get("tool_use_id"), str):
                raise Invalid(f"{where}.tool_result.tool_use_id: Field required")
            inner = block.get("content")
            if isinstance(inner, list):
                images = 0
                for k, part in enumerate(inner):
                    if not isinstance(part, dict) or part.get("type") not in ("text", "image", "document", "search_result"):
                        raise Invalid(f"{where}.tool_result.content.{k}: Input should be a text, image, document or search_result block")
                    images += self._check_block(part, f"{where}.tool_result.content.{k}")
                return images
            if inner is not None and not isinstance(inner, str):
                raise Invalid(f"{where}.tool_result.content: Input should be a valid string or list")
        return 0

    @staticmethod
    def _check_image(source, where: str) -> None:
        if not isinstance(source, dict):
            raise Invalid(f"{where}: Field required")
        kind = source.get("type")
        if kind == "url":
            if urlparse(str(source.get("url", ""))).scheme not in ("http", "https"):
                raise Invalid(f"{where}.url.url: Input should be a valid URL")
            return
        if kind != "base64":
            raise Invalid(f"{where}: Input tag '{kind}' found using 'type' does not match any of the expected tags: 'base64', 'url'")
        media_type = source.get("media_type")
        if media_type not in IMAGE_TYPES:
            raise Invalid(f"{where}.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'")
        try:
            data = decode_base64(source.get("data"))
        except (ValueError, binascii.Error):
            raise Invalid(f"{where}.base64.data: The image data is not valid base64")
        if len(data) > MAX_IMAGE_BYTES:
            raise Invalid(f"{where}.base64.data: image exceeds 5 MB maximum: {len(data)} bytes > {MAX_IMAGE_BYTES} bytes")
        if sniff_image(data) != media_type:
            raise Invalid(f"{where}.base64.media_type: Image does not match the provided media type {media_type}")
        try:
            with Image.open(io.BytesIO(data)) as image:
                width, height = image.size
        except Exception:
            raise Invalid(f"{where}.base64.data: Could not process image")
        if max(width, height) > MAX_IMAGE_SIDE:
            raise Invalid(f"{where}: image dimensions exceed max allowed size: {MAX_IMAGE_SIDE} pixels")

    @staticmethod
    def _check_cache_control(cache_control, where: str) -> None:
        if not isinstance(cache_control, dict) or cache_control.get("type") != "ephemeral":
            raise Invalid(f"{where}.type: Input should be 'ephemeral'")
        extra = set(cache_control) - {"type", "ttl"}
        if extra:
            raise Invalid(f"{where}.{sorted(extra)[0]}: Extra inputs are not permitted")
        if "ttl" in cache_control and cache_control["ttl"] not in CACHE_TTLS:
            raise Invalid(f"{where}.ttl: Input should be '5m' or '1h'")

    def _check_breakpoints(self, body: dict) -> None:
        ttls = [s.ttl for s in self._segments(body) if s.ttl]
        if len(ttls) > MAX_CACHE_BREAKPOINTS:
            raise Invalid(f"A maximum of {MAX_CACHE_BREAKPOINTS} blocks with cache_control may be provided. Found {len(ttls)}.")
        if "5m" in ttls and "1h" in ttls[ttls.index("5m"):]:
            raise Invalid("a ttl='1h' cache_control block must not come after a ttl='5m' cache_control block")

    # --- usage and caching -----------------------------------------------------------------------
    @staticmethod
    def _block_tokens(block) -> int:
        if isinstance(block, dict) and block.get("type") == "image":
            return IMAGE_TOKENS
        if isinstance(block, dict) and block.get("type") == "tool_result" and isinstance(block.get("content"), list):
            rest = {k: v for k, v in block.items() if k != "content"}
            return text_tokens(rest) + sum(AnthropicServer._block_tokens(part) for part in block["content"])
        return text_tokens(block)

    @classmethod
    def _segments(cls, body: dict) -> list[Segment]:
        """The request in cache order (tools, system, messages), one segment per block."""
        def segment(prefix: str, block) -> Segment:
            marker = block.get("cache_control") if isinstance(block, dict) else None
            plain = {k: v for k, v in block.items() if k != "cache_control"} if isinstance(block, dict) else block
            ttl = (marker.get("ttl") or "5m") if isinstance(marker, dict) else None
            return Segment(prefix + canonical(plain), cls._block_tokens(plain), ttl)

        segments = [segment("tool:", tool) for tool in body.get("tools") or []]
        system = body.get("system")
        if isinstance(system, str):
            segments.append(segment("system:", system))
        elif isinstance(system, list):
            segments += [segment("system:", block) for block in system]
        # The published invalidation table: a change of tool_choice, of the thinking settings or of
        # the effort invalidates the cached message blocks (not the tools or the system prompt).
        effort = (body.get("output_config") or {}).get("effort")  # a dict: _check_output_config ran first
        segments.append(Segment("settings:" + canonical([body.get("tool_choice"), body.get("thinking"), effort]), 0))
        for message in body.get("messages") or []:
            content = message.get("content") if isinstance(message, dict) else None
            role = message.get("role") if isinstance(message, dict) else None
            blocks = [content] if isinstance(content, str) else content if isinstance(content, list) else []
            segments += [segment(f"{role}:", block) for block in blocks]
        auto = body.get("cache_control")
        if isinstance(auto, dict) and segments and not segments[-1].ttl:
            segments[-1].ttl = auto.get("ttl") or "5m"  # top-level cache_control marks the last block
        return segments

    def _usage(self, body: dict) -> dict:
        """input / cache_creation / cache_read tokens of a request, updating the prompt cache."""
        digest = hashlib.sha256(f"model:{body['model']}".encode())
        total, breakpoints = 0, []  # (hash, tokens up to and including the block, ttl)
        for segment in self._segments(body):
            digest.update(hashlib.sha256(segment.key.encode()).digest())
            total += segment.tokens
            if segment.ttl and total >= self.min_cache_tokens:
                breakpoints.append((digest.hexdigest(), total, segment.ttl))
        now = time.monotonic()
        read, created = 0, {"5m": 0, "1h": 0}
        with self._cache_lock:
            hits = [i for i, (key, _, _) in enumerate(breakpoints) if self._cache.get(key, 0) > now]
            start = hits[-1] + 1 if hits else 0
            read = breakpoints[hits[-1]][1] if hits else 0
            previous = read
            for _key, tokens, ttl in breakpoints[start:]:
                created[ttl] += tokens - previous
                previous = tokens
            for key, _, ttl in breakpoints:
                self._cache[key] = now + CACHE_TTLS[ttl]
        cached = breakpoints[-1][1] if breakpoints else 0
        return {"input_tokens": total - cached, "cache_creation_input_tokens": created["5m"] + created["1h"],
                "cache_read_input_tokens": read,
                "cache_creation": {"ephemeral_5m_input_tokens": created["5m"], "ephemeral_1h_input_tokens": created["1h"]}}

    # --- answers ---------------------------------------------------------------------------------
    def _chosen_tool(self, body: dict, tools: dict) -> dict | None:
        """The tool this answer calls: the forced one, or (auto) the one the last user text names."""
        choice = body.get("tool_choice") or {}
        if choice.get("type") == "tool":
            return tools[choice["name"]]
        if choice.get("type") == "none" or not tools:
            return None
        words = last_user_text(body)
        named = [name for name in tools if re.search(rf"\b{re.escape(name)}\b", words)]
        if choice.get("type") == "any":
            first = next((t for name, t in tools.items() if name in self.answers), next(iter(tools.values())))
            return tools[named[0]] if named else first
        if not named or self.faults.take_answer("prose"):
            return None
        return tools[named[0]]

    def _thinking_block(self) -> dict:
        """A signed thinking block with its text omitted (the 5.5 generation's default display)."""
        signature = base64.b64encode(secrets.token_bytes(48)).decode()
        self._signatures[signature] = ""
        return {"type": "thinking", "thinking": "", "signature": signature}

    def _answer(self, body: dict, tools: dict) -> dict:
        usage = self._usage(body)
        tool = self._chosen_tool(body, tools)
        max_tokens = body["max_tokens"]
        stop_details = None
        if max_tokens == 0:  # pre-warming the cache: nothing generated
            content, stop_reason = [], "max_tokens"
        else:
            fault = self.faults.take_answer("refusal", "max_tokens", *(["malformed"] if tool else []))
            if tool:
                schema = tool.get("input_schema") or {"type": "object"}
                tool_input = self.answer_for(tool["name"], schema, body)
                if fault == "malformed":
                    tool_input = schema_violation(schema, tool_input)
                full = canonical(tool_input)
                content = [{"type": "tool_use", "id": "toolu_" + secrets.token_hex(12), "name": tool["name"], "input": tool_input}]
                stop_reason = "tool_use"
            else:
                full = self.text_answer
                content = [{"type": "text", "text": full}]
                stop_reason = "end_turn"
            if fault == "refusal":
                content, stop_reason = [{"type": "text", "text": "I can't help with that request."}], "refusal"
                stop_details = {"type": "refusal", "category": None, "explanation": None}
            elif fault == "max_tokens" or text_tokens(content) > max_tokens:
                cut = min(len(full) // 2, max_tokens * 4)
                content, stop_reason = [{"type": "text", "text": full[:cut]}], "max_tokens"
        output_tokens = 0 if max_tokens == 0 else min(max_tokens, max(1, text_tokens(content)))
        if stop_reason == "max_tokens":
            output_tokens = max_tokens
        if body["model"] in ADAPTIVE_ONLY and max_tokens and (body.get("thinking") or {}).get("type") != "between_tools":
            content = [self._thinking_block(), *content]
        return {"id": "msg_" + secrets.token_hex(12), "type": "message", "role": "assistant", "model": body["model"],
                "content": content, "stop_reason": stop_reason, "stop_sequence": None, "stop_details": stop_details,
                "usage": {**usage, "output_tokens": output_tokens, "service_tier": "standard"}}

"""An OpenAI-compatible chat server (`POST /v1/chat/completions`, `GET /v1/models`) as Ollama, vLLM and
llama.cpp serve it to the `openai` Python SDK: `openai.OpenAI(api_key=server.api_key, base_url=server.url + "/v1")`.

It checks `Authorization: Bearer <api_key>` (the local servers started with an API key do), the model,
the messages (a string or a list of `text` / `image_url` parts, images as base64 `data:` URLs) and
`response_format`; errors use OpenAI's shape `{"error": {"message", "type", "param", "code"}}`.

Scripting answers: `server.answers[schema_name] = {...}` (or a callable `body -> dict`) is returned, as a
JSON string in `message.content`, for `response_format={"type": "json_schema", "json_schema": {"name":
schema_name, ...}}`; an unscripted schema gets a minimal instance of itself. Without a schema the content
is `server.text_answer` ("ok").

Usage: prompt tokens are ceil(len(JSON of each message's content) / 4), an image 1600; completion tokens
ceil(len(content) / 4). A completion longer than `max_tokens` / `max_completion_tokens` is cut there
with finish_reason "length", as the real servers do.

Faults (`server.faults`, thread-safe, or `POST /__control__`): see `OpenAICompatibleFaults`.
"""
from __future__ import annotations

import binascii
import json
import math
import re
import secrets
import time
from dataclasses import dataclass

from jsonschema import Draft202012Validator, SchemaError

from .anthropic import IMAGE_TOKENS, MAX_IMAGE_BYTES, AIFaults, AIServer, Invalid, decode_base64, schema_violation, sniff_image
from .base import Response

ROLES = {"system", "developer", "user", "assistant", "tool"}
DATA_URL = re.compile(r"^data:(image/(?:jpeg|png|gif|webp));base64,(.*)$", re.DOTALL)
SCHEMA_NAME = re.compile(r"^[a-zA-Z0-9_-]{1,64}$")
ERROR_TYPES = {400: "invalid_request_error", 401: "invalid_request_error", 404: "invalid_request_error",
               429: "requests", 500: "server_error", 503: "server_error"}


@dataclass
class OpenAICompatibleFaults(AIFaults):
    """Faults of the chat completions endpoint. Set from Python (`server.faults.length_next = 1`) or over HTTP.

    - rate_limit_next N: 429 with `retry-after: <retry_after>` (seconds);
    - fail_next N: `status` (500 server_error);
    - delay_ms: every answer waits that long (client timeouts, latency);
    - down: the connection is closed without an answer;
    - malformed_next N: content that is valid JSON but violates the schema (a required field missing,
      another of the wrong type);
    - invalid_json_next N: content that is not JSON at all (chatter before the object);
    - length_next N: finish_reason "length", the content cut in half (not valid JSON);
    - refusal_next N: `message.refusal` set, `content` null.
    """

    invalid_json_next: int = 0
    length_next: int = 0

    def reset(self):
        super().reset()
        self.invalid_json_next = self.length_next = 0


class OpenAICompatibleServer(AIServer):
    """`POST /v1/chat/completions` and `GET /v1/models`. Attributes: `api_key`, `answers`, `text_answer`,
    `requests`, `count()`, `faults`, `models` (None: any model name is served)."""

    faults_class = OpenAICompatibleFaults
    paths = {"/v1/chat/completions": "chat_completions"}

    def __init__(self, *, api_key: str | None = None, models: set[str] | None = None):
        super().__init__()
        self.api_key = api_key or "sk-local-" + secrets.token_urlsafe(24)
        self.models = models
        self.text_answer = "ok"

    # --- errors ----------------------------------------------------------------------------------
    @staticmethod
    def error(status: int, message: str, *, kind: str | None = None, param: str | None = None, code: str | None = None,
              headers: dict | None = None) -> Response:
        body = {"error": {"message": message, "type": kind or ERROR_TYPES.get(status, "invalid_request_error"),
                          "param": param, "code": code}}
        return Response(status, body, headers or {})

    def error_body(self, status: int) -> dict:
        return {"error": {"message": "The server had an error while processing your request.", "type": "server_error",
                          "param": None, "code": None}}

    def not_found(self, path: str) -> Response:
        return self.error(404, f"Invalid URL (POST {path})")

    def fault_response(self, fault: str) -> Response:
        if fault == "rate_limit":
            return self.error(429, "Rate limit reached for requests. Please try again later.", code="rate_limit_exceeded",
                              headers={"retry-after": str(self.faults.retry_after)})
        return self.error(self.faults.status, "The server had an error while processing your request.")

    # --- routes ----------------------------------------------------------------------------------
    def _serve_api(self, handler, path: str) -> None:
        if path == "/v1/models" and handler.command == "GET":
            models = sorted(self.models or {"local-model"})
            data = [{"id": m, "object": "model", "created": 1700000000, "owned_by": "library"} for m in models]
            handler._send(Response(200, {"object": "list", "data": data}))
            return
        super()._serve_api(handler, path)

    def chat_completions(self, headers: dict, body, raw: bytes) -> Response:
        try:
            self._check_auth(headers)
            if not isinstance(body, dict):
                raise Invalid("We could not parse the JSON body of your request." if raw else "you must provide a model parameter")
            schema = self._check_body(body)
        except Invalid as problem:
            return self.error(problem.status, problem.message, code=problem.code)
        return Response(200, self._answer(body, schema))

    def _check_auth(self, headers: dict) -> None:
        header = headers.get("authorization", "")
        if not header.lower().startswith("bearer ") or not secrets.compare_digest(header[7:].strip(), self.api_key):
            raise Invalid("Incorrect API key provided.", 401, code="invalid_api_key")

    def _check_body(self, body: dict) -> dict | None:
        """Validates the request; returns the json_schema part of response_format, if any."""
        model = body.get("model")
        if not isinstance(model, str) or not model.strip():
            raise Invalid("you must provide a model parameter")
        if self.models is not None and model not in self.models:
            raise Invalid(f"The model `{model}` does not exist.", 404, code="model_not_found")
        if body.get("stream"):
            raise Invalid("stream: this contract server answers only non-streaming requests")
        if body.get("n", 1) != 1:
            raise Invalid("n: only n=1 is supported")
        for name in ("max_tokens", "max_completion_tokens"):
            value = body.get(name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 1):
                raise Invalid(f"{name}: must be a positive integer")
        temperature = body.get("temperature")
        if temperature is not None and (not isinstance(temperature, (int, float)) or not 0 <= temperature <= 2):
            raise Invalid("temperature: must be between 0 and 2")
        self._check_messages(body.get("messages"))
        return self._check_response_format(body.get("response_format"))

    def _check_messages(self, messages) -> None:
        if not isinstance(messages, list) or not messages:
            raise Invalid("messages: must be a non-empty array")
        for i, message in enumerate(messages):
            where = f"messages[{i}]"
            if not isinstance(message, dict) or message.get("role") not in ROLES:
                raise Invalid(f"{where}.role: must be one of {', '.join(sorted(ROLES))}")
            content = message.get("content")
            if message["role"] == "assistant" and content is None and message.get("tool_calls"):
                continue
            if message["role"] == "tool" and not isinstance(message.get("tool_call_id"), str):
                raise Invalid(f"{where}.tool_call_id: field required")
            if isinstance(content, str):
                continue
            if not isinstance(content, list) or not content:
                raise Invalid(f"{where}.content: must be a string or a non-empty array of content parts")
            for j, part in enumerate(content):
                self._check_part(part, message["role"], f"{where}.content[{j}]")

    @staticmethod
    def _check_part(part, role: str, where: str) -> None:
        if not isinstance(part, dict):
            raise Invalid(f"{where}: must be an object")
        kind = part.get("type")
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise Invalid(f"{where}.text: field required")
            return
        if kind != "image_url":
            raise Invalid(f"{where}.type: invalid content part type {kind!r}, expected 'text' or 'image_url'")
        if role != "user":
            raise Invalid(f"{where}: image content parts are only allowed in user messages")
        image_url = part.get("image_url")
        url = image_url.get("url") if isinstance(image_url, dict) else None
        if not isinstance(url, str):
            raise Invalid(f"{where}.image_url.url: field required")
        if image_url.get("detail", "auto") not in ("auto", "low", "high"):
            raise Invalid(f"{where}.image_url.detail: must be 'auto', 'low' or 'high'")
        match = DATA_URL.match(url)
        if not match:
            raise Invalid(f"{where}.image_url.url: only base64 data URLs (data:image/<jpeg|png|gif|webp>;base64,...) are supported")
        try:
            data = decode_base64(match.group(2))
        except (ValueError, binascii.Error):
            raise Invalid(f"{where}.image_url.url: invalid base64 image data")
        if len(data) > MAX_IMAGE_BYTES:
            raise Invalid(f"{where}.image_url.url: image exceeds {MAX_IMAGE_BYTES} bytes")
        if sniff_image(data) is None:
            raise Invalid(f"{where}.image_url.url: failed to decode image: unknown format")

    @staticmethod
    def _check_response_format(response_format) -> dict | None:
        if response_format is None:
            return None
        if not isinstance(response_format, dict) or response_format.get("type") not in ("text", "json_object", "json_schema"):
            raise Invalid("response_format.type: must be 'text', 'json_object' or 'json_schema'")
        if response_format["type"] != "json_schema":
            return None
        spec = response_format.get("json_schema")
        if not isinstance(spec, dict):
            raise Invalid("response_format.json_schema: field required")
        if not isinstance(spec.get("name"), str) or not SCHEMA_NAME.match(spec["name"]):
            raise Invalid("response_format.json_schema.name: must match ^[a-zA-Z0-9_-]{1,64}$")
        schema = spec.get("schema")
        if not isinstance(schema, dict) or schema.get("type") != "object":
            raise Invalid("response_format.json_schema.schema: must be a JSON schema of type 'object'")
        try:
            Draft202012Validator.check_schema(schema)
        except SchemaError as exc:
            raise Invalid(f"response_format.json_schema.schema: invalid JSON schema: {exc.message}")
        if "strict" in spec and spec["strict"] is not None and not isinstance(spec["strict"], bool):
            raise Invalid("response_format.json_schema.strict: must be a boolean")
        return spec

    # --- answers ---------------------------------------------------------------------------------
    @staticmethod
    def _prompt_tokens(messages: list) -> int:
        tokens = 0
        for message in messages:
            content = message.get("content")
            if isinstance(content, list):
                images = [p for p in content if p.get("type") == "image_url"]
                text = [p for p in content if p.get("type") != "image_url"]
                tokens += IMAGE_TOKENS * len(images) + (math.ceil(len(json.dumps(text)) / 4) if text else 0)
            elif content is not None:
                tokens += math.ceil(len(json.dumps(content)) / 4)
        return tokens

    def _answer(self, body: dict, spec: dict | None) -> dict:
        faults = ("refusal", "length", *(["malformed", "invalid_json"] if spec else []))
        fault = self.faults.take_answer(*faults)
        message: dict = {"role": "assistant", "content": None, "refusal": None}
        finish_reason = "stop"
        if spec:
            answer = self.answer_for(spec["name"], spec["schema"], body)
            if fault == "malformed":
                answer = schema_violation(spec["schema"], answer)
            content = json.dumps(answer)
            if fault == "invalid_json":
                content = "Sure! Here is the JSON you asked for: " + content
        else:
            content = self.text_answer
        limit = body.get("max_completion_tokens") or body.get("max_tokens")
        if fault == "length":
            content, finish_reason = content[: len(content) // 2], "length"
        elif limit and math.ceil(len(content) / 4) > limit:
            content, finish_reason = content[: limit * 4], "length"
        if fault == "refusal":
            message["refusal"] = "I'm sorry, I can't help with that."
        else:
            message["content"] = content
        prompt = self._prompt_tokens(body["messages"])
        completion = max(1, math.ceil(len(message["content"] or message["refusal"]) / 4))
        return {"id": "chatcmpl-" + secrets.token_hex(12), "object": "chat.completion", "created": int(time.time()),
                "model": body["model"], "system_fingerprint": "fp_local",
                "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason}],
                "usage": {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}}

"""Claude through the pinned `anthropic` SDK (Messages API): photos as base64 image blocks,
structured answers only through a tool call (forced, where the model allows it), the photo
prefix marked for prompt caching so a later call about the same photos (the grade asked alone)
pays cache-read prices for them.

The SDK's own `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` are honoured (settings read them).
"""
from __future__ import annotations

import base64
import functools
import logging
import re

import anthropic
from django.conf import settings

from agents.providers.base import AIError, Usage
from agents.providers.prompts import SYSTEM
from agents.providers.remote import RemoteProvider, Repair, Reply
from agents.providers.schemas import TOOLS
from marketplaces.adapters.transport import parse_retry_after

log = logging.getLogger(__name__)


@functools.lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, timeout: float) -> anthropic.Anthropic:
    # Retries are BOOMER's (backoff, breaker, dead letter), not the SDK's.
    return anthropic.Anthropic(api_key=api_key or None, base_url=base_url or None, timeout=timeout, max_retries=0)


# Models that refuse a forced tool call (`tool_choice` "tool" or "any": 400 "not supported for this
# model"; their thinking is always on). Anthropic's notes for Claude Sonnet 5.5, Opus 5.5, Fable 5.1
# and Mythos 5.1. Another model that answers so is added while the process runs.
UNFORCED_MODELS = {"claude-sonnet-5-5", "claude-opus-5-5", "claude-fable-5-1", "claude-mythos-5-1"}
UNFORCED_REFUSAL = re.compile(r"tool_choice.*not supported for this model", re.IGNORECASE | re.DOTALL)


class ClaudeProvider(RemoteProvider):
    name = "anthropic"
    label = "Claude"

    def _ask(self, *, tool, model, images, text, repair=None):
        if model not in UNFORCED_MODELS:
            try:
                return self._request(tool=tool, model=model, images=images, text=text, repair=repair, forced=True)
            except _ForcedRefused:
                log.warning("%s refuses a forced tool call: asking it to call %s instead", model, tool)
                UNFORCED_MODELS.add(model)
        return self._request(tool=tool, model=model, images=images, text=text, repair=repair, forced=False)

    def _request(self, *, tool, model, images, text, repair, forced: bool):
        """One request; the prompt names the tool to call. Forced: `tool_choice` "any" (a tool
        call, never prose). Otherwise "auto", and an answer in prose is repaired like a malformed
        one. Not "tool" by name: a change of tool_choice drops the cached message blocks, so every
        call about an item's photos uses the same one. A repair sends Claude's turn back as it came
        (thinking blocks unchanged)."""
        client = _client(settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.BOOMER_AI_TIMEOUT_SECONDS)
        content = [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
                                                 "data": base64.b64encode(image).decode()}} for image in images]
        if content:
            content[-1]["cache_control"] = {"type": "ephemeral"}  # the photos: the same for every step
        messages = [{"role": "user", "content": [*content, {"type": "text", "text": text}]}]
        if repair is not None:
            messages += _repair_turns(tool, repair)
        try:
            response = client.messages.create(
                model=model, max_tokens=settings.BOOMER_AI_MAX_TOKENS,
                system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                # Every tool in every request, in one order: the cached prefix (tools, system,
                # photos) is then the same for every call about the same photos.
                tools=[{"name": name, "description": description, "input_schema": schema}
                       for name, (schema, description) in TOOLS.items()],
                tool_choice={"type": "any" if forced else "auto"},
                messages=messages,
                **({"output_config": {"effort": settings.BOOMER_CLAUDE_EFFORT}} if settings.BOOMER_CLAUDE_EFFORT else {}),
            )
        except anthropic.APIStatusError as exc:
            if forced and exc.status_code == 400 and UNFORCED_REFUSAL.search(str(exc.message)):
                raise _ForcedRefused() from None
            raise _status_error(exc) from None
        except anthropic.APITimeoutError:
            raise AIError("Claude did not answer in time", permanent=False) from None
        except anthropic.APIConnectionError as exc:
            raise AIError(f"Claude could not be reached ({type(exc.__cause__ or exc).__name__})", permanent=False) from None
        usage = _usage(model, response.usage)
        if response.stop_reason == "refusal":
            raise AIError("Claude declined to answer for this item", permanent=True, usage=(usage,))
        if response.stop_reason == "max_tokens":
            raise AIError(f"Claude's answer was cut at {settings.BOOMER_AI_MAX_TOKENS} tokens (BOOMER_AI_MAX_TOKENS)",
                          permanent=True, usage=(usage,))
        turn = [block.model_dump(exclude_none=True) for block in response.content]
        block = next((b for b in response.content if b.type == "tool_use" and b.name == tool), None)
        return Reply(answer=None if block is None else block.input, usage=usage, turn=turn)


class _ForcedRefused(Exception):
    """This model refuses `tool_choice` "tool"/"any"."""


def _repair_turns(tool: str, repair: Repair) -> list[dict]:
    """Claude's last turn, unchanged, and what was wrong with it: a tool_result with the schema
    errors for each tool call, or (an answer in prose) a request to call the tool."""
    calls = [block["id"] for block in repair.turn if block.get("type") == "tool_use"]
    wrong = "; ".join(repair.errors)
    if calls:
        results = [{"type": "tool_result", "tool_use_id": call, "is_error": True,
                    "content": f"Not accepted: {wrong}. Call {tool} again with a valid input."} for call in calls]
        return [{"role": "assistant", "content": repair.turn}, {"role": "user", "content": results}]
    return [{"role": "assistant", "content": repair.turn},
            {"role": "user", "content": [{"type": "text", "text": f"Answer by calling {tool}, not in prose."}]}]


def _usage(model: str, usage) -> Usage:
    return Usage(provider="anthropic", model=model, input_tokens=usage.input_tokens or 0,
                 output_tokens=usage.output_tokens or 0,
                 cache_write_tokens=getattr(usage, "cache_creation_input_tokens", 0) or 0,
                 cache_read_tokens=getattr(usage, "cache_read_input_tokens", 0) or 0)


def _status_error(exc: anthropic.APIStatusError) -> AIError:
    """429 and 5xx (529 overloaded) are worth another try; 400/401/403/404 are not."""
    status = exc.status_code
    detail = (exc.body or {}).get("error", {}).get("message") if isinstance(exc.body, dict) else None
    message = f"Claude answered {status}: {detail or exc.message}"
    if status == 429 or status >= 500 or status == 408:
        return AIError(message, permanent=False, retry_after=parse_retry_after(exc.response.headers.get("retry-after")))
    reasons = {401: "the API key was refused (ANTHROPIC_API_KEY)", 403: "the API key may not use this model",
               404: f"unknown model (BOOMER_CLAUDE_MODEL={settings.BOOMER_CLAUDE_MODEL})"}
    return AIError(f"{message}: {reasons[status]}" if status in reasons else message, permanent=True)

"""Claude through the pinned `anthropic` SDK (Messages API): photos as base64 image blocks,
structured answers only through a forced tool call, the photo prefix marked for prompt caching
so a later call about the same photos (the grade asked alone) pays cache-read prices for them.

The SDK's own `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL` are honoured (settings read them).
"""
from __future__ import annotations

import base64
import functools

import anthropic
from django.conf import settings

from agents.providers.base import AIError, Usage
from agents.providers.prompts import SYSTEM
from agents.providers.remote import RemoteProvider
from agents.providers.schemas import TOOLS
from marketplaces.adapters.transport import parse_retry_after


@functools.lru_cache(maxsize=4)
def _client(api_key: str, base_url: str, timeout: float) -> anthropic.Anthropic:
    # Retries are BOOMER's (backoff, breaker, dead letter), not the SDK's.
    return anthropic.Anthropic(api_key=api_key or None, base_url=base_url or None, timeout=timeout, max_retries=0)


class ClaudeProvider(RemoteProvider):
    name = "anthropic"
    label = "Claude"

    def _ask(self, *, tool, model, images, text, repair=None):
        client = _client(settings.ANTHROPIC_API_KEY, settings.ANTHROPIC_BASE_URL, settings.BOOMER_AI_TIMEOUT_SECONDS)
        content = [{"type": "image", "source": {"type": "base64", "media_type": "image/jpeg",
                                                 "data": base64.b64encode(image).decode()}} for image in images]
        if content:
            content[-1]["cache_control"] = {"type": "ephemeral"}  # the photos: the same for every step
        messages = [{"role": "user", "content": [*content, {"type": "text", "text": text}]}]
        if repair is not None:
            answer, errors = repair
            messages += [
                {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_repair", "name": tool, "input": answer}]},
                {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_repair", "is_error": True,
                                              "content": "That input breaks the tool's schema: " + "; ".join(errors)
                                              + ". Call the tool again with a valid input."}]},
            ]
        try:
            response = client.messages.create(
                model=model, max_tokens=settings.BOOMER_AI_MAX_TOKENS,
                system=[{"type": "text", "text": SYSTEM, "cache_control": {"type": "ephemeral"}}],
                # Every tool in every request, in one order: the cached prefix (tools, system,
                # photos) is then the same for the vision and condition steps.
                tools=[{"name": name, "description": description, "input_schema": schema}
                       for name, (schema, description) in TOOLS.items()],
                tool_choice={"type": "tool", "name": tool},
                messages=messages,
            )
        except anthropic.APIStatusError as exc:
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
        block = next((b for b in response.content if b.type == "tool_use" and b.name == tool), None)
        if block is None:
            raise AIError(f"Claude answered without calling {tool} (stop: {response.stop_reason})", permanent=True,
                          usage=(usage,))
        return block.input, usage


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

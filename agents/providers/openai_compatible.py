"""A seller's own vision model behind an OpenAI-compatible server (Ollama, vLLM, llama.cpp),
through the `openai` SDK with a base URL: photos as data-URL image parts, the answer as JSON
constrained by the same schemas (`response_format` json_schema), the same checks as Claude."""
from __future__ import annotations

import base64
import functools
import json

import openai
from django.conf import settings

from agents.providers.base import AIError, Usage
from agents.providers.prompts import SYSTEM
from agents.providers.remote import RemoteProvider, Reply
from agents.providers.schemas import TOOLS
from marketplaces.adapters.transport import parse_retry_after


@functools.lru_cache(maxsize=4)
def _client(base_url: str, api_key: str, timeout: float) -> openai.OpenAI:
    return openai.OpenAI(base_url=base_url, api_key=api_key or "none", timeout=timeout, max_retries=0)


class OpenAICompatibleProvider(RemoteProvider):
    name = "openai_compatible"
    label = "the vision model server"

    def _ask(self, *, tool, model, images, text, repair=None):
        client = _client(settings.OPENAI_COMPATIBLE_BASE_URL, settings.OPENAI_COMPATIBLE_API_KEY,
                         settings.BOOMER_AI_TIMEOUT_SECONDS)
        parts = [{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64," + base64.b64encode(image).decode()}}
                 for image in images]
        messages = [{"role": "system", "content": SYSTEM},
                    {"role": "user", "content": [*parts, {"type": "text", "text": text}]}]
        if repair is not None:
            messages += [{"role": "assistant", "content": repair.turn},
                         {"role": "user", "content": "That JSON breaks the schema: " + "; ".join(repair.errors)
                          + ". Answer again."}]
        schema, _description = TOOLS[tool]
        try:
            response = client.chat.completions.create(
                model=model, messages=messages, max_tokens=settings.BOOMER_AI_MAX_TOKENS,
                response_format={"type": "json_schema", "json_schema": {"name": tool, "schema": schema, "strict": True}},
            )
        except openai.APIStatusError as exc:
            status = exc.status_code
            message = f"the vision model server answered {status}: {exc.message}"
            retryable = status == 429 or status >= 500 or status == 408
            raise AIError(message, permanent=not retryable,
                          retry_after=parse_retry_after(exc.response.headers.get("retry-after")) if retryable else None) from None
        except openai.APITimeoutError:
            raise AIError("the vision model server did not answer in time", permanent=False) from None
        except openai.APIConnectionError:
            raise AIError(f"the vision model server could not be reached ({settings.OPENAI_COMPATIBLE_BASE_URL})",
                          permanent=False) from None
        usage = Usage(provider=self.name, model=model, input_tokens=getattr(response.usage, "prompt_tokens", 0) or 0,
                      output_tokens=getattr(response.usage, "completion_tokens", 0) or 0)
        choice = response.choices[0]
        if getattr(choice.message, "refusal", None):
            raise AIError(f"the model declined to answer: {choice.message.refusal}", permanent=True, usage=(usage,))
        if choice.finish_reason == "length":
            raise AIError(f"the model's answer was cut at {settings.BOOMER_AI_MAX_TOKENS} tokens (BOOMER_AI_MAX_TOKENS)",
                          permanent=True, usage=(usage,))
        try:
            answer = json.loads(choice.message.content or "")
        except ValueError:
            answer = {"_not_json": (choice.message.content or "")[:500]}  # fails the schema: one repair request
        return Reply(answer=answer, usage=usage, turn=choice.message.content or "")

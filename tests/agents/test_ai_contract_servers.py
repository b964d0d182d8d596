"""The AI contract servers themselves, driven by the real SDKs: `anthropic` against AnthropicServer and
`openai` against OpenAICompatibleServer. Valid requests get the scripted answers with plausible usage,
invalid ones the errors the real APIs give, and each fault what the SDK raises or returns. No database."""
from __future__ import annotations

import base64
import copy
import io
import json
import urllib.request

import anthropic
import jsonschema
import openai
import pytest
from PIL import Image
from pydantic import BaseModel

from tests.contract_servers.anthropic import AnthropicServer, schema_example, schema_violation
from tests.contract_servers.openai_compatible import OpenAICompatibleServer

MODEL = "claude-sonnet-4-6"
SCHEMA = {
    "type": "object",
    "properties": {
        "title": {"type": "string"},
        "brand": {"type": "string"},
        "price": {"type": "number"},
        "condition": {"type": "string", "enum": ["new", "used", "for_parts"]},
        "tags": {"type": "array", "items": {"type": "string"}},
    },
    "required": ["title", "price", "condition"],
    "additionalProperties": False,
}
ANSWER = {"title": "Canon EOS 80D body", "brand": "Canon", "price": 389.0, "condition": "used", "tags": ["camera"]}


def image_b64(fmt: str = "JPEG", size=(64, 48)) -> str:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, fmt)
    return base64.b64encode(buffer.getvalue()).decode()


JPEG = image_b64()


def claude_request(**changes) -> dict:
    """A valid Messages request: system + tools with cache_control, an image, a forced tool."""
    request = {
        "model": MODEL,
        "max_tokens": 1024,
        "system": [{"type": "text", "text": "You identify second-hand products from photos. " * 20,
                    "cache_control": {"type": "ephemeral"}}],
        "tools": [{"name": "identify", "description": "Report the product.", "input_schema": SCHEMA},
                  {"name": "describe", "description": "Write a listing.",
                   "input_schema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
                   "cache_control": {"type": "ephemeral"}}],
        "tool_choice": {"type": "tool", "name": "identify"},
        "messages": [{"role": "user", "content": [
            {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": JPEG}},
            {"type": "text", "text": "What is this item?"},
        ]}],
    }
    request.update(changes)
    return request


@pytest.fixture
def claude_server():
    with AnthropicServer() as server:
        server.answers["identify"] = ANSWER
        yield server


@pytest.fixture
def claude(claude_server):
    return anthropic.Anthropic(api_key=claude_server.api_key, base_url=claude_server.url, max_retries=0)


# --- Anthropic: answers, usage, caching --------------------------------------------------------
def test_forced_tool_with_image_and_cache_control_returns_the_scripted_input(claude, claude_server):
    first = claude.messages.create(**claude_request())
    assert first.type == "message" and first.role == "assistant" and first.model == MODEL
    assert first.id.startswith("msg_") and first.stop_reason == "tool_use" and first.stop_sequence is None
    [block] = first.content
    assert block.type == "tool_use" and block.name == "identify" and block.id.startswith("toolu_")
    assert block.input == ANSWER
    assert first.usage.cache_creation_input_tokens > 0 and first.usage.cache_read_input_tokens == 0
    assert first.usage.input_tokens >= 1600  # the image follows the last breakpoint
    assert first.usage.output_tokens > 0

    second = claude.messages.create(**claude_request())
    assert second.content[0].input == ANSWER
    assert second.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens > 0
    assert second.usage.cache_creation_input_tokens == 0
    assert second.usage.input_tokens == first.usage.input_tokens

    assert claude_server.count() == 2
    headers, body = claude_server.requests[0]
    assert headers["authorization"] == f"Bearer {claude_server.api_key}"  # how anthropic 2.13 sends api_key
    assert headers["anthropic-version"] and headers["content-type"] == "application/json"
    assert body["tool_choice"] == {"type": "tool", "name": "identify"}


def test_cache_reads_the_longest_prefix_seen_and_writes_the_rest(claude):
    base = claude.messages.create(**claude_request())
    later_question = claude_request(messages=[{"role": "user", "content": [{"type": "text", "text": "Another item?"}]}])
    changed_tail = claude.messages.create(**later_question)
    assert changed_tail.usage.cache_read_input_tokens == base.usage.cache_creation_input_tokens
    assert changed_tail.usage.input_tokens < base.usage.input_tokens  # no image this time

    other_system = claude_request(system=[{"type": "text", "text": "Another prompt.", "cache_control": {"type": "ephemeral"}}])
    changed_system = claude.messages.create(**other_system)
    tools_only = changed_system.usage.cache_read_input_tokens
    assert 0 < tools_only < base.usage.cache_creation_input_tokens  # the tools' breakpoint still hits
    assert changed_system.usage.cache_creation_input_tokens > 0

    hour = claude_request(system=[{"type": "text", "text": "One hour.", "cache_control": {"type": "ephemeral", "ttl": "1h"}}],
                          tools=[claude_request()["tools"][0]])
    created = claude.messages.create(**hour).usage
    assert created.cache_creation.ephemeral_1h_input_tokens == created.cache_creation_input_tokens > 0


def test_automatic_cache_control_marks_the_last_block_and_zero_max_tokens_prewarms(claude):
    request = claude_request(tools=[claude_request()["tools"][0]], system="Short system prompt.", tool_choice={"type": "auto"},
                             cache_control={"type": "ephemeral"}, max_tokens=0)
    warm = claude.messages.create(**request)
    assert warm.content == [] and warm.stop_reason == "max_tokens" and warm.usage.output_tokens == 0
    assert warm.usage.cache_creation_input_tokens > 0 and warm.usage.input_tokens == 0
    hit = claude.messages.create(**{**request, "max_tokens": 64})
    assert hit.usage.cache_read_input_tokens == warm.usage.cache_creation_input_tokens


def test_answers_can_be_callables_text_and_minimal_instances(claude, claude_server):
    seen = []
    claude_server.answers["identify"] = lambda body: seen.append(body) or {**ANSWER, "title": body["messages"][0]["content"][1]["text"]}
    message = claude.messages.create(**claude_request())
    assert message.content[0].input["title"] == "What is this item?" and seen[0]["model"] == MODEL

    claude_server.text_answer = "A camera."
    plain = claude.messages.create(**claude_request(tool_choice={"type": "auto"}))
    assert [b.type for b in plain.content] == ["text"] and plain.content[0].text == "A camera."
    assert plain.stop_reason == "end_turn"

    unscripted = claude.messages.create(**claude_request(tool_choice={"type": "tool", "name": "describe"}))
    assert unscripted.content[0].input == {"text": ""}

    anything = claude.messages.create(**claude_request(tool_choice={"type": "any"}))
    assert anything.content[0].name == "identify"  # the scripted one


def test_a_repair_turn_answers_the_tool_use_with_a_tool_result(claude):
    repair = [*claude_request()["messages"], USE, {"role": "user", "content": [RESULT, {"type": "text", "text": "Again."}]}]
    assert claude.messages.create(**claude_request(messages=repair)).content[0].input == ANSWER


def test_a_too_small_max_tokens_truncates_like_the_real_api(claude):
    message = claude.messages.create(**claude_request(max_tokens=3))
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 3
    assert [b.type for b in message.content] == ["text"]


# --- Anthropic: refused requests ---------------------------------------------------------------
def test_wrong_or_missing_api_key_is_an_authentication_error(claude_server):
    wrong = anthropic.Anthropic(api_key="sk-ant-wrong", base_url=claude_server.url, max_retries=0)
    with pytest.raises(anthropic.AuthenticationError) as caught:
        wrong.messages.create(**claude_request())
    assert caught.value.status_code == 401
    assert caught.value.body["type"] == "error" and caught.value.body["error"]["type"] == "authentication_error"

    keyless = anthropic.Anthropic(api_key="x", base_url=claude_server.url, max_retries=0,
                                  default_headers={"Authorization": anthropic.omit})
    with pytest.raises(anthropic.AuthenticationError, match="x-api-key header is required"):
        keyless.messages.create(**claude_request())

    by_header = anthropic.Anthropic(api_key="x", base_url=claude_server.url, max_retries=0,
                                    default_headers={"Authorization": anthropic.omit, "x-api-key": claude_server.api_key})
    assert by_header.messages.create(**claude_request()).stop_reason == "tool_use"  # the API's own header works too


def test_missing_anthropic_version_is_a_bad_request(claude, claude_server):
    with pytest.raises(anthropic.BadRequestError, match="anthropic-version"):
        claude.messages.create(**claude_request(), extra_headers={"anthropic-version": anthropic.omit})


def _image(media_type="image/jpeg", data=JPEG, kind="base64"):
    return {"role": "user", "content": [{"type": "image", "source": {"type": kind, "media_type": media_type, "data": data}},
                                        {"type": "text", "text": "What is it?"}]}


def _cached_text(n):
    return [{"type": "text", "text": f"part {i}", "cache_control": {"type": "ephemeral"}} for i in range(n)]


USE = {"role": "assistant", "content": [{"type": "tool_use", "id": "toolu_repair", "name": "identify", "input": {"title": 3}}]}
RESULT = {"type": "tool_result", "tool_use_id": "toolu_repair", "is_error": True, "content": "title: 3 is not a string"}

BAD_REQUESTS = {
    "image not base64": ({"messages": [_image(data="not base64 at all!")]}, "not valid base64"),
    "image as a data URL": ({"messages": [_image(data="data:image/jpeg;base64," + JPEG)]}, "not valid base64"),
    "image of another type": ({"messages": [_image(media_type="image/png")]}, "does not match the provided media type"),
    "image media type": ({"messages": [_image(media_type="image/bmp")]}, "media_type"),
    "image source type": ({"messages": [_image(kind="file")]}, "does not match any of the expected tags"),
    "image over 5 MB": ({"messages": [_image(data=base64.b64encode(b"\xff\xd8\xff" + bytes(5 * 1024 * 1024)).decode())]},
                        "exceeds 5 MB"),
    "tool_choice names no tool": ({"tool_choice": {"type": "tool", "name": "price"}}, "Tool 'price' not found"),
    "tool_choice without tools": ({"tools": [], "tool_choice": {"type": "any"}}, "only be specified while providing tools"),
    "empty model": ({"model": ""}, "model"),
    "negative max_tokens": ({"max_tokens": -1}, "max_tokens"),
    "no messages": ({"messages": []}, "at least one message"),
    "system role in messages": ({"messages": [{"role": "system", "content": "hi"}]}, "role"),
    "unknown block type": ({"messages": [{"role": "user", "content": [{"type": "video", "url": "x"}]}]}, "'video'"),
    "empty text block": ({"messages": [{"role": "user", "content": [{"type": "text", "text": ""}]}]}, "non-empty"),
    "cache_control type": ({"system": [{"type": "text", "text": "s", "cache_control": {"type": "persistent"}}]}, "ephemeral"),
    "cache_control ttl": ({"system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral", "ttl": "10m"}}]},
                          "'5m' or '1h'"),
    "five breakpoints": ({"system": _cached_text(4)}, "maximum of 4 blocks with cache_control"),
    "1h after 5m": ({"system": [{"type": "text", "text": "s", "cache_control": {"type": "ephemeral", "ttl": "1h"}}]},
                    "must not come after"),
    "tool without name": ({"tools": [{"input_schema": SCHEMA}], "tool_choice": {"type": "any"}}, "name"),
    "input_schema not an object schema": ({"tools": [{"name": "identify", "input_schema": {"type": "array"}}]},
                                          "input_schema.type"),
    "input_schema not a schema": ({"tools": [{"name": "identify", "input_schema": {"type": "object", "properties": 3}}]},
                                  "JSON schema is invalid"),
    "unknown field": ({"temprature": 0.2}, "Extra inputs are not permitted"),
    "tool_use without tool_result": ({"messages": [*claude_request()["messages"], USE, {"role": "user", "content": "Again."}]},
                                     "without `tool_result` blocks immediately after"),
    "tool_result after text": ({"messages": [*claude_request()["messages"], USE, {"role": "user", "content": [
        {"type": "text", "text": "Again."}, RESULT]}]}, "without `tool_result` blocks immediately after"),
    "tool_result without tool_use": ({"messages": [{"role": "user", "content": [RESULT]}]}, "unexpected `tool_use_id`"),
    "tool blocks without tools": ({"tools": [], "tool_choice": {"type": "auto"}, "messages": [*claude_request()["messages"], USE,
                                                                                          {"role": "user", "content": [RESULT]}]},
                                  "must define tools"),
}


@pytest.mark.parametrize("changes, message", BAD_REQUESTS.values(), ids=BAD_REQUESTS.keys())
def test_invalid_requests_are_bad_requests_in_the_real_error_shape(claude, claude_server, changes, message):
    request, changes = claude_request(), copy.deepcopy(changes)
    extra = {k: changes.pop(k) for k in list(changes) if k not in request}  # fields the SDK has no argument for
    request.update(changes)
    with pytest.raises(anthropic.BadRequestError, match=message) as caught:
        claude.messages.create(**request, extra_body=extra or None)
    assert caught.value.body["error"]["type"] == "invalid_request_error"
    assert caught.value.response.headers["request-id"].startswith("req_")
    assert claude_server.count() == 1


# --- Anthropic: faults -------------------------------------------------------------------------
def test_rate_limit_is_a_rate_limit_error_with_retry_after(claude, claude_server):
    claude_server.faults.rate_limit_next, claude_server.faults.retry_after = 1, 7
    with pytest.raises(anthropic.RateLimitError) as caught:
        claude.messages.create(**claude_request())
    assert caught.value.response.headers["retry-after"] == "7"
    assert caught.value.body["error"]["type"] == "rate_limit_error"
    assert claude.messages.create(**claude_request()).content[0].input == ANSWER  # only the next one


def test_overloaded_and_server_errors_are_internal_server_errors(claude, claude_server):
    claude_server.faults.overloaded_next = 1
    with pytest.raises(anthropic.InternalServerError) as caught:
        claude.messages.create(**claude_request())
    assert isinstance(caught.value, anthropic.OverloadedError) and caught.value.status_code == 529
    assert caught.value.body["error"]["type"] == "overloaded_error"

    claude_server.faults.fail_next = 1
    with pytest.raises(anthropic.InternalServerError) as caught:
        claude.messages.create(**claude_request())
    assert caught.value.status_code == 500 and caught.value.body["error"]["type"] == "api_error"


def test_the_sdk_retries_an_overload_then_succeeds(claude_server):
    client = anthropic.Anthropic(api_key=claude_server.api_key, base_url=claude_server.url, max_retries=1)
    claude_server.faults.overloaded_next = 1
    assert client.messages.create(**claude_request()).stop_reason == "tool_use"
    assert claude_server.count() == 2
    assert claude_server.requests[1][0]["x-stainless-retry-count"] == "1"


def test_faults_can_be_set_over_http(claude, claude_server):
    control = urllib.request.Request(claude_server.url + "/__control__", data=json.dumps({"overloaded_next": 1}).encode(),
                                     headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(control) as answer:
        assert answer.status == 200
    with pytest.raises(anthropic.OverloadedError):
        claude.messages.create(**claude_request())


def test_a_slow_answer_times_the_client_out(claude_server):
    claude_server.faults.delay_ms = 1500
    client = anthropic.Anthropic(api_key=claude_server.api_key, base_url=claude_server.url, max_retries=0, timeout=0.3)
    with pytest.raises(anthropic.APITimeoutError):
        client.messages.create(**claude_request())


def test_a_server_that_is_down_is_a_connection_error(claude, claude_server):
    claude_server.faults.down = True
    with pytest.raises(anthropic.APIConnectionError) as caught:
        claude.messages.create(**claude_request())
    assert not isinstance(caught.value, anthropic.APITimeoutError)


def test_malformed_tool_input_violates_the_schema(claude, claude_server):
    claude_server.faults.malformed_next = 1
    message = claude.messages.create(**claude_request())
    assert message.stop_reason == "tool_use"
    tool_input = message.content[0].input
    assert "title" not in tool_input and not isinstance(tool_input["price"], (int, float))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(tool_input, SCHEMA)
    jsonschema.validate(claude.messages.create(**claude_request()).content[0].input, SCHEMA)


def test_max_tokens_fault_truncates_to_text_without_tool_use(claude, claude_server):
    claude_server.faults.max_tokens_next = 1
    message = claude.messages.create(**claude_request())
    assert message.stop_reason == "max_tokens" and message.usage.output_tokens == 1024
    assert [b.type for b in message.content] == ["text"] and message.content[0].text


def test_refusal_fault_stops_with_refusal(claude, claude_server):
    claude_server.faults.refusal_next = 1
    message = claude.messages.create(**claude_request())
    assert message.stop_reason == "refusal" and message.stop_details.type == "refusal"
    assert [b.type for b in message.content] == ["text"] and message.content[0].text


def test_schema_helpers_follow_refs():
    schema = {"type": "object", "$defs": {"Part": {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}},
              "properties": {"parts": {"type": "array", "items": {"$ref": "#/$defs/Part"}, "minItems": 1},
                             "kind": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]}},
              "required": ["parts", "kind"]}
    example = schema_example(schema)
    assert example == {"parts": [{"n": 0}], "kind": "a"}
    jsonschema.validate(example, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(schema_violation(schema, example), schema)


# --- OpenAI-compatible -------------------------------------------------------------------------
def chat_request(**changes) -> dict:
    request = {
        "model": "llava:13b",
        "messages": [
            {"role": "system", "content": "You identify second-hand products."},
            {"role": "user", "content": [{"type": "text", "text": "What is this item?"},
                                         {"type": "image_url", "image_url": {"url": "data:image/jpeg;base64," + JPEG}}]},
        ],
        "response_format": {"type": "json_schema", "json_schema": {"name": "identify", "schema": SCHEMA, "strict": True}},
    }
    request.update(changes)
    return request


@pytest.fixture
def local_server():
    with OpenAICompatibleServer() as server:
        server.answers["identify"] = ANSWER
        yield server


@pytest.fixture
def local(local_server):
    return openai.OpenAI(api_key=local_server.api_key, base_url=local_server.url + "/v1", max_retries=0)


def test_chat_completion_with_image_and_json_schema_returns_the_scripted_json(local, local_server):
    completion = local.chat.completions.create(**chat_request())
    assert completion.object == "chat.completion" and completion.model == "llava:13b" and completion.id
    [choice] = completion.choices
    assert choice.index == 0 and choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert json.loads(choice.message.content) == ANSWER and choice.message.refusal is None
    usage = completion.usage
    assert usage.prompt_tokens >= 1600 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    headers, body = local_server.requests[0]
    assert headers["authorization"] == f"Bearer {local_server.api_key}" and body["response_format"]["type"] == "json_schema"

    local_server.text_answer = "A camera."
    plain = local.chat.completions.create(**chat_request(response_format={"type": "text"}))
    assert plain.choices[0].message.content == "A camera."
    assert [m.id for m in local.models.list()] == ["local-model"]


class Part(BaseModel):
    name: str
    ok: bool


class Item(BaseModel):
    title: str
    price: float
    parts: list[Part]


def test_the_sdks_parse_helper_gets_a_typed_answer(local, local_server):
    local_server.answers["Item"] = {"title": "Lens", "price": 99.0, "parts": [{"name": "cap", "ok": True}]}
    completion = local.chat.completions.parse(model="llava:13b", messages=chat_request()["messages"], response_format=Item)
    parsed = completion.choices[0].message.parsed
    assert parsed == Item(title="Lens", price=99.0, parts=[Part(name="cap", ok=True)])
    assert local_server.requests[0][1]["response_format"]["json_schema"]["strict"] is True


BAD_CHATS = {
    "image not base64": ([{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64,@@@"}}], None, "invalid base64"),
    "image by URL": ([{"type": "image_url", "image_url": {"url": "https://example.com/a.jpg"}}], None, "data URLs"),
    "not an image": ([{"type": "image_url", "image_url": {"url": "data:image/jpeg;base64," + base64.b64encode(b"hello").decode()}}],
                     None, "failed to decode image"),
    "unknown part": ([{"type": "video", "video": {}}], None, "invalid content part type"),
    "schema not an object": (None, {"type": "json_schema", "json_schema": {"name": "x", "schema": {"type": "array"}}}, "type 'object'"),
    "schema name": (None, {"type": "json_schema", "json_schema": {"name": "bad name!", "schema": SCHEMA}}, "name"),
    "format type": (None, {"type": "yaml"}, "response_format.type"),
}


@pytest.mark.parametrize("content, response_format, message", BAD_CHATS.values(), ids=BAD_CHATS.keys())
def test_invalid_chats_are_bad_requests(local, content, response_format, message):
    request = chat_request()
    if content is not None:
        request["messages"] = [{"role": "user", "content": content}]
    if response_format is not None:
        request["response_format"] = response_format
    with pytest.raises(openai.BadRequestError, match=message) as caught:
        local.chat.completions.create(**request)
    assert caught.value.body["type"] == "invalid_request_error"


def test_chat_wrong_key_model_and_role(local_server):
    wrong = openai.OpenAI(api_key="sk-wrong", base_url=local_server.url + "/v1", max_retries=0)
    with pytest.raises(openai.AuthenticationError) as caught:
        wrong.chat.completions.create(**chat_request())
    assert caught.value.code == "invalid_api_key"

    local_server.models = {"llava:13b"}
    client = openai.OpenAI(api_key=local_server.api_key, base_url=local_server.url + "/v1", max_retries=0)
    with pytest.raises(openai.NotFoundError):
        client.chat.completions.create(**chat_request(model="llama3"))
    with pytest.raises(openai.BadRequestError, match="role"):
        client.chat.completions.create(**chat_request(messages=[{"role": "robot", "content": "hi"}]))


def test_chat_transport_faults(local, local_server):
    local_server.faults.rate_limit_next, local_server.faults.retry_after = 1, 5
    with pytest.raises(openai.RateLimitError) as caught:
        local.chat.completions.create(**chat_request())
    assert caught.value.response.headers["retry-after"] == "5"

    local_server.faults.fail_next = 1
    with pytest.raises(openai.InternalServerError) as caught:
        local.chat.completions.create(**chat_request())
    assert caught.value.status_code == 500

    local_server.faults.down = True
    with pytest.raises(openai.APIConnectionError):
        local.chat.completions.create(**chat_request())
    local_server.faults.down = False

    local_server.faults.delay_ms = 1500
    with pytest.raises(openai.APITimeoutError):
        local.chat.completions.create(**chat_request(), timeout=0.3)


def test_chat_answer_faults(local, local_server):
    local_server.faults.malformed_next = 1
    content = local.chat.completions.create(**chat_request()).choices[0].message.content
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(json.loads(content), SCHEMA)

    local_server.faults.invalid_json_next = 1
    with pytest.raises(json.JSONDecodeError):
        json.loads(local.chat.completions.create(**chat_request()).choices[0].message.content)

    local_server.faults.length_next = 1
    choice = local.chat.completions.create(**chat_request()).choices[0]
    assert choice.finish_reason == "length" and choice.message.content and choice.message.content in json.dumps(ANSWER)
    local_server.answers["Item"] = {"title": "Lens", "price": 99.0, "parts": []}
    local_server.faults.length_next = 1
    with pytest.raises(openai.LengthFinishReasonError):
        local.chat.completions.parse(model="llava:13b", messages=chat_request()["messages"], response_format=Item)

    local_server.faults.refusal_next = 1
    message = local.chat.completions.create(**chat_request()).choices[0].message
    assert message.refusal and message.content is None

    short = local.chat.completions.create(**chat_request(max_tokens=4)).choices[0]
    assert short.finish_reason == "length" and len(short.message.content) == 16
    assert json.loads(local.chat.completions.create(**chat_request()).choices[0].message.content) == ANSWER


# --- the 5.5 generation (Sonnet 5.5, the default model): no forced tool call, thinking always on ----
NEW = "claude-sonnet-5-5"


@pytest.mark.parametrize("choice", [{"type": "tool", "name": "identify"}, {"type": "any"}])
def test_a_forced_tool_call_is_refused_by_sonnet_5_5(claude, choice):
    with pytest.raises(anthropic.BadRequestError, match='type "tool" and "any" are not supported for this model'):
        claude.messages.create(**claude_request(model=NEW, tool_choice=choice))


def test_sonnet_5_5_calls_the_tool_its_prompt_names_after_a_signed_thinking_block(claude, claude_server):
    named = [{"role": "user", "content": [{"type": "text", "text": "What is this item? Call identify."}]}]
    answer = claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"}, messages=named))
    assert [block.type for block in answer.content] == ["thinking", "tool_use"]
    assert answer.content[0].thinking == "" and answer.content[0].signature and answer.content[1].input == ANSWER
    unnamed = claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"}))
    assert [block.type for block in unnamed.content] == ["thinking", "text"]  # no tool asked for: prose


def test_sonnet_5_5_takes_its_thinking_back_only_unchanged(claude):
    ask = [{"role": "user", "content": [{"type": "text", "text": "Call identify."}]}]
    first = claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"}, messages=ask))
    turn = [block.model_dump(exclude_none=True) for block in first.content]
    result = {"role": "user", "content": [{"type": "tool_result", "tool_use_id": turn[1]["id"], "content": "Again: call identify."}]}
    again = claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"},
                                                    messages=[*ask, {"role": "assistant", "content": turn}, result]))
    assert again.content[-1].type == "tool_use"
    edited = [{**turn[0], "thinking": "I made this up."}, turn[1]]
    with pytest.raises(anthropic.BadRequestError, match="signature"):
        claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"},
                                                messages=[*ask, {"role": "assistant", "content": edited}, result]))


@pytest.mark.parametrize("change, message", [
    ({"thinking": {"type": "disabled"}}, "between_tools"),
    ({"thinking": {"type": "enabled", "budget_tokens": 1024}, "max_tokens": 4096}, "adaptive"),
    ({"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "{"}]}, "prefill"),
])
def test_sonnet_5_5_refuses_what_its_notes_say_it_refuses(claude, change, message):
    with pytest.raises(anthropic.BadRequestError, match=message):
        claude.messages.create(**claude_request(model=NEW, tool_choice={"type": "auto"}, **change))


def test_a_change_of_tool_choice_drops_the_cached_messages_but_not_tools_and_system(claude):
    photo = _image()
    photo["content"][0]["cache_control"] = {"type": "ephemeral"}
    first = claude.messages.create(**claude_request(messages=[photo], tool_choice={"type": "tool", "name": "identify"}))
    same = claude.messages.create(**claude_request(messages=[photo], tool_choice={"type": "tool", "name": "identify"}))
    other = claude.messages.create(**claude_request(messages=[photo], tool_choice={"type": "any"}))
    assert same.usage.cache_read_input_tokens == first.usage.cache_creation_input_tokens
    assert 0 < other.usage.cache_read_input_tokens < first.usage.cache_creation_input_tokens  # tools + system only


def test_an_unknown_effort_is_a_bad_request(claude):
    with pytest.raises(anthropic.BadRequestError, match="output_config.effort"):
        claude.messages.create(**claude_request(output_config={"effort": "fast"}))

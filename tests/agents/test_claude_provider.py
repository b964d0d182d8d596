"""The Claude provider against a local server speaking the Messages API contract: what it sends,
how it reads the answers, and what it does with every kind of failure."""
from __future__ import annotations

from decimal import Decimal

import pytest

from agents.providers.base import AIError, DraftRequest, Photo
from agents.providers.claude import ClaudeProvider
from boomer_site.breakers import breaker_reset
from tests.agents import claude_answers as answers
from tests.contract_servers.anthropic import AnthropicServer
from tests.photos import make_product_photo

MODEL = "claude-sonnet-5-5"
NOTES = "used, small scratch on the left ear cup"


@pytest.fixture(scope="module")
def photo() -> Photo:
    return Photo(name="headphones.jpg", data=make_product_photo(None, label=answers.LABEL, ean13=answers.EAN, size=(2400, 1800)))


@pytest.fixture
def server(settings):
    with AnthropicServer() as server:
        settings.ANTHROPIC_BASE_URL, settings.ANTHROPIC_API_KEY = server.url, server.api_key
        settings.BOOMER_AI_TIMEOUT_SECONDS = 5
        breaker_reset("ai:anthropic")
        answers.script(server)
        yield server
    breaker_reset("ai:anthropic")


@pytest.fixture
def claude() -> ClaudeProvider:
    return ClaudeProvider(model=MODEL)


def request_of(server, index=-1) -> dict:
    return server.requests[index][1]


def test_identify_sends_the_photo_the_offline_reads_and_names_the_tool(server, claude, photo):
    found = claude.identify(photos=[photo], notes=NOTES)

    body = request_of(server)
    image = body["messages"][0]["content"][0]
    assert image["type"] == "image" and image["source"]["media_type"] == "image/jpeg"
    assert image["cache_control"] == {"type": "ephemeral"}
    # Sonnet 5.5 refuses a forced tool call (a 400): the choice is Claude's and the prompt names the tool.
    assert body["tool_choice"] == {"type": "auto"} and "Call record_item" in body["messages"][0]["content"][-1]["text"]
    assert {tool["name"] for tool in body["tools"]} == {"record_item", "record_condition", "record_listings"}
    prompt = body["messages"][0]["content"][-1]["text"]
    assert answers.EAN in prompt and NOTES in prompt and "WH-1000XM4" in prompt  # decoded, notes, OCR
    assert (found.brand, found.model, found.barcode) == ("Sony", "WH-1000XM4", answers.EAN)
    assert found.attributes == {"colour": "Black"}
    evidence = found.analysis["evidence"]
    assert evidence["barcode"]["status"] == "verified" and evidence["barcode"]["source"] == "barcode decoded"
    assert evidence["brand"]["status"] == evidence["model"]["status"] == "verified"
    assert evidence["category"]["status"] == "seen"
    assert found.usage[0].step == "vision" and found.usage[0].input_tokens > 0


def test_a_model_that_allows_it_gets_a_forced_tool_call(server, photo):
    found = ClaudeProvider(model="claude-sonnet-4-6").identify(photos=[photo], notes=NOTES)
    # "any", not the tool by name: every call about the photos keeps one tool_choice, so the cache holds.
    assert request_of(server)["tool_choice"] == {"type": "any"}
    assert found.brand == "Sony" and server.count() == 1


def test_a_model_that_refuses_a_forced_tool_call_is_asked_without_one_from_then_on(server, photo, monkeypatch):
    from tests.contract_servers import anthropic as contract

    monkeypatch.setattr(contract, "ADAPTIVE_ONLY", {*contract.ADAPTIVE_ONLY, "claude-haiku-5-5"})
    claude = ClaudeProvider(model="claude-haiku-5-5")
    assert claude.identify(photos=[photo], notes=NOTES).brand == "Sony"
    assert [request_of(server, i)["tool_choice"]["type"] for i in range(2)] == ["any", "auto"]  # refused, then asked
    claude.identify(photos=[photo], notes=NOTES)
    assert server.count() == 3 and request_of(server)["tool_choice"] == {"type": "auto"}


def test_an_answer_in_prose_is_asked_again_for_the_tool_call(server, claude, photo):
    server.faults.prose_next = 1
    found = claude.identify(photos=[photo], notes=NOTES)
    assert found.brand == "Sony" and server.count() == 2
    thinking, text = request_of(server)["messages"][1]["content"]
    assert thinking["type"] == "thinking" and thinking["signature"]  # Claude's turn sent back unchanged
    assert text == {"type": "text", "text": "ok"}
    assert request_of(server)["messages"][-1]["content"][0]["text"] == "Answer by calling record_item, not in prose."


def test_photos_are_downscaled_to_1568_pixels(server, claude, photo):
    import base64
    import io

    from PIL import Image

    claude.identify(photos=[photo], notes="")
    data = base64.b64decode(request_of(server)["messages"][0]["content"][0]["source"]["data"])
    assert max(Image.open(io.BytesIO(data)).size) == 1568


def test_one_answer_identifies_and_grades_the_item(server, claude, photo):
    found = claude.identify(photos=[photo], notes=NOTES)
    assert server.count() == 1
    assert found.condition.grade == "GOOD" and found.condition.defects[0]["where"] == "left ear cup"
    prompt = request_of(server)["messages"][0]["content"][-1]["text"]
    assert "LIKE_NEW: used very little" in prompt and "a defect the notes deny is not a defect" in prompt


def test_an_answer_without_the_condition_is_repaired(server, claude, photo):
    server.answers["record_item"] = {"identity": answers.identity()}
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes=NOTES)
    assert "condition" in error.value.message and server.count() == 2  # one repair asked for, then the reason


@pytest.mark.parametrize("model", ["claude-sonnet-5-5", "claude-sonnet-4-6"])
def test_the_condition_alone_reads_the_photos_from_the_prompt_cache(server, photo, model):
    claude = ClaudeProvider(model=model)
    found = claude.identify(photos=[photo], notes=NOTES)
    report = claude.assess_condition(photos=[photo], notes=NOTES, analysis={})
    assert report.grade == "GOOD" and report.defects[0]["where"] == "left ear cup"
    # all identify wrote (tools, system, the photo) is read back: tool_choice did not change between the two
    assert report.usage[0].cache_read_tokens == found.usage[0].cache_write_tokens > 1600
    assert answers.asked_tool(request_of(server)) == "record_condition"


def test_a_contradicted_barcode_and_brand_are_flagged(server, claude, photo):
    answers.script(server, barcode="4006381333931", brand="Bose")
    found = claude.identify(photos=[photo], notes="")
    assert found.analysis["evidence"]["barcode"]["status"] == "contradicted"
    assert found.analysis["evidence"]["barcode"]["conflict"] == f"decoded: {answers.EAN}"
    assert found.analysis["evidence"]["brand"]["status"] == "contradicted"


def test_a_malformed_answer_gets_one_repair_request(server, claude, photo):
    server.faults.malformed_next = 1
    found = claude.identify(photos=[photo], notes="")
    assert found.brand == "Sony" and server.count() == 2
    repair = request_of(server)["messages"]
    assert repair[-1]["content"][0]["type"] == "tool_result" and repair[-1]["content"][0]["is_error"] is True
    thinking, call = repair[1]["content"]  # Claude's own turn, its thinking block unchanged
    assert thinking["type"] == "thinking" and call["type"] == "tool_use"
    assert repair[-1]["content"][0]["tool_use_id"] == call["id"]


def test_malformed_twice_fails_the_step_with_the_reason(server, claude, photo):
    server.faults.malformed_next = 2
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes="")
    assert error.value.permanent and "malformed" in error.value.message and server.count() == 2


@pytest.mark.parametrize("fault, permanent", [("rate_limit_next", False), ("overloaded_next", False), ("fail_next", False),
                                              ("max_tokens_next", True), ("refusal_next", True)])
def test_each_failure_is_classified(server, claude, photo, fault, permanent):
    setattr(server.faults, fault, 1)
    server.faults.retry_after = 7
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes="")
    assert error.value.permanent is permanent
    if fault == "rate_limit_next":
        assert error.value.retry_after == 7
    if fault in ("max_tokens_next", "refusal_next"):
        assert error.value.usage  # the tokens of a refused answer are still counted


def test_a_wrong_key_is_permanent_with_the_reason(server, claude, photo, settings):
    settings.ANTHROPIC_API_KEY = "sk-ant-wrong"
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes="")
    assert error.value.permanent and "ANTHROPIC_API_KEY" in error.value.message


def test_a_timeout_is_retryable(server, claude, photo, settings):
    settings.BOOMER_AI_TIMEOUT_SECONDS = 0.5
    server.faults.delay_ms = 2000
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes="")
    assert not error.value.permanent and "in time" in error.value.message


def test_the_breaker_opens_after_five_failures_and_fails_fast(server, claude, photo):
    server.faults.fail_next = 5
    for _ in range(5):
        with pytest.raises(AIError):
            claude.identify(photos=[photo], notes="")
    with pytest.raises(AIError) as error:
        claude.identify(photos=[photo], notes="")
    assert "circuit open" in error.value.message and error.value.retry_after and server.count() == 5


def _request(**overrides) -> DraftRequest:
    values = dict(name="Sony WH-1000XM4 Wireless Noise Cancelling Headphones", brand="Sony", model="WH-1000XM4",
                  category="Electronics > Audio > Headphones", barcode=answers.EAN, attributes={"colour": "Black"},
                  notes=NOTES, grade="GOOD", defects=({"type": "scratch", "where": "left ear cup"},),
                  price=Decimal("180.00"), currency="USD")
    return DraftRequest(**{**values, **overrides})


def test_listings_keep_to_the_facts_and_carry_boomer_s_price(server, claude):
    result = claude.write_drafts(request=_request())
    assert set(result.drafts) == {"ebay", "facebook", "mercari"} and not result.note
    assert all(draft["price"] == Decimal("180.00") for draft in result.drafts.values())
    assert request_of(server)["messages"][0]["content"][-1]["text"].count("WH-1000XM4") >= 1


def test_an_invented_fact_is_rewritten_once_then_the_template_is_kept(server, claude):
    server.answers["record_listings"] = answers.listings(extra=" Battery lasts 30 hours, model year 2020.")
    result = claude.write_drafts(request=_request())
    assert server.count() == 2  # one rewrite asked for
    assert "2020" in request_of(server)["messages"][0]["content"][-1]["text"]  # the feedback names it
    assert "template drafts are kept" in result.note
    assert all("2020" not in draft["description"] for draft in result.drafts.values())


def test_the_effort_setting_is_sent_and_a_wrong_one_is_named(server, claude, photo, settings):
    from django.core.exceptions import ImproperlyConfigured

    from agents.providers import provider_get

    claude.identify(photos=[photo], notes="")
    assert "output_config" not in request_of(server)  # the model's default
    settings.BOOMER_CLAUDE_EFFORT = "medium"
    claude.identify(photos=[photo], notes="")
    assert request_of(server)["output_config"] == {"effort": "medium"}
    settings.BOOMER_AI_PROVIDER, settings.BOOMER_CLAUDE_EFFORT = "anthropic", "fast"
    with pytest.raises(ImproperlyConfigured, match="BOOMER_CLAUDE_EFFORT"):
        provider_get()

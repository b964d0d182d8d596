"""The provider for a seller's own vision model behind an OpenAI-compatible server (Ollama, vLLM,
llama.cpp), against a local server speaking chat completions: the same schemas and checks."""
from __future__ import annotations

import pytest

from agents.providers import provider_get
from agents.providers.base import AIError, Photo
from boomer_site.breakers import breaker_reset
from tests.agents import claude_answers as answers
from tests.contract_servers.openai_compatible import OpenAICompatibleServer
from tests.photos import make_product_photo


@pytest.fixture(scope="module")
def photo() -> Photo:
    return Photo(name="headphones.jpg", data=make_product_photo(None, label=answers.LABEL, ean13=answers.EAN))


@pytest.fixture
def server(settings):
    with OpenAICompatibleServer() as server:
        settings.BOOMER_AI_PROVIDER = "openai_compatible"
        settings.OPENAI_COMPATIBLE_BASE_URL, settings.OPENAI_COMPATIBLE_API_KEY = server.url + "/v1", server.api_key
        settings.OPENAI_COMPATIBLE_MODEL, settings.BOOMER_AI_TIMEOUT_SECONDS = "qwen2.5-vl:7b", 5
        answers.script(server, barcode="4006381333931")
        breaker_reset("ai:openai_compatible")
        yield server
    breaker_reset("ai:openai_compatible")


def test_identity_from_a_json_schema_answer_with_the_same_checks(server, photo):
    found = provider_get().identify(photos=[photo], notes="")
    body = server.requests[-1][1]
    assert body["model"] == "qwen2.5-vl:7b"
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["name"] == "record_item"
    image = body["messages"][1]["content"][0]
    assert image["type"] == "image_url" and image["image_url"]["url"].startswith("data:image/jpeg;base64,")
    assert found.brand == "Sony" and found.usage[0].provider == "openai_compatible"
    assert found.analysis["evidence"]["barcode"]["status"] == "contradicted"  # not the decoded EAN
    assert found.condition.grade == "GOOD" and server.count() == 1  # graded in the same answer


def test_a_malformed_answer_is_repaired_once(server, photo):
    server.faults.malformed_next = 1
    assert provider_get().identify(photos=[photo], notes="").model == "WH-1000XM4"
    assert server.count() == 2


@pytest.mark.parametrize("fault, permanent", [("rate_limit_next", False), ("fail_next", False),
                                              ("refusal_next", True), ("length_next", True)])
def test_failures_are_classified(server, photo, fault, permanent):
    setattr(server.faults, fault, 1)
    with pytest.raises(AIError) as error:
        provider_get().identify(photos=[photo], notes="")
    assert error.value.permanent is permanent


def test_without_a_model_name_it_says_what_to_set(settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.BOOMER_AI_PROVIDER, settings.OPENAI_COMPATIBLE_MODEL = "openai_compatible", ""
    with pytest.raises(ImproperlyConfigured, match="OPENAI_COMPATIBLE_MODEL"):
        provider_get()

"""The agents' AI providers: which one, its endpoint and models, limits, and what tokens cost."""
from .environment import env

BOOMER_AI_PROVIDER = env.str("BOOMER_AI_PROVIDER", default="auto")  # auto | local | anthropic | openai_compatible
# When a remote model fails for good on an item: "" (the item fails, retry later) or "local".
BOOMER_AI_FALLBACK = env.str("BOOMER_AI_FALLBACK", default="")
BOOMER_AI_TIMEOUT_SECONDS = env.float("BOOMER_AI_TIMEOUT_SECONDS", default=120.0)
# A cap, not a charge (only what is written is billed). Newer Claude models always think first and
# their thinking counts toward it, so 4096 could cut an answer short; 16000 stays within what the
# SDK sends without streaming.
BOOMER_AI_MAX_TOKENS = env.int("BOOMER_AI_MAX_TOKENS", default=16000)

# Claude (the anthropic SDK's own variables; `auto` picks Claude when the key is set).
ANTHROPIC_API_KEY = env.str("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env.str("ANTHROPIC_BASE_URL", default="")
BOOMER_CLAUDE_MODEL = env.str("BOOMER_CLAUDE_MODEL", default="claude-sonnet-5-5")  # newest Sonnet the pinned SDK lists
BOOMER_CLAUDE_TEXT_MODEL = env.str("BOOMER_CLAUDE_TEXT_MODEL", default="")  # cheaper model for listings; "" = the same
# How hard Claude thinks before answering (`output_config.effort`): low | medium | high | xhigh | max;
# "" = the model's default (high on Sonnet 5.5). Lower is cheaper and faster.
BOOMER_CLAUDE_EFFORT = env.str("BOOMER_CLAUDE_EFFORT", default="")

# A vision model behind an OpenAI-compatible server (Ollama, vLLM, llama.cpp).
OPENAI_COMPATIBLE_BASE_URL = env.str("OPENAI_COMPATIBLE_BASE_URL", default="http://127.0.0.1:11434/v1")
OPENAI_COMPATIBLE_API_KEY = env.str("OPENAI_COMPATIBLE_API_KEY", default="none")
OPENAI_COMPATIBLE_MODEL = env.str("OPENAI_COMPATIBLE_MODEL", default="")

# USD per million tokens, per model: input, output, cache_write, cache_read. A model missing
# here has its tokens counted and its cost shown as unknown. Extend with BOOMER_AI_PRICES (JSON).
BOOMER_AI_PRICES = {
    # Sonnet 5.5: Anthropic's pricing page since 2026-10-07 (cache reads 0.05x input; $0.20 at launch).
    "claude-sonnet-5-5": {"input": 2.0, "output": 10.0, "cache_write": 2.50, "cache_read": 0.10},
    "claude-sonnet-5": {"input": 2.0, "output": 10.0, "cache_write": 2.50, "cache_read": 0.20},
    "claude-sonnet-4-5": {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.30},
    "claude-sonnet-4-6": {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.30},
    "claude-haiku-4-5": {"input": 1.0, "output": 5.0, "cache_write": 1.25, "cache_read": 0.10},
    "claude-opus-4-5": {"input": 5.0, "output": 25.0, "cache_write": 6.25, "cache_read": 0.50},
    "claude-opus-4-6": {"input": 5.0, "output": 25.0, "cache_write": 6.25, "cache_read": 0.50},
    **env.json("BOOMER_AI_PRICES", default={}),
}

"""The agents' AI provider."""
from .environment import env

BOOMER_AI_PROVIDER = env.str("BOOMER_AI_PROVIDER", default="auto")  # auto | local

"""The marketplaces: endpoints (real by default; tests point them at contract servers), timeouts,
circuit breakers, the key that seals sellers' credentials, and how photos are offered to them."""
from .environment import env

EBAY_API_URL = env.str("EBAY_API_URL", default="https://api.ebay.com")
EBAY_AUTH_URL = env.str("EBAY_AUTH_URL", default="")  # empty: the API URL
EBAY_WEB_URL = env.str("EBAY_WEB_URL", default="https://www.ebay.com")
# Sellers connect through eBay's consent page (EBAY_CLIENT_ID / EBAY_CLIENT_SECRET are in market.py):
# the app's RuName, and the consent page (sandbox: https://auth.sandbox.ebay.com/oauth2/authorize).
EBAY_RU_NAME = env.str("EBAY_RU_NAME", default="")
EBAY_AUTH_WEB_URL = env.str("EBAY_AUTH_WEB_URL", default="https://auth.ebay.com/oauth2/authorize")
# The Commerce Identity API lives on its own host (apiz.ebay.com); empty: EBAY_API_URL's with api. → apiz.
EBAY_IDENTITY_URL = env.str("EBAY_IDENTITY_URL", default="")
# eBay's notifications: the verification token given to eBay and the endpoint's public URL, exactly as
# registered (both enter the challenge answer).
EBAY_VERIFICATION_TOKEN = env.str("EBAY_VERIFICATION_TOKEN", default="")
EBAY_NOTIFICATION_ENDPOINT = env.str("EBAY_NOTIFICATION_ENDPOINT", default="")
FACEBOOK_GRAPH_URL = env.str("FACEBOOK_GRAPH_URL", default="https://graph.facebook.com/v19.0")
FACEBOOK_WEB_URL = env.str("FACEBOOK_WEB_URL", default="https://www.facebook.com")
FACEBOOK_BATCH_POLL_SECONDS = env.float("FACEBOOK_BATCH_POLL_SECONDS", default=1.0)
FACEBOOK_BATCH_TIMEOUT_SECONDS = env.float("FACEBOOK_BATCH_TIMEOUT_SECONDS", default=60.0)
MERCARI_URL = env.str("MERCARI_URL", default="https://www.mercari.com")
MERCARI_TIMEOUT_MS = env.int("MERCARI_TIMEOUT_MS", default=30000)
BOOMER_CHROMIUM_PATH = env.str("BOOMER_CHROMIUM_PATH", default="/usr/bin/chromium")
BOOMER_MARKETPLACE_TIMEOUT = env.float("BOOMER_MARKETPLACE_TIMEOUT", default=20.0)  # read timeout, seconds

# platform → dotted adapter class, over the registry's (marketplaces/platforms.py); JSON.
BOOMER_ADAPTERS = env.json("BOOMER_ADAPTERS", default={})

BOOMER_BREAKER_FAIL_MAX = env.int("BOOMER_BREAKER_FAIL_MAX", default=5)
BOOMER_BREAKER_RESET_SECONDS = env.float("BOOMER_BREAKER_RESET_SECONDS", default=60.0)

# base64 of 32 bytes; unset: derived from SECRET_KEY (HKDF) on a developer's machine and in tests
# only — production requires it and never derives (BOOMER_ENCRYPTION_KEY_DERIVED = False there).
# Old keys still decrypt until rotated.
BOOMER_SECRET_KEY_ENCRYPTION = env.str("BOOMER_SECRET_KEY_ENCRYPTION", default="")
BOOMER_ENCRYPTION_KEY_DERIVED = True
BOOMER_SECRET_KEY_ENCRYPTION_OLD = env.list("BOOMER_SECRET_KEY_ENCRYPTION_OLD", default=[])

# Photo URLs the platforms fetch: BOOMER_PUBLIC_MEDIA_URL (a prefix, or the dotted path of a
# callable taking the stored file), else the site's own address.
BOOMER_PUBLIC_BASE_URL = env.str("BOOMER_PUBLIC_BASE_URL", default="http://127.0.0.1:8000")
BOOMER_PUBLIC_MEDIA_URL = env.str("BOOMER_PUBLIC_MEDIA_URL", default="")

BOOMER_LISTING_DAYS = env.int("BOOMER_LISTING_DAYS", default=30)

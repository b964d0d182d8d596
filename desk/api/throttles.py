"""Throttles: every client told apart by the address BOOMER believes (boomer_site/client_ip.py),
and the token endpoint limited per address and per username tried, so neither one address nor a
botnet against one account gets unlimited password guesses."""
from __future__ import annotations

import hashlib

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from boomer_site.client_ip import client_ip


class ClientIpMixin:
    def get_ident(self, request):
        return client_ip(request.META)


class AnonThrottle(ClientIpMixin, AnonRateThrottle):
    pass


class UserThrottle(ClientIpMixin, UserRateThrottle):
    pass


class LoginIpThrottle(ClientIpMixin, SimpleRateThrottle):
    """Password attempts per client address (rate "login_ip")."""

    scope = "login_ip"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginUserThrottle(SimpleRateThrottle):
    """Password attempts per username tried, from whatever address (rate "login_user")."""

    scope = "login_user"

    def get_cache_key(self, request, view):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if not isinstance(username, str) or not username.strip():
            return None  # the serializer refuses it; nothing to count against
        digest = hashlib.sha256(username.strip().lower().encode()).hexdigest()
        return self.cache_format % {"scope": self.scope, "ident": digest}

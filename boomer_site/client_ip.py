"""The client's address as BOOMER believes it, for throttling and the login audit.

REMOTE_ADDR is the peer that connected. Only when that peer is one of the configured proxies
(BOOMER_TRUSTED_PROXIES: IPs or networks) is X-Forwarded-For read, from the right (each proxy
appends the peer it saw), and the first address that is not a trusted proxy is the client. What a
client writes into X-Forwarded-For itself sits further left and is never reached; a client talking
to the server directly is its REMOTE_ADDR whatever it sends.
"""
from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(proxy.strip(), strict=False) for proxy in proxies if proxy.strip())


def _address(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return address is not None and any(address in network for network in networks)


def client_ip(meta) -> str:
    """The client's IP address from a request's META."""
    networks = _networks(tuple(settings.BOOMER_TRUSTED_PROXIES))
    remote = meta.get("REMOTE_ADDR", "") or ""
    if not _trusted(_address(remote), networks):
        return remote
    hops = [hop for hop in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:  # not written by a proxy we trust: stop at the last one that wrote
            break
        if not _trusted(address, networks):
            return str(address)
        remote = str(address)
    return remote

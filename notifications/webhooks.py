"""One POST to a seller's webhook URL, which must not reach inside BOOMER's network.

The URL is the seller's to choose, so the host is resolved here, every address it resolves to
is checked (loopback, private, link-local — the cloud metadata service at 169.254.169.254 —,
multicast, reserved and other non-public ranges are refused), and the connection goes to the
checked address, with the URL's host name kept for the Host header and TLS (SNI and the
certificate check): a DNS answer that changes between the check and the connection cannot
redirect it. Redirects are not followed and at most MAX_BODY bytes of the answer are read.

`BOOMER_WEBHOOK_ALLOWED_NETWORKS` lists networks allowed even though not public (the tests'
local receiver on 127.0.0.1; a receiver on the operator's own network).
"""
from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

import certifi
import urllib3
from django.conf import settings

MAX_BODY = 64 * 1024  # bytes of the receiver's answer read at most (only its status matters)
TIMEOUT = urllib3.Timeout(connect=5, read=10)


class WebhookRefused(Exception):
    """The URL may never be posted to as it is (the seller must change it): not retried."""

    permanent = True


class WebhookUnreachable(Exception):
    """The receiver could not be reached now (DNS, connection, TLS, timeout): retried."""

    permanent = False


@dataclass(frozen=True)
class WebhookAnswer:
    status: int
    body: bytes
    location: str = ""


def _allowed_networks() -> list:
    return [ipaddress.ip_network(n, strict=False) for n in settings.BOOMER_WEBHOOK_ALLOWED_NETWORKS]


def address_refusal(address: str) -> str | None:
    """Why BOOMER will not connect to `address`, or None when it is a public address (or allowed)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if any(ip in network for network in _allowed_networks()):
        return None
    for kind, test in (("loopback", ip.is_loopback), ("link-local", ip.is_link_local),
                       ("private", ip.is_private), ("multicast", ip.is_multicast),
                       ("unspecified", ip.is_unspecified), ("reserved", ip.is_reserved)):
        if test:
            return f"{ip} is a {kind} address"
    return None if ip.is_global else f"{ip} is not a public address"


def _target(url: str) -> tuple[str, str, int, str, list[str]]:
    """(scheme, host, port, path with query, checked addresses) of `url`; WebhookRefused if it may not be used."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookRefused("not an http(s) URL with a host")
    if parts.username or parts.password:
        raise WebhookRefused("credentials in the URL are not sent")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise WebhookRefused("the port is not a number from 1 to 65535") from None
    try:
        found = socket.getaddrinfo(parts.hostname, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise WebhookUnreachable(f"{parts.hostname} does not resolve ({exc})") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    for address in addresses:  # every answer: a round-robin name must not hide an internal one
        reason = address_refusal(address)
        if reason:
            raise WebhookRefused(f"{parts.hostname} resolves to {reason}" if address != parts.hostname else reason)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return parts.scheme, parts.hostname, port, path, addresses


def webhook_post(url: str, *, body: bytes, headers: dict) -> WebhookAnswer:
    """POST `body` to a checked address of `url` (the next one when one cannot be connected to);
    the answer's status and its first MAX_BODY bytes."""
    scheme, host, port, path, addresses = _target(url)
    default_port = 443 if scheme == "https" else 80
    host_header = (f"[{host}]" if ":" in host else host) + ("" if port == default_port else f":{port}")
    for address in addresses[:-1]:
        try:
            return _post(scheme, host, port, address, path, body, {**headers, "Host": host_header})
        except urllib3.exceptions.ConnectTimeoutError:  # refused or timed out (NewConnectionError too): the next
            continue
    return _post(scheme, host, port, addresses[-1], path, body, {**headers, "Host": host_header}, last=True)


def _post(scheme, host, port, address, path, body, headers, *, last=False) -> WebhookAnswer:
    if scheme == "https":
        pool = urllib3.HTTPSConnectionPool(address, port, timeout=TIMEOUT, retries=False, maxsize=1,
                                           server_hostname=host, assert_hostname=host,
                                           cert_reqs="CERT_REQUIRED", ca_certs=certifi.where())
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=TIMEOUT, retries=False, maxsize=1)
    try:
        response = pool.urlopen("POST", path, body=body, headers=headers,
                                redirect=False, retries=False, preload_content=False, assert_same_host=False)
        try:
            data = response.read(MAX_BODY, decode_content=False)
        finally:
            response.close()  # never drain the rest: the bound is the point
    except urllib3.exceptions.ConnectTimeoutError:
        if not last:
            raise
        raise WebhookUnreachable(f"{host}: cannot connect") from None
    except urllib3.exceptions.HTTPError as exc:
        raise WebhookUnreachable(f"{host}: {type(exc).__name__}") from None
    finally:
        pool.close()
    return WebhookAnswer(status=response.status, body=data, location=response.headers.get("Location", ""))

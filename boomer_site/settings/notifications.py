"""Seller notifications: which non-public networks a webhook may still be sent to.

A webhook URL is the seller's to choose, so by default BOOMER posts only to public addresses
(notifications/webhooks.py refuses loopback, private, link-local …). BOOMER_WEBHOOK_ALLOWED_NETWORKS
(comma-separated CIDRs, e.g. "10.20.0.0/16") opens exactly those; the test settings open
127.0.0.0/8 for the tests' local receiver. A malformed network stops the start-up.
"""
import ipaddress

from .environment import env

BOOMER_WEBHOOK_ALLOWED_NETWORKS = [
    str(ipaddress.ip_network(n.strip(), strict=False))
    for n in env.list("BOOMER_WEBHOOK_ALLOWED_NETWORKS", default=[]) if n.strip()
]

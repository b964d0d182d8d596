"""Failed logins, through the API's token endpoint and the admin alike: counted on /metrics
(boomer_login_failures_total{via}) and logged with the username tried and the client's address
(never the password), so a guessing attack shows on a dashboard and in the logs."""
from __future__ import annotations

import logging

from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver

from boomer_site.client_ip import client_ip
from boomer_site.metrics import counter_add, counter_declare

log = logging.getLogger("boomer.security")
counter_declare("boomer_login_failures_total", "Failed logins (wrong username or password), by where: api or admin")


@receiver(user_login_failed)
def login_failure_record(sender, credentials, request=None, **kwargs):
    via = "api" if request is not None and request.path.startswith("/api/") else "admin"
    address = client_ip(request.META) if request is not None else ""
    counter_add("boomer_login_failures_total", {"via": via})
    log.warning("login failed: username %r from %s via %s", str(credentials.get("username", ""))[:150], address, via)

"""Every request gets an id: the caller's `X-Request-ID` when it is a sane token, else a new
one. It is bound for the request's log records (boomer_site/log_context.py), kept on the
request (`request.request_id`) and sent back in the response's `X-Request-ID` header."""
from __future__ import annotations

import re
import uuid

from boomer_site.log_context import log_context_bind, log_context_reset

HEADER = "X-Request-ID"
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}")


def request_id_for(incoming: str | None) -> str:
    """The caller's id if it is 1-128 letters, digits, `.`, `_` or `-` (starting with a letter
    or digit), else a new uuid4 in hex."""
    if incoming and SANE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Binds `request_id` for the request's run and echoes it in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        request.request_id = request_id
        token = log_context_bind(request_id=request_id)
        try:
            response = self.get_response(request)
        finally:
            log_context_reset(token)
        response[HEADER] = request_id
        return response

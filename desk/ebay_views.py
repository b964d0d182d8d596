"""eBay's side doors: the seller's consent (Connect eBay → eBay's page → back here with a code)
and the endpoint eBay pushes notifications to (its challenge, account deletions, sales).

The consent's `state` is signed, carries a nonce kept in the seller's session (so it works
once, in the browser that started it) and expires after CONSENT_SECONDS.
"""
from __future__ import annotations

import logging
import secrets

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_user_model
from django.core import signing
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from boomer_site.client_ip import client_ip
from listings.sale_reports import (
    ebay_order_reported,
    platform_sale_reported,
    sale_report_unmatched,
    seller_sale_reported,
)
from marketplaces import ebay_account, ebay_notifications
from marketplaces.adapters.base import AdapterError
from marketplaces.ebay_notifications import NotificationRefused
from marketplaces.ebay_setup import ebay_account_connect, ebay_owner_ids, ebay_user_forget

log = logging.getLogger(__name__)
CONSENT_SALT = "boomer.ebay.consent"
CONSENT_SECONDS = 600
SESSION_KEY = "ebay_consent_nonce"


def _owner_for(request):
    """The seller being connected: oneself, or (with the right to change accounts) `?owner=`."""
    wanted = request.GET.get("owner")
    if not wanted or str(wanted) == str(request.user.pk):
        return request.user
    if not request.user.has_perm("marketplaces.change_marketplaceaccount"):
        return None
    return get_object_or_404(get_user_model(), pk=wanted) if str(wanted).isdigit() else None


@require_GET
@staff_member_required
def ebay_connect_start(request):
    owner = _owner_for(request)
    if owner is None:
        return HttpResponse("You may connect only your own eBay account.", status=403, content_type="text/plain")
    nonce = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = nonce
    state = signing.dumps({"n": nonce, "o": owner.pk}, salt=CONSENT_SALT, compress=True)
    try:
        return HttpResponseRedirect(ebay_account.authorize_url(state=state))
    except AdapterError as exc:
        return HttpResponse(f"eBay cannot be connected yet: {exc.message}", status=503, content_type="text/plain")


def _accounts_page(account=None) -> str:
    if account is None:
        return reverse("admin:marketplaces_marketplaceaccount_changelist")
    return reverse("admin:marketplaces_marketplaceaccount_change", args=[account.pk])


@require_GET
@staff_member_required
def ebay_connect_callback(request):
    if request.GET.get("error"):
        messages.warning(request, f"Not connected to eBay: {request.GET.get('error_description') or request.GET['error']}")
        return HttpResponseRedirect(_accounts_page())
    nonce = request.session.pop(SESSION_KEY, None)
    try:
        state = signing.loads(request.GET.get("state", ""), salt=CONSENT_SALT, max_age=CONSENT_SECONDS)
    except signing.BadSignature:  # also SignatureExpired
        state = None
    if not state or not nonce or state.get("n") != nonce or not request.GET.get("code"):
        return HttpResponseBadRequest("This eBay consent is unknown, used or expired: start again from "
                                      "Connect eBay.", content_type="text/plain")
    owner = get_object_or_404(get_user_model(), pk=state["o"])
    try:
        tokens = ebay_account.code_exchange(code=request.GET["code"])
        account, report = ebay_account_connect(owner=owner, refresh_token=tokens.refresh_token,
                                               refresh_token_expires_at=tokens.refresh_token_expires_at,
                                               access_token=tokens.access_token)
    except AdapterError as exc:
        messages.error(request, f"Not connected to eBay: {exc.message}")
        return HttpResponseRedirect(_accounts_page())
    messages.success(request, f"Connected to eBay for {owner} (eBay user {report.username}); "
                              f"the refresh token is stored encrypted.")
    for item in report.todo:
        messages.warning(request, f"Still to do: {item}.")
    return HttpResponseRedirect(_accounts_page(account))


@csrf_exempt
@require_http_methods(["GET", "POST"])
def ebay_notifications_receive(request):
    """GET ?challenge_code= → the challenge answer; POST → a signed notification, answered 204."""
    try:
        if request.method == "GET":
            code = request.GET.get("challenge_code", "")
            if not code:
                return JsonResponse({"detail": "challenge_code is required"}, status=400)
            return JsonResponse({"challengeResponse": ebay_notifications.challenge_response(code)})
        body = request.body
        ebay_notifications.signature_verify(body=body, header=request.headers.get("X-Ebay-Signature", ""),
                                            client=client_ip(request.META) or "")
        message = ebay_notifications.message_parse(body)
    except NotificationRefused as refused:
        log.warning("eBay notification refused: %s", refused.message)
        return JsonResponse({"detail": refused.message}, status=refused.status)
    if message.topic == ebay_notifications.ACCOUNT_DELETION:
        ebay_user_forget(user_id=ebay_notifications.deleted_user_id(message))
    elif message.topic in ebay_notifications.SALE_TOPICS:
        sale_reported(ebay_notifications.sale_refs(message))
    return HttpResponse(status=204)


def sale_reported(refs: ebay_notifications.SaleRefs) -> None:
    """Items named → their live copies checked; else the order read in a task; else the seller's
    account synced once; nothing to go on → recorded as unmatched."""
    # a seller BOOMER does not know by that id (connected before ids were kept): not a filter
    owners = (ebay_owner_ids(user_id=refs.seller_user_id) if refs.seller_user_id else None) or None
    if refs.skus or refs.item_ids:
        platform_sale_reported(platform="ebay", skus=refs.skus, external_ids=refs.item_ids, owner_ids=owners)
    elif refs.order_id:
        ebay_order_reported(order_id=refs.order_id, seller_user_id=refs.seller_user_id)
    elif owners:
        seller_sale_reported(platform="ebay", owner_ids=owners)
    else:
        sale_report_unmatched(platform="ebay", reason="the message names no item, order or known seller",
                              seller_user_id=refs.seller_user_id)

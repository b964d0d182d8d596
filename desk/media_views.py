"""`/media/…`: a stored file for who may read it, 404 for everyone else (as if it did not exist).

- `/media/signed/<expires>.<signature>/<name>`: anyone, until it expires (boomer_site/media_urls.py:
  photo URLs handed to marketplaces, photo links in the API);
- `/media/<name>`: the file's owner signed in (session or the API's bearer token), reviewers and staff.

Owners: a photo's `ProductImage.owner`; an export's seller (`exports/<platform>/<owner id>/…`,
marketplaces/adapters/file_export.py); a failure screenshot's product owner. Anything else is for
reviewers and staff only. With S3 storage the file is not streamed here: the answer redirects to
a presigned URL that expires after BOOMER_MEDIA_URL_SECONDS.
"""
from __future__ import annotations

import mimetypes
import posixpath

from django.conf import settings
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.views.decorators.http import require_safe
from rest_framework.exceptions import AuthenticationFailed
from rest_framework_simplejwt.authentication import JWTAuthentication

from boomer_site.media_urls import SIGNED_PREFIX, media_signature_valid
from desk.permissions import is_reviewer
from listings.models import Listing
from products.models import ProductImage


def _clean(path: str) -> str:
    name = posixpath.normpath(path)
    if path != name or name.startswith(("/", "..")) or "\x00" in name:
        raise Http404("no such file")
    return name


def _user(request):
    """The session's user (the desk), else the API's bearer token's; anonymous when neither holds."""
    if request.user.is_authenticated or "HTTP_AUTHORIZATION" not in request.META:
        return request.user
    try:
        found = JWTAuthentication().authenticate(request)
    except AuthenticationFailed:
        return request.user
    return found[0] if found else request.user


def _owner_ids(name: str) -> set[int]:
    """Who owns the stored file `name` (empty: reviewers and staff only)."""
    parts = name.split("/")
    if parts[0] == "exports" and len(parts) == 4 and parts[2].isdigit():
        return {int(parts[2])}
    if parts[0] == "products":
        return set(ProductImage.objects.filter(image=name).values_list("owner_id", flat=True))
    if parts[0] == "listing-failures":
        return set(Listing.objects.filter(screenshot=name).values_list("product__owner_id", flat=True))
    return set()


def _may_read(request, name: str) -> bool:
    user = _user(request)
    if not user.is_authenticated:
        return False
    return is_reviewer(user) or user.pk in _owner_ids(name)


def _file(name: str):
    if not default_storage.exists(name):
        raise Http404("no such file")
    try:
        default_storage.path(name)
    except NotImplementedError:  # S3: the bucket answers, through a presigned URL
        response = HttpResponseRedirect(default_storage.url(name, expire=settings.BOOMER_MEDIA_URL_SECONDS))
    else:
        response = FileResponse(default_storage.open(name, "rb"),
                                content_type=mimetypes.guess_type(name)[0] or "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def media_file(request, path: str):
    if path.startswith(SIGNED_PREFIX):
        token, _, rest = path[len(SIGNED_PREFIX):].partition("/")
        expires, _, signature = token.partition(".")
        name = _clean(rest)
        if not media_signature_valid(name=name, expires=expires, signature=signature):
            raise Http404("no such file")
        return _file(name)
    name = _clean(path)
    if not _may_read(request, name):
        raise Http404("no such file")
    return _file(name)

"""eBay's vocabulary for a listing: the Taxonomy API (category tree, suggestions, item aspects)
and the Metadata API (the conditions a category allows), read with the APPLICATION token
(client-credentials grant, scope https://api.ebay.com/oauth/api_scope).

App keys: settings EBAY_CLIENT_ID / EBAY_CLIENT_SECRET, else an account's client_id /
client_secret when `credentials` are passed. Answers are kept in the layered cache: aspects,
condition policies, suggestions and paths for a week, the tree id for a day (eBay changes the
tree a few times a year). Every failure is an AdapterError (permanent for 4xx).
"""
from __future__ import annotations

import hashlib
from urllib.parse import quote

from django.conf import settings
from django.core.cache import cache

from boomer_site.layered_cache import LayeredCache

from .adapters import transport
from .adapters.base import AdapterError
from .adapters.ebay import describe_error
from .ebay_oauth import auth_url, cache_token, token_request
from .ebay_rules import CONDITION_ENUMS, RESTRICTED_CONDITION_IDS, Aspect, CategorySuggestion

__all__ = ["Aspect", "CategorySuggestion", "allowed_conditions", "category_path", "category_tree_id",
           "item_aspects", "suggest_categories"]

SERVICE = "eBay"
APP_SCOPE = "https://api.ebay.com/oauth/api_scope"
TAXONOMY = "/commerce/taxonomy/v1"
METADATA = "/sell/metadata/v1"
DAY = 24 * 3600
weekly = LayeredCache("ebay_catalog", l2_seconds=DAY, l3_seconds=7 * DAY)
daily = LayeredCache("ebay_catalog_tree", l2_seconds=DAY, l3_seconds=DAY)


def _api_url() -> str:
    return str(settings.EBAY_API_URL).rstrip("/")


def _app_keys(credentials: dict | None) -> tuple[str, str]:
    credentials = credentials or {}
    client_id = getattr(settings, "EBAY_CLIENT_ID", "") or credentials.get("client_id", "")
    client_secret = getattr(settings, "EBAY_CLIENT_SECRET", "") or credentials.get("client_secret", "")
    if not client_id or not client_secret:
        raise AdapterError("the eBay app is not configured: set EBAY_CLIENT_ID and EBAY_CLIENT_SECRET", permanent=True)
    return client_id, client_secret


def _token_key(client_id: str) -> str:
    return "ebay:app-token:" + hashlib.sha256(f"{auth_url()}|{client_id}".encode()).hexdigest()[:32]


def app_token(credentials: dict | None = None, *, fresh: bool = False) -> str:
    """The application access token, cached until shortly before eBay's expiry."""
    keys = _app_keys(credentials)
    key = _token_key(keys[0])
    if not fresh and (token := cache.get(key)):
        return token
    body = token_request({"grant_type": "client_credentials", "scope": APP_SCOPE}, keys=keys,
                         refused="eBay refused the app credentials (EBAY_CLIENT_ID / EBAY_CLIENT_SECRET)")
    return cache_token(key, body)


def _get(path: str, params: dict, credentials: dict | None) -> dict:
    """One GET with the app token; a 401 gets one fresh token. 204 (nothing found) → {}."""
    for attempt in (0, 1):
        token = app_token(credentials, fresh=attempt == 1)
        response = transport.send(
            transport.session(), "GET", f"{_api_url()}{path}", service=SERVICE, describe=describe_error,
            params=params, headers={"Authorization": f"Bearer {token}", "Accept": "application/json"},
        )
        if response.status_code != 401:
            return transport.json_or_empty(response) if response.status_code != 204 else {}
        cache.delete(_token_key(_app_keys(credentials)[0]))
    raise AdapterError(f"eBay refused a fresh application token: {describe_error(response)}",
                       permanent=False, status=401)


def _key(*parts: str) -> str:
    return "ebay:" + hashlib.sha256("|".join((_api_url(), *parts)).encode()).hexdigest()[:40]


# --- Taxonomy ----------------------------------------------------------------------------------
def category_tree_id(marketplace_id: str = "EBAY_US", *, credentials: dict | None = None) -> str:
    def fetch():
        body = _get(f"{TAXONOMY}/get_default_category_tree_id", {"marketplace_id": marketplace_id}, credentials)
        if not body.get("categoryTreeId"):
            raise AdapterError(f"eBay has no category tree for {marketplace_id}", permanent=True)
        return body["categoryTreeId"]

    return daily.get_or_compute(_key("tree", marketplace_id), fetch)[0]


def _tree_path(tree_id: str, method: str) -> str:
    return f"{TAXONOMY}/category_tree/{quote(tree_id, safe='')}/{method}"


def _suggestion_path(suggestion: dict) -> str:
    """The names from the top category down to this one (eBay lists ancestors nearest first,
    ending with the tree's root at level 0, which carries no meaning)."""
    ancestors = [a for a in suggestion.get("categoryTreeNodeAncestors") or [] if a.get("categoryTreeNodeLevel", 1) > 0]
    names = [a.get("categoryName", "") for a in reversed(ancestors)]
    return " > ".join([*names, (suggestion.get("category") or {}).get("categoryName", "")])


def _suggestions(query: str, marketplace_id: str, credentials: dict | None) -> list[dict]:
    def fetch():
        tree = category_tree_id(marketplace_id, credentials=credentials)
        body = _get(_tree_path(tree, "get_category_suggestions"), {"q": query}, credentials)
        return [{"id": s["category"]["categoryId"], "name": s["category"].get("categoryName", ""),
                 "path": _suggestion_path(s)} for s in body.get("categorySuggestions") or [] if s.get("category")]

    return weekly.get_or_compute(_key("suggest", marketplace_id, query.casefold()), fetch)[0]


def suggest_categories(query: str, *, marketplace_id: str = "EBAY_US",
                       credentials: dict | None = None) -> list[CategorySuggestion]:
    """eBay's leaf categories for a description of the item, most relevant first."""
    query = " ".join((query or "").split())[:350]
    if not query:
        return []
    return [CategorySuggestion(**s) for s in _suggestions(query, marketplace_id, credentials)]


def _subtree_node(tree: str, category_id: str, credentials: dict | None) -> dict:
    body = _get(_tree_path(tree, "get_category_subtree"), {"category_id": category_id}, credentials)
    node = body.get("categorySubtreeNode")
    if not node:
        raise AdapterError(f"eBay has no category {category_id}", permanent=True)
    return node


def category_path(category_id: str, *, marketplace_id: str = "EBAY_US",
                  credentials: dict | None = None) -> tuple[str, bool]:
    """("Top > … > Name", is_leaf) of a category id; AdapterError (permanent) for an unknown id.

    One subtree call on the category itself (its name, whether it is a leaf); a leaf's ancestry
    comes from eBay's suggestions for its own name. The parents are never climbed: each of their
    subtrees is the whole branch below them (megabytes on real eBay), too much for a desk request,
    so a category without a matching suggestion (or not a leaf) is shown by its own name."""
    category_id = str(category_id).strip()

    def fetch():
        tree = category_tree_id(marketplace_id, credentials=credentials)
        node = _subtree_node(tree, category_id, credentials)
        name = (node.get("category") or {}).get("categoryName", "")
        is_leaf = bool(node.get("leafCategoryTreeNode"))
        if is_leaf and name:
            match = next((s for s in _suggestions(name, marketplace_id, credentials) if s["id"] == category_id), None)
            if match:
                return [match["path"], True]
        return [name, is_leaf]

    path, is_leaf = weekly.get_or_compute(_key("path", marketplace_id, category_id), fetch)[0]
    return path, bool(is_leaf)


def _aspect(raw: dict) -> dict:
    constraint = raw.get("aspectConstraint") or {}
    return {
        "name": raw.get("localizedAspectName", ""),
        "required": bool(constraint.get("aspectRequired")),
        "recommended": constraint.get("aspectUsage") == "RECOMMENDED",
        "selection_only": constraint.get("aspectMode") == "SELECTION_ONLY",
        "values": [v["localizedValue"] for v in raw.get("aspectValues") or [] if v.get("localizedValue")],
        "multi": constraint.get("itemToAspectCardinality") == "MULTI",
        "max_length": constraint.get("aspectMaxLength"),
    }


def item_aspects(category_id: str, *, marketplace_id: str = "EBAY_US",
                 credentials: dict | None = None) -> list[Aspect]:
    """The item specifics of a leaf category: required first, then recommended, then optional."""
    def fetch():
        tree = category_tree_id(marketplace_id, credentials=credentials)
        body = _get(_tree_path(tree, "get_item_aspects_for_category"), {"category_id": str(category_id)},
                    credentials)
        return [_aspect(raw) for raw in body.get("aspects") or [] if raw.get("localizedAspectName")]

    raw = weekly.get_or_compute(_key("aspects", marketplace_id, str(category_id)), fetch)[0]
    aspects = [Aspect(**{**a, "values": tuple(a["values"])}) for a in raw]
    return sorted(aspects, key=lambda a: (not a.required, not a.recommended))


# --- Metadata ----------------------------------------------------------------------------------
def allowed_conditions(category_id: str, *, marketplace_id: str = "EBAY_US",
                       credentials: dict | None = None) -> list[str]:
    """The ConditionEnum values eBay allows in a category, best first, without the refurbished
    ones reserved for approved sellers."""
    category_id = str(category_id).strip()

    def fetch():
        body = _get(f"{METADATA}/marketplace/{quote(marketplace_id, safe='')}/get_item_condition_policies",
                    {"filter": f"categoryIds:{{{category_id}}}"}, credentials)
        policies = body.get("itemConditionPolicies") or []
        policy = next((p for p in policies if str(p.get("categoryId")) == category_id), None)
        if policy is None:
            raise AdapterError(f"eBay has no condition policy for category {category_id}", permanent=True)
        ids = [str(c.get("conditionId")) for c in policy.get("itemConditions") or []
               if c.get("usage") != "RESTRICTED" and str(c.get("conditionId")) not in RESTRICTED_CONDITION_IDS]
        return [CONDITION_ENUMS[i] for i in sorted(set(ids) & set(CONDITION_ENUMS), key=int)]

    return list(weekly.get_or_compute(_key("conditions", marketplace_id, category_id), fetch)[0])

"""eBay's catalog as the contract server speaks it: a small category tree of the EBAY_US shape
(Taxonomy API: default tree id, suggestions, subtree, item aspects) and each leaf's condition
policy (Metadata API getItemConditionPolicies), plus the checks publishOffer makes with them
(leaf category, required item specifics, SELECTION_ONLY values, allowed condition).

Response shapes follow eBay's documentation (CategorySuggestionResponse with
categoryTreeNodeAncestors, CategorySubtree, AspectMetadata with aspectConstraint, and the
Metadata spec's ItemConditionPolicyResponse). Installed by `install_catalog_routes(server)`."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .base import Request, Response

TREE_ID, TREE_VERSION = "0", "130"
TAXONOMY = "/commerce/taxonomy/v1"
# ConditionEnum ↔ condition id, and the refurbished ids only approved sellers may use.
CONDITION_IDS = {"NEW": "1000", "NEW_OTHER": "1500", "NEW_WITH_DEFECTS": "1750", "CERTIFIED_REFURBISHED": "2000",
                 "EXCELLENT_REFURBISHED": "2010", "VERY_GOOD_REFURBISHED": "2020", "GOOD_REFURBISHED": "2030",
                 "SELLER_REFURBISHED": "2500", "LIKE_NEW": "2750", "PRE_OWNED_EXCELLENT": "2990",
                 "USED_EXCELLENT": "3000", "PRE_OWNED_FAIR": "3010", "USED_VERY_GOOD": "4000", "USED_GOOD": "5000",
                 "USED_ACCEPTABLE": "6000", "FOR_PARTS_OR_NOT_WORKING": "7000"}
DEFAULT_ASPECT_MAX_LENGTH = 65  # eBay's aspectMaxLength when an aspect states none
RESTRICTED = {"2000", "2010", "2020", "2030", "2500"}
CONDITION_NAMES = {"1000": "New", "1500": "Open box", "1750": "New with defects", "2000": "Certified - Refurbished",
                   "2010": "Excellent - Refurbished", "2020": "Very Good - Refurbished", "2030": "Good - Refurbished",
                   "2500": "Seller refurbished", "2750": "Like New", "2990": "Pre-owned - Excellent", "3000": "Used",
                   "3010": "Pre-owned - Fair", "4000": "Very Good", "5000": "Good", "6000": "Acceptable",
                   "7000": "For parts or not working"}
HEADPHONE_TYPES = ("Earbud (In Ear)", "Ear-Fitting (On the Ear)", "Over the Ear (Full-Size)", "Earbud (Open Ear)",
                   "Bone Conduction")


@dataclass(frozen=True)
class AspectSpec:
    name: str
    required: bool = False
    usage: str = "RECOMMENDED"  # or OPTIONAL
    mode: str = "FREE_TEXT"  # or SELECTION_ONLY
    values: tuple[str, ...] = ()
    multi: bool = False
    max_length: int = 65

    def as_ebay(self) -> dict:
        return {"localizedAspectName": self.name,
                "aspectConstraint": {"aspectDataType": "STRING", "aspectEnabledForVariations": False,
                                     "aspectApplicableTo": ["ITEM"], "aspectMaxLength": self.max_length,
                                     "aspectMode": self.mode, "aspectRequired": self.required,
                                     "aspectUsage": self.usage,
                                     "itemToAspectCardinality": "MULTI" if self.multi else "SINGLE"},
                "aspectValues": [{"localizedValue": v} for v in self.values]}


@dataclass
class Node:
    id: str
    name: str
    parent: str | None
    keywords: tuple[str, ...] = ()
    aspects: tuple[AspectSpec, ...] = ()
    conditions: tuple[str, ...] = ()  # condition ids
    children: list[str] = field(default_factory=list)


def default_tree() -> dict[str, Node]:
    brand = AspectSpec("Brand", required=True, values=("Sony", "Bose", "Apple", "Sennheiser", "JBL", "Unbranded"))
    color = AspectSpec("Color", values=("Black", "White", "Silver", "Blue", "Red"))
    nodes = [
        Node("0", "Root", None),
        Node("293", "Consumer Electronics", "0"),
        Node("15052", "Portable Audio & Headphones", "293"),
        Node("112529", "Headphones", "15052",
             keywords=("headphones", "headphone", "earbuds", "earphones", "headset", "wh-1000xm4", "airpods", "audio"),
             aspects=(brand, AspectSpec("Type", required=True, mode="SELECTION_ONLY", values=HEADPHONE_TYPES),
                      AspectSpec("Model"), color, AspectSpec("MPN"),
                      AspectSpec("Connectivity", values=("Wired", "Wireless", "Bluetooth", "USB-C"), multi=True),
                      AspectSpec("Features", usage="OPTIONAL", values=("Noise Cancellation", "Microphone"),
                                 multi=True)),
             conditions=("1000", "1500", "2000", "2010", "2020", "2030", "2500", "3000", "7000")),
        Node("11700", "Home & Garden", "0"),
        Node("20625", "Kitchen, Dining & Bar", "11700"),
        Node("20667", "Small Kitchen Appliances", "20625"),
        Node("133704", "Blenders", "20667", keywords=("blender", "blenders", "vitamix", "nutribullet", "smoothie"),
             aspects=(brand, AspectSpec("Type", mode="SELECTION_ONLY",
                                        values=("Countertop Blender", "Immersion/Hand Blender", "Personal Blender")),
                      AspectSpec("Model"), color),
             conditions=("1000", "1500", "2500", "3000", "7000")),
        Node("11450", "Clothing, Shoes & Accessories", "0"),
        Node("260012", "Men", "11450"),
        Node("1059", "Men's Clothing", "260012"),
        Node("11483", "Jeans", "1059", keywords=("jeans", "denim", "levi's", "levis", "501"),
             aspects=(brand, AspectSpec("Department", required=True, mode="SELECTION_ONLY", values=("Men",)),
                      AspectSpec("Size", required=True, values=("30", "32", "34", "36")),
                      AspectSpec("Size Type", required=True, mode="SELECTION_ONLY",
                                 values=("Regular", "Big & Tall", "Slim")),
                      color, AspectSpec("Fit", values=("Straight", "Slim", "Relaxed"))),
             conditions=("1000", "1500", "1750", "2990", "3000", "3010")),
        Node("267", "Books & Magazines", "0"),
        Node("261186", "Books", "267", keywords=("book", "books", "paperback", "hardcover", "novel", "isbn"),
             aspects=(AspectSpec("Book Title", required=True), AspectSpec("Author"),
                      AspectSpec("Language", required=True, mode="SELECTION_ONLY",
                                 values=("English", "Spanish", "French", "German"))),
             conditions=("1000", "2750", "4000", "5000", "6000")),
    ]
    tree = {n.id: n for n in nodes}
    for node in nodes:
        if node.parent:
            tree[node.parent].children.append(node.id)
    return tree


def _taxonomy_error(status: int, error_id: int, message: str, parameter: tuple[str, str] | None = None) -> Response:
    error = {"errorId": error_id, "domain": "API_TAXONOMY", "category": "REQUEST", "message": message}
    if parameter:
        error["parameters"] = [{"name": parameter[0], "value": parameter[1]}]
    return Response(status, {"errors": [error]})


def install_catalog_routes(server) -> None:
    server.tree = default_tree()
    server.catalog_requests = 0
    base = TAXONOMY + r"/category_tree/(?P<tree>[^/]+)"
    server.route("GET", TAXONOMY + r"/get_default_category_tree_id", lambda req: _tree_id(server, req))
    server.route("GET", base + r"/get_category_suggestions", lambda req: _suggestions(server, req))
    server.route("GET", base + r"/get_category_subtree", lambda req: _subtree(server, req))
    server.route("GET", base + r"/get_item_aspects_for_category", lambda req: _aspects(server, req))
    server.route("GET", r"/sell/metadata/v1/marketplace/(?P<marketplace>[^/]+)/get_item_condition_policies",
                 lambda req: _condition_policies(server, req))


# --- checks shared by the routes -----------------------------------------------------------
def _app_or_user_token(server, req: Request) -> Response | None:
    header = req.headers.get("Authorization", "")
    token = header[7:] if header.startswith("Bearer ") else ""
    if token and (token in getattr(server, "app_tokens", ()) or token in server.tokens):
        return None
    return Response(401, {"errors": [{"errorId": 1001, "domain": "OAuth", "category": "REQUEST",
                                      "message": "Invalid access token",
                                      "longMessage": "Invalid access token. Check the value of the Authorization "
                                                     "HTTP request header."}]})


def _taxonomy_request(server, req: Request, params: set[str]) -> Response | None:
    """Auth, the tree id, and the query parameters eBay documents for the method (others are errors)."""
    if denied := _app_or_user_token(server, req):
        return denied
    server.catalog_requests += 1
    unknown = sorted(set(req.query) - params)
    missing = sorted(p for p in params if not req.query.get(p))
    if unknown or missing:
        server.record_violation(req, unknown[0] if unknown else missing[0],
                                "query parameter not defined" if unknown else "required query parameter missing")
        name = (unknown or missing)[0]
        return _taxonomy_error(400, 62003 if name == "category_id" else 62000,
                               f"The '{name}' query parameter is {'not supported' if unknown else 'missing'}.",
                               (name, req.query.get(name, "")))
    if "tree" in req.params and req.params["tree"] != TREE_ID:
        return _taxonomy_error(404, 62004, "The specified category tree ID was not found.",
                               ("category_tree_id", req.params["tree"]))
    return None


def _ancestry(server, node: Node) -> list[dict]:
    """eBay's AncestorReference list: the immediate parent first, up to the root (level 0)."""
    chain, current = [], node.parent
    while current is not None:
        chain.append(server.tree[current])
        current = server.tree[current].parent
    levels = len(chain)
    return [{"categoryId": a.id, "categoryName": a.name, "categoryTreeNodeLevel": levels - 1 - i,
             "categorySubtreeNodeHref": f"{TAXONOMY}/category_tree/{TREE_ID}/get_category_subtree?category_id={a.id}"}
            for i, a in enumerate(chain)]


def level(server, node: Node) -> int:
    return len(_ancestry(server, node))


def _tree_id(server, req: Request) -> Response:
    if denied := _taxonomy_request(server, req, {"marketplace_id"}):
        return denied
    if req.query["marketplace_id"] != "EBAY_US":
        return _taxonomy_error(400, 62001, "The specified marketplace ID was not found.",
                               ("marketplace_id", req.query["marketplace_id"]))
    return Response(200, {"categoryTreeId": TREE_ID, "categoryTreeVersion": TREE_VERSION})


def _suggestions(server, req: Request) -> Response:
    if denied := _taxonomy_request(server, req, {"q"}):
        return denied
    words = set(re.findall(r"[\w'-]+", req.query["q"].lower()))
    scored = []
    for node in server.tree.values():
        score = len(words & set(node.keywords)) + (node.name.lower() in req.query["q"].lower())
        if not node.children and score:
            scored.append((score, node))
    if not scored:
        return Response(204, b"")
    scored.sort(key=lambda pair: -pair[0])
    return Response(200, {"categoryTreeId": TREE_ID, "categoryTreeVersion": TREE_VERSION, "categorySuggestions": [
        {"category": {"categoryId": node.id, "categoryName": node.name}, "categoryTreeNodeAncestors":
         _ancestry(server, node), "categoryTreeNodeLevel": level(server, node), "relevancy": "HIGH"}
        for _score, node in scored]})


def _subtree_node(server, node: Node) -> dict:
    body = {"category": {"categoryId": node.id, "categoryName": node.name},
            "categoryTreeNodeLevel": level(server, node), "leafCategoryTreeNode": not node.children}
    if node.parent is not None:
        body["parentCategoryTreeNodeHref"] = (f"{TAXONOMY}/category_tree/{TREE_ID}/get_category_subtree"
                                              f"?category_id={node.parent}")
    if node.children:
        body["childCategoryTreeNodes"] = [_subtree_node(server, server.tree[c]) for c in node.children]
    return body


def _requested_category(server, req: Request) -> Node | Response:
    """The node the request's category_id names (not the root), or eBay's answer refusing it."""
    if denied := _taxonomy_request(server, req, {"category_id"}):
        return denied
    node = server.tree.get(req.query["category_id"])
    if node is None or node.parent is None:
        return _taxonomy_error(400, 62005, "The specified category ID does not belong to the specified category tree.",
                               ("category_id", req.query["category_id"]))
    return node


def _subtree(server, req: Request) -> Response:
    node = _requested_category(server, req)
    if isinstance(node, Response):
        return node
    return Response(200, {"categoryTreeId": TREE_ID, "categoryTreeVersion": TREE_VERSION,
                          "categorySubtreeNode": _subtree_node(server, node)})


def _aspects(server, req: Request) -> Response:
    node = _requested_category(server, req)
    if isinstance(node, Response):
        return node
    if node.children:
        return _taxonomy_error(400, 62006, "The specified category ID is not a leaf category.",
                               ("category_id", node.id))
    return Response(200, {"aspects": [a.as_ebay() for a in node.aspects]})


def _condition_policies(server, req: Request) -> Response:
    if denied := _app_or_user_token(server, req):
        return denied
    server.catalog_requests += 1
    if req.params["marketplace"] != "EBAY_US":
        return Response(400, {"errors": [{"errorId": 46001, "domain": "API_METADATA", "category": "REQUEST",
                                          "message": "The specified marketplace ID was not found."}]})
    match = re.fullmatch(r"categoryIds:\{([\d|]+)\}", req.query.get("filter", ""))
    ids = match.group(1).split("|") if match else [n.id for n in server.tree.values() if n.conditions]
    policies, warnings = [], []
    for category_id in ids:
        node = server.tree.get(category_id)
        if node is None:
            warnings.append({"errorId": 46003, "domain": "API_METADATA", "category": "REQUEST",
                             "message": f"The category ID {category_id} is not valid.",
                             "parameters": [{"name": "categoryId", "value": category_id}]})
            continue
        for leaf in _leaves(server, node):
            policies.append({"categoryId": leaf.id, "categoryTreeId": TREE_ID, "itemConditionRequired": True,
                             "itemConditions": [{"conditionId": cid, "conditionDescription": CONDITION_NAMES[cid],
                                                 **({"usage": "RESTRICTED"} if cid in RESTRICTED else {})}
                                                for cid in leaf.conditions]})
    return Response(200, {"itemConditionPolicies": policies, **({"warnings": warnings} if warnings else {})})


def _leaves(server, node: Node) -> list[Node]:
    if not node.children:
        return [node]
    return [leaf for child in node.children for leaf in _leaves(server, server.tree[child])]


# --- publishOffer's checks -----------------------------------------------------------------
def _listing_error(error_id: int, message: str, parameters: list[tuple[str, str]], *, long: str = "") -> dict:
    return {"errorId": error_id, "domain": "API_INVENTORY", "subdomain": "Selling", "category": "REQUEST",
            "message": message, "longMessage": long or message,
            "parameters": [{"name": n, "value": v} for n, v in parameters]}


def publish_errors(server, offer: dict, item: dict) -> list[dict]:
    """What eBay refuses at publishOffer about the category, item specifics and condition."""
    category_id = str(offer.get("categoryId", ""))
    node = server.tree.get(category_id)
    if node is None or node.parent is None:
        return [_listing_error(25005, "Invalid category ID.", [("categoryId", category_id)],
                               long=f"The category ID {category_id} is not valid.")]
    if node.children:
        return [_listing_error(25005, "Invalid category ID.", [("categoryId", category_id)],
                               long=f"The category {node.name} ({category_id}) is not a leaf category: choose one "
                                    "of its subcategories.")]
    errors = []
    given = {k.casefold(): v for k, v in ((item.get("product") or {}).get("aspects") or {}).items()}
    for aspect in node.aspects:
        values = given.get(aspect.name.casefold()) or []
        text = ""
        if aspect.required and not values:
            text = (f"The item specific {aspect.name} is missing. Add {aspect.name} to this listing, enter a valid "
                    "value, and then try again.")
        elif values and aspect.mode == "SELECTION_ONLY" and not set(values) <= set(aspect.values):
            text = (f"The item specific {aspect.name} has an invalid value. Enter a valid value for {aspect.name}, "
                    "and then try again.")
        elif any(len(v) > (aspect.max_length or DEFAULT_ASPECT_MAX_LENGTH) for v in values):
            text = (f"The item specific {aspect.name} has an invalid value. Enter a value of at most "
                    f"{aspect.max_length or DEFAULT_ASPECT_MAX_LENGTH} characters, and then try again.")
        elif values and not aspect.multi and len(values) > 1:
            text = f"The item specific {aspect.name} has too many values. Enter one value, and then try again."
        if text:
            errors.append(_listing_error(25002, f"A user error has occurred. {text}", [("0", text), ("2", aspect.name)]))
    condition = item.get("condition", "")
    condition_id = CONDITION_IDS.get(condition, "")
    if condition_id not in node.conditions or condition_id in RESTRICTED:
        errors.append(_listing_error(25021, "Invalid item condition information.", [("condition", condition)],
                                     long=f"The condition {condition} ({condition_id or '?'}) is not available for "
                                          f"category {node.name} ({category_id})."))
    return errors

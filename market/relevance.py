"""Which comparable listings count for an item, each kept or dropped with the reason.

A comp counts when it is the same item — the GTIN, or the brand and the model on the title —
in a usable form: one price (not a range), paid (a "best offer accepted" card shows the asking
price: an upper bound, not a sale price), one item (not a lot), the item itself (not a case
"for" it, not a part), working unless the item itself is for parts, in the item's currency.
Then prices far from the others are dropped by the IQR rule.
"""
from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from market.sources.base import Comp

BROKEN = re.compile(r"\b(for parts|parts only|not working|non[- ]working|broken|as[- ]is|faulty|spares or repair|"
                    r"doesn'?t work|does not work|for repair)\b", re.I)
LOT = re.compile(r"\b(lot of|job lot|bundle|set of \d+|\d+\s*(?:x|pcs|pieces|units)\b|x\s*\d+\b|bulk)\b", re.I)
ACCESSORY = re.compile(r"\b(case|cover|skin|sleeve|strap|band|charger|cable|adapter|stand|mount|holder|protector|"
                       r"replacement|pads?|cushions?|tips|parts?|battery|remote|box only|manual only|decal|sticker)\b"
                       r"[^|]{0,40}\b(for|fits|compatible)\b|\b(compatible with|fits|for use with)\b", re.I)


@dataclass(frozen=True)
class Item:
    """What the comps are compared with."""

    brand: str = ""
    model: str = ""
    gtin: str = ""
    name: str = ""
    grade: str = ""  # BOOMER's grade: POOR allows for-parts comps
    currency: str = "USD"


@dataclass(frozen=True)
class Judged:
    comp: Comp
    kept: bool
    reason: str


def _plain(text: str) -> str:
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


def _squash(text: str) -> str:
    return _plain(text).replace(" ", "")


def _matches(comp: Comp, item: Item) -> tuple[bool, str]:
    if comp.extra.get("matched"):  # matched by BOOMER's own database (its sales)
        return True, comp.extra["matched"]
    title = _plain(comp.title)
    if item.gtin and (comp.extra.get("gtin") == item.gtin or item.gtin in comp.title):
        return True, "same GTIN"
    if item.brand and item.model:
        if _plain(item.brand) not in title:
            return False, f"another brand (no {item.brand} in the title)"
        if _squash(item.model) not in _squash(comp.title):
            return False, f"another model (no {item.model} in the title)"
        return True, "same brand and model"
    words = [w for w in _plain(item.name).split() if len(w) > 2]
    if words and sum(w in title.split() for w in words) >= max(2, (len(words) + 1) // 2):
        return True, "most words of the name"
    if item.brand and _plain(item.brand) in title and not item.model:
        return False, "the model is unknown: a brand alone does not make a comp"
    return False, "not the same item"


def comp_judge(comp: Comp, item: Item) -> Judged:
    """Kept or dropped, with the reason."""
    if comp.price is None:
        return Judged(comp, False, "a price range, not a price" if "price_range" in comp.flags else "no price shown")
    if comp.currency and item.currency and comp.currency != item.currency:
        return Judged(comp, False, f"priced in {comp.currency}")
    text = f"{comp.title} {comp.condition}"
    if BROKEN.search(text) and item.grade != "POOR":
        return Judged(comp, False, "for parts or not working")
    if LOT.search(comp.title):
        return Judged(comp, False, "a lot or bundle")
    if ACCESSORY.search(comp.title):
        return Judged(comp, False, "an accessory or part for the item, not the item")
    same, why = _matches(comp, item)
    if not same:
        return Judged(comp, False, why)
    if "best_offer" in comp.flags:
        return Judged(comp, False, "best offer accepted: the price shown is the asking price, an upper bound")
    return Judged(comp, True, why + (" (price converted from another currency)" if "converted" in comp.flags else ""))


def outliers_drop(judged: list[Judged]) -> list[Judged]:
    """Drop kept comps outside [p25 − 1.5·IQR, p75 + 1.5·IQR] of their own kind (sold/active)."""
    result = list(judged)
    for kind in {j.comp.kind for j in judged}:
        prices = sorted(float(j.comp.price) for j in judged if j.kept and j.comp.kind == kind)
        if len(prices) < 4:
            continue
        p25, _, p75 = statistics.quantiles(prices, n=4, method="inclusive")
        low, high = p25 - 1.5 * (p75 - p25), p75 + 1.5 * (p75 - p25)
        for index, j in enumerate(result):
            if j.kept and j.comp.kind == kind and not low <= float(j.comp.price) <= high:
                result[index] = Judged(j.comp, False, f"outlier: outside {low:.2f}–{high:.2f} (IQR rule)")
    return result


def comps_judge(comps: list[Comp], item: Item) -> list[Judged]:
    return outliers_drop([comp_judge(comp, item) for comp in comps])

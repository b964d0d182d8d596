"""Facebook's and Mercari's category vocabularies, and BOOMER's category mapped onto them.

Facebook: a catalog item's `google_product_category` takes a path of Google's product taxonomy
(the paths below are spelled as in Google's published taxonomy). Mercari: its sell form's category
picker, department first (Women, Men, Electronics, Home, Books, Toys & Collectibles) then a
category in it.

The mapping is a small explicit table, never a guess: BOOMER's category (free text from the
identity: "Headphones", "Men's Jeans", "Electronics > Audio > Headphones") maps to a platform
category when one of that category's phrases is made of words of BOOMER's category and contains
its head noun (the last word of its last segment: "Dress Shoes" → shoe, so it is not a dress).
Nothing matching, or two categories matching equally well ("Jeans" on Mercari is Women's or
Men's), → no category: the reviewer picks one.
"""
from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class PlatformCategory:
    path: str
    phrases: tuple[str, ...]  # each matched when all its words are in BOOMER's category


FACEBOOK = (
    PlatformCategory("Electronics > Audio > Audio Components > Headphones & Headsets > Headphones",
                     ("headphones", "earphones", "earbuds")),
    PlatformCategory("Electronics > Audio > Audio Components > Headphones & Headsets > Headsets", ("headset",)),
    PlatformCategory("Electronics > Audio > Audio Components > Speakers", ("speaker", "soundbar")),
    PlatformCategory("Electronics > Communications > Telephony > Mobile Phones",
                     ("phone", "smartphone", "iphone", "cellphone")),
    PlatformCategory("Electronics > Computers > Laptops", ("laptop", "macbook", "chromebook")),
    PlatformCategory("Electronics > Computers > Tablet Computers", ("tablet", "ipad")),
    PlatformCategory("Electronics > Computers > Desktop Computers", ("desktop", "desktop computer")),
    PlatformCategory("Electronics > Computers > Handheld Devices > E-Book Readers", ("e reader", "ereader", "kindle")),
    PlatformCategory("Electronics > Video Game Consoles", ("console", "game console")),
    PlatformCategory("Cameras & Optics > Cameras > Digital Cameras", ("camera", "dslr")),
    PlatformCategory("Apparel & Accessories > Clothing > Pants", ("jeans", "pants", "trousers", "chinos")),
    PlatformCategory("Apparel & Accessories > Clothing > Shirts & Tops", ("shirt", "t shirt", "blouse", "top", "polo")),
    PlatformCategory("Apparel & Accessories > Clothing > Dresses", ("dress",)),
    PlatformCategory("Apparel & Accessories > Clothing > Outerwear > Coats & Jackets", ("coat", "jacket", "parka")),
    PlatformCategory("Apparel & Accessories > Clothing > Shorts", ("shorts",)),
    PlatformCategory("Apparel & Accessories > Clothing > Skirts", ("skirt",)),
    PlatformCategory("Apparel & Accessories > Shoes", ("shoes", "sneakers", "boots", "sandals", "heels", "loafers")),
    PlatformCategory("Apparel & Accessories > Jewelry > Watches", ("watch", "wristwatch")),
    PlatformCategory("Apparel & Accessories > Handbags, Wallets & Cases > Handbags", ("handbag", "purse")),
    PlatformCategory("Home & Garden > Kitchen & Dining > Kitchen Appliances > Food Mixers & Blenders",
                     ("blender", "stand mixer", "hand mixer", "food processor")),
    PlatformCategory("Home & Garden > Kitchen & Dining > Kitchen Appliances > Coffee Makers & Espresso Machines",
                     ("coffee maker", "coffee machine", "espresso machine")),
    PlatformCategory("Media > Books", ("book", "paperback", "hardcover", "novel", "textbook")),
    PlatformCategory("Toys & Games > Games > Board Games", ("board game",)),
)

MERCARI = (
    PlatformCategory("Electronics > Headphones", ("headphones", "earphones", "earbuds", "headset")),
    PlatformCategory("Electronics > Speakers", ("speaker", "soundbar")),
    PlatformCategory("Electronics > Cell phones & smartphones", ("phone", "smartphone", "iphone", "cellphone")),
    PlatformCategory("Electronics > Laptops", ("laptop", "macbook", "chromebook")),
    PlatformCategory("Electronics > Tablets & eReaders", ("tablet", "ipad", "e reader", "ereader", "kindle")),
    PlatformCategory("Electronics > Desktop computers", ("desktop", "desktop computer")),
    PlatformCategory("Electronics > Video game consoles", ("console", "game console")),
    PlatformCategory("Electronics > Cameras", ("camera", "dslr")),
    # Clothing and shoes sit in Women or Men: without the word that says which, no guess.
    PlatformCategory("Women > Jeans", ("women jeans", "ladies jeans")),
    PlatformCategory("Men > Jeans", ("men jeans",)),
    PlatformCategory("Women > Pants", ("women pants", "women trousers")),
    PlatformCategory("Men > Pants", ("men pants", "men trousers", "men chinos")),
    PlatformCategory("Women > Tops & blouses", ("women shirt", "women top", "blouse")),
    PlatformCategory("Men > Tops", ("men shirt", "men top", "men polo")),
    PlatformCategory("Women > Dresses", ("dress",)),
    PlatformCategory("Women > Skirts", ("skirt",)),
    PlatformCategory("Women > Coats & jackets", ("women coat", "women jacket")),
    PlatformCategory("Men > Coats & jackets", ("men coat", "men jacket")),
    PlatformCategory("Women > Shoes", ("women shoes", "women sneakers", "women boots", "women sandals", "heels")),
    PlatformCategory("Men > Shoes", ("men shoes", "men sneakers", "men boots", "men loafers")),
    PlatformCategory("Women > Handbags", ("handbag", "purse")),
    PlatformCategory("Home > Kitchen appliances", ("blender", "stand mixer", "hand mixer", "food processor",
                                                   "coffee maker", "coffee machine", "espresso machine")),
    PlatformCategory("Books > Books", ("book", "paperback", "hardcover", "novel", "textbook")),
    PlatformCategory("Toys & Collectibles > Board games", ("board game",)),
)

VOCABULARIES = {"facebook": FACEBOOK, "mercari": MERCARI}


def _stem(word: str) -> str:
    """Singular enough to compare: headphones → headphone, men's → men, ladies → lady."""
    if len(word) > 3 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def words(text: str) -> list[str]:
    return [_stem(w) for w in re.findall(r"[a-z0-9]+", (text or "").lower().replace("'", "").replace("’", ""))]


def platform_categories(platform: str) -> tuple[PlatformCategory, ...]:
    return VOCABULARIES.get(platform, ())


def _head(category: str) -> str | None:
    """The head noun: the last word of the last segment ("Clothing > Dress Shoes" → shoe)."""
    segments = [s for s in (category or "").split(">") if words(s)]
    return words(segments[-1])[-1] if segments else None


def category_candidates(platform: str, category: str) -> list[PlatformCategory]:
    """The categories BOOMER's could be, for the reviewer to pick from ("Jeans" → Women's, Men's)."""
    head = _head(category)
    return [c for c in platform_categories(platform) if head and any(head in words(p) for p in c.phrases)]


def category_map(platform: str, category: str) -> PlatformCategory | None:
    """`platform`'s category for BOOMER's `category`, or None when the table has no single answer."""
    head = _head(category)
    if head is None:
        return None
    given = set(words(category))
    best, score = [], 0
    for candidate in platform_categories(platform):
        matched = [len(words(p)) for p in candidate.phrases if head in words(p) and set(words(p)) <= given]
        if matched and max(matched) > score:
            best, score = [candidate], max(matched)
        elif matched and max(matched) == score:
            best.append(candidate)
    return best[0] if len(best) == 1 else None


def category_find(platform: str, path: str) -> PlatformCategory | None:
    """The platform category a reviewer named by its path (case and spacing aside)."""
    wanted = " > ".join(s.strip() for s in (path or "").lower().split(">"))
    return next((c for c in platform_categories(platform) if c.path.lower() == wanted), None)

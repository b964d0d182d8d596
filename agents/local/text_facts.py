"""Product identity (name, brand, model, category, attributes) from OCR text and seller notes.

Everything returned is read from the inputs; a field that cannot be found is
left None and listed in ``unknowns`` rather than guessed. ``evidence`` says
where each fact was read.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .condition_rules import condition_start
from .gtin import gtin_valid, printed_gtin

DATA_DIR = Path(__file__).resolve().parent / "data"
IDENTITY_FIELDS = ("name", "brand", "model", "category")

# Brands that are also everyday words only count when capitalised in the text
# ("Coach", "COACH"), never as "coach"/"gap"/"ring" in a sentence.
_COMMON_WORD_BRANDS = frozenset({
    "astro", "beats", "boss", "brooks", "brother", "champion", "citizen", "coach", "converse",
    "craftsman", "fossil", "free people", "gap", "guess", "hatch", "hunter", "keen", "lee", "lodge",
    "marshall", "martin", "ninja", "nest", "off-white", "old navy", "omega", "pearl", "ping", "polar",
    "puma", "ring", "shark", "sharp", "sigma", "specialized", "stanley", "supreme", "swatch",
    "taylor", "trek", "valve", "vans", "vox", "wilson", "hoover", "celine", "lenox", "oster",
})

_KEY_VALUE = re.compile(r"^\s*[-*\u2022]?\s*([A-Za-z][A-Za-z ._#]{0,24}?)\s*[:=]\s*(.+?)\s*$")
_KEY_ALIASES = {
    "brand": "brand", "make": "brand", "manufacturer": "brand",
    "model": "model", "model number": "model", "model no": "model", "model no.": "model",
    "model #": "model", "mpn": "model",
    "category": "category",
    "name": "name", "title": "name", "product": "name",
    "color": "color", "colour": "color", "size": "size", "capacity": "capacity", "storage": "capacity",
}
_ATTRIBUTE_KEYS = ("color", "size", "capacity")
_ACRONYM_NOUNS = frozenset({"tv", "cd", "lp", "dvd", "dslr", "gpu", "cpu", "ssd", "ram", "tcg", "bbq", "rc", "uhd"})

_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/-]*[A-Za-z0-9]|[A-Za-z0-9]")
_MODEL_TOKEN = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9/-]*[A-Za-z0-9])?")
_NOT_A_MODEL = re.compile(
    r"\d+(?:\.\d+)?(?:gb|tb|mb|kb|mah|wh|w|kw|v|a|mm|cm|m|km|ml|l|oz|lb|lbs|kg|g|hz|khz|mhz|ghz|in|inch|"
    r"ft|p|k|x|pcs|pc|pk|ct|mp|fps|bit|nm|rpm|yr|yrs|st|nd|rd|th|am|pm|s)"
    r"|x\d+|mp[34]|usb\d?|h26[45]|wifi\d|covid-?19",
    re.I,
)
_MODEL_KEYWORD = re.compile(r"\bmodel(?:\s*(?:no\.?|number|nr\.?|#))?\s*[:#.]?\s*", re.I)

_CAPACITY = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)\s?(GB|TB)(?![A-Za-z])", re.I)
_SIZE_AFTER_WORD = re.compile(
    r"\bsize\s*[:#]?\s*((?:(?:US|UK|EU)\s*)?(?:\d{1,2}(?:\.5)?|XXS|XS|S|M|L|XL|XXL|XXXL|[2-5]XL)|one\s+size)(?![\w.])",
    re.I,
)
_SIZE_LETTERS = re.compile(r"(?<![\w-])(XXS|XS|XL|XXL|XXXL|[2-5]XL)(?![\w-])")  # uppercase only
_COLORS = (
    "rose gold", "space gray", "space grey", "midnight blue", "navy blue", "sky blue", "forest green",
    "olive green", "off white", "black", "white", "silver", "gray", "grey", "red", "blue", "green",
    "yellow", "orange", "purple", "pink", "gold", "brown", "beige", "tan", "navy", "teal", "turquoise",
    "burgundy", "maroon", "cream", "ivory", "charcoal", "graphite", "khaki", "olive", "lavender",
    "midnight", "starlight", "coral", "bronze", "copper", "multicolor", "multicolour",
)
_COLOR_RE = re.compile(
    r"(?<![\w-])(" + "|".join(re.escape(c).replace(r"\ ", r"\s+") for c in _COLORS) + r")(?![\w-])", re.I
)


@dataclass(frozen=True)
class TextFacts:
    name: str | None
    brand: str | None
    model: str | None
    category: str | None
    attributes: dict = field(default_factory=dict)
    unknowns: tuple[str, ...] = ()
    evidence: dict = field(default_factory=dict)
    barcode: str | None = None  # the code passed in, or a GTIN whose printed digits OCR read


@dataclass(frozen=True)
class PrintedLine:
    """An OCR line with its printed size, so the item can be named by its largest text."""

    text: str
    height: float = 0.0  # text height as a fraction of the photo's longer side (0: unknown)
    photo: int = 1  # 1-based number of the photo it was read on


@dataclass(frozen=True)
class _Line:
    text: str
    source: str  # "ocr" or "notes"


@dataclass(frozen=True)
class _BrandHit:
    canonical: str
    length: int
    order: int
    line: _Line
    span: tuple[int, int]


def _fold_char(ch: str) -> str:
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


def fold(text: str) -> str:
    """Strip accents one character at a time, so positions still match the original text."""
    return "".join(_fold_char(ch) for ch in text)


@functools.cache
def load_brands() -> tuple[str, ...]:
    """Canonical brand spellings from data/brands.txt (comments and blanks skipped)."""
    lines = (DATA_DIR / "brands.txt").read_text(encoding="utf-8").splitlines()
    brands = [ln.strip() for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    return tuple(dict.fromkeys(brands))


@functools.cache
def _brand_matcher() -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation, longest brands first, over accent-folded text."""
    canonical: dict[str, str] = {}
    alternatives = []
    for brand in sorted(load_brands(), key=len, reverse=True):
        key = _brand_key(brand)
        if key in canonical:
            continue
        canonical[key] = brand
        escaped = re.escape(fold(brand))
        escaped = escaped.replace(r"\ ", r"\s+").replace(r"\-", r"[-\s]?").replace("'", "['\u2019]?")
        alternatives.append(escaped)
    pattern = re.compile(r"(?<![\w])(" + "|".join(alternatives) + r")(?![\w])", re.I)
    return pattern, canonical


def _brand_key(text: str) -> str:
    return re.sub(r"[\s'\u2019-]+", "", fold(text).lower())


@functools.cache
def load_categories() -> dict[str, str]:
    """keyword -> category from data/categories.json."""
    data = json.loads((DATA_DIR / "categories.json").read_text(encoding="utf-8"))
    return {k.lower(): v for k, v in data["keywords"].items()}


@functools.cache
def _category_matcher() -> re.Pattern[str]:
    words = sorted(load_categories(), key=len, reverse=True)
    body = "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in words)
    return re.compile(r"(?<![\w-])(" + body + r")(?:s|es)?(?![\w-])", re.I)


def _category_key(matched: str) -> str | None:
    table = load_categories()
    key = " ".join(fold(matched).lower().split())
    if key in table:
        return key
    for suffix in ("es", "s"):
        if key.endswith(suffix) and key[: -len(suffix)] in table:
            return key[: -len(suffix)]
    return None


def _explicit_fields(notes: str) -> dict[str, str]:
    """`brand: X`, `model: Y`, ... lines in the notes (first occurrence wins)."""
    found: dict[str, str] = {}
    for line in notes.splitlines():
        m = _KEY_VALUE.match(line)
        if not m:
            continue
        key = _KEY_ALIASES.get(" ".join(m.group(1).lower().split()))
        if key and key not in found and m.group(2).strip():
            found[key] = m.group(2).strip()
    return found


def _brand_hits(lines: list[_Line]) -> list[_BrandHit]:
    pattern, canonical = _brand_matcher()
    hits = []
    for order, line in enumerate(lines):
        folded = fold(line.text)
        for m in pattern.finditer(folded):
            brand = canonical.get(_brand_key(m.group(1)))
            if brand is None:
                continue
            original = line.text[m.start(1):m.end(1)]
            if brand.lower() in _COMMON_WORD_BRANDS and original == original.lower():
                continue
            hits.append(_BrandHit(brand, len(m.group(1)), order, line, m.span(1)))
    return hits


def _is_model_token(token: str) -> bool:
    if not 3 <= len(token) <= 20 or not _MODEL_TOKEN.fullmatch(token):
        return False
    if not re.search(r"[A-Za-z]", token) or not re.search(r"\d", token):
        return False
    return not _NOT_A_MODEL.fullmatch(token)


def _tokens(text: str) -> list[tuple[str, int, int]]:
    return [(m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)]


def _model_after_keyword(lines: list[_Line]) -> tuple[str, str] | None:
    for line in lines:
        for m in _MODEL_KEYWORD.finditer(line.text):
            tokens = _tokens(line.text[m.end():])
            if tokens and _is_model_token(tokens[0][0]):
                return tokens[0][0], line.source
    return None


def _model_on_brand_line(hit: _BrandHit) -> str | None:
    brand_key = _brand_key(hit.canonical)
    for token, start, _end in _tokens(hit.line.text):
        if hit.span[0] <= start < hit.span[1] or _brand_key(token) == brand_key:
            continue
        if _is_model_token(token):
            return token
    return None


def _model_digits_on_brand_line(hit: _BrandHit) -> str | None:
    """Set numbers such as LEGO's 42115: all digits, 4-6 long, right on the brand line."""
    for token, start, _ in _tokens(hit.line.text):
        if start >= hit.span[1] and token.isdigit() and 4 <= len(token) <= 6:
            return token
    return None


_LABEL_EXTRA_LINES = 3
_LABEL_MAX_CHARS = 100


def _label_after_brand(lines: list[_Line], hit: _BrandHit) -> list[_Line]:
    """The brand's line and the printed lines right under it: together, the product's label."""
    label = [hit.line]
    for line in lines[hit.order + 1: hit.order + 1 + _LABEL_EXTRA_LINES]:
        if line.source != hit.line.source or not re.search(r"[A-Za-z]{2,}", line.text):
            break
        label.append(line)
    return label


def _label_name(lines: list[_Line], hit: _BrandHit) -> str:
    label = _label_after_brand(lines, hit)
    rest = " ".join([hit.line.text[hit.span[1]:]] + [line.text for line in label[1:]])
    words = [w for w in rest.split() if not re.fullmatch(r"[\d\W]{6,}", w)]  # drop stray codes/dates
    name = " ".join([hit.canonical, *words])
    return name if len(name) <= _LABEL_MAX_CHARS else name[:_LABEL_MAX_CHARS].rsplit(" ", 1)[0]


def _mask(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def _attributes(texts: list[str]) -> dict[str, str]:
    """Colour, size and storage capacity, first mention wins (notes are searched first)."""
    attrs: dict[str, str] = {}
    for text in texts:
        if "color" not in attrs and (m := _COLOR_RE.search(text)):
            attrs["color"] = " ".join(m.group(1).split()).title()
        if "size" not in attrs:
            m = _SIZE_AFTER_WORD.search(text) or _SIZE_LETTERS.search(text)
            if m:
                value = " ".join(m.group(1).split())
                attrs["size"] = "One Size" if value.lower() == "one size" else value.upper()
        if "capacity" not in attrs and (m := _CAPACITY.search(text)):
            attrs["capacity"] = f"{m.group(1)}{m.group(2).upper()}"
    return attrs


def _nice_noun(text: str) -> str:
    words = text.split()
    return " ".join(
        w.upper() if w.lower() in _ACRONYM_NOUNS or (len(w) <= 3 and w.isupper())
        else w.capitalize() if w.islower() or w.isupper() else w
        for w in words
    )


_FILLER_WORDS = (
    "in|with|and|is|are|has|have|very|great|the|a|an|some|few|couple|of|light|lightly|minor|small|tiny|"
    "little|faint|deep|heavy|heavily|major|hairline|visible|no|not|without|never|barely|gently"
)
# Words left dangling once condition talk is cut from a name: "Sony headphones in".
_TRAILING_FILLER = re.compile(rf"(?:[\s,.;:!?&/-]|\b(?:{_FILLER_WORDS})\b)+$", re.I)


def _first_line_name(notes: str) -> str | None:
    """The notes' first line as the item name, unless it is a key: value line or
    a paragraph. Condition talk is cut off: "Sony headphones, like new" names
    "Sony headphones"; "new, sealed" names nothing."""
    first = next((" ".join(ln.split()) for ln in notes.splitlines() if ln.strip()), "")
    if not first or _KEY_VALUE.match(first) or len(first) > 120:
        return None
    start = condition_start(first)
    if start is not None:
        first = first[:start]
        separators = [m.start() for m in re.finditer(r"[,.;!?]|\s-\s", first)]
        if separators:
            first = first[: separators[-1]]
    name = _TRAILING_FILLER.sub("", first).strip()
    return name or None


# --- Brands that are not in data/brands.txt -------------------------------------------
# Such a brand is only taken with evidence that the word *is* a brand: a maker
# statement ("Made by X", "Brand: X", "by X", "X brand") or a trademark sign (X™, X®).
# A capitalised word on its own is never promoted.

_NAME_WORD = r"(?:[A-Z][\w'&+.-]*|\d+[A-Za-z][\w'&+.-]*)"
_BRAND_NAME = re.compile(rf"{_NAME_WORD}(?:\s+(?:&\s+)?{_NAME_WORD}){{0,2}}")
_MAKER_BY = re.compile(
    r"\b(?:made|manufactured|designed|produced|crafted|engineered|created|built|developed|hand[\s-]?(?:made|crafted))"
    r"\s+(?:exclusively\s+)?by\s+",
    re.I,
)
_BY = re.compile(r"\bby\s+", re.I)
_WORD_THEN_BRAND = re.compile(r"(?<![\w'&+.-])([A-Z][\w'&+.-]*|\d+[A-Za-z][\w'&+.-]*)\s+brand\b(?![\s-]+new)(?!\s*[:=])", re.I)
_TRADEMARK = re.compile(r"([A-Za-z0-9][\w'&+.-]*)\s?[\u2122\u00ae]")
# Words that end a maker's name ("Designed by Apple in California") or cannot be one.
_NAME_STOPS = frozenset({
    "in", "for", "of", "the", "and", "with", "at", "from", "since", "under", "exclusively", "only", "on", "to", "by",
})
_NOT_A_NAME = frozenset({
    "hand", "hands", "me", "us", "you", "them", "date", "day", "step", "side", "far", "default", "design", "nature",
    "request", "order", "appointment", "mail", "post", "email", "phone", "mom", "dad", "local", "artisans", "kids",
    "machine", "a", "an", "one", "two", "people", "experts", "name", "store", "off", "generic", "no", "designer",
    "luxury", "top", "famous", "premium", "big", "popular", "same", "other", "any", "this", "that", "great", "good",
    "known", "well", "major", "new", "quality", "house", "own", "private", "unknown", "different", "original",
    "genuine", "official", "authentic", "all", "brand", "tm", "r",
})
_CORPORATE = re.compile(r"(?:,?\s+(?:inc|llc|ltd|co|corp|gmbh|company|corporation|limited)\.?)+$", re.I)
# "Best by", "powered by", "written by": a bare "by" after these does not name the maker.
_NOT_MAKER_BEFORE = frozenset({
    "best", "use", "sell", "enjoy", "consume", "freeze", "exp", "expires", "step", "side", "one", "day", "little",
    "bit", "pass", "stand", "drop", "stop", "go", "hand", "case", "page", "foreword", "introduction", "photographs",
    "photos", "read", "poems", "stories", "novel", "art", "artwork", "cover", "songs", "music", "lyrics", "story",
    "book", "sold", "x", "written", "driven", "chosen", "given", "taken", "shown", "known", "drawn", "grown",
    "sewn", "woven", "proven", "seen", "been", "spoken", "beaten",
})


@dataclass(frozen=True)
class _StatedBrand:
    name: str
    order: int  # index of its line
    line: _Line
    span: tuple[int, int]
    why: str  # evidence, e.g. "'Made by Quorra Labs'" or "trademark sign 'ZYLOFT™'"
    strong: bool  # a maker statement, which outranks a mere mention of a listed brand
    on_label: bool  # printed on the product's own label (a trademark sign), not a credit line


def _clean_name(raw: str) -> str | None:
    words = []
    for word in raw.split():
        if word.lower().strip(".") in _NAME_STOPS:
            break
        words.append(word)
    name = _CORPORATE.sub("", " ".join(words)).strip(" .,-&")
    if sum(c.isalpha() for c in name) < 2 or name.lower() in _NOT_A_NAME or _is_model_token(name):
        return None
    return name


def _looks_like_a_person(name: str) -> bool:
    """Two or three plain words ("Jane Mercer", "J. K. Rowling"): an author or designer, maybe."""
    words = name.split()
    return len(words) >= 2 and all(re.fullmatch(r"[A-Za-z]\.?|[A-Za-z][a-z'-]+|[A-Z][A-Z'-]+", w) for w in words)


def _name_after(line: _Line, start: int) -> tuple[str, tuple[int, int]] | None:
    m = _BRAND_NAME.match(line.text, start)
    if not m:
        return None
    name = _clean_name(m.group(0))
    return (name, (m.start(), m.start() + len(name))) if name else None


def _stated_brands(lines: list[_Line], book: bool) -> list[_StatedBrand]:
    """Brands the text says are brands, in reading order, OCR before notes."""
    found: list[_StatedBrand] = []
    for order, line in enumerate(lines):
        text = line.text
        if line.source == "ocr" and (kv := _KEY_VALUE.match(text)) and _KEY_ALIASES.get(kv.group(1).lower().strip()) == "brand":
            if named := _name_after(line, kv.start(2)):
                found.append(_StatedBrand(named[0], order, line, named[1], f"'{text.strip()}'", True, False))
        for m in _MAKER_BY.finditer(text):
            if named := _name_after(line, m.end()):
                found.append(_StatedBrand(named[0], order, line, named[1], f"'{text[m.start():named[1][1]]}'", True, False))
        for m in _BY.finditer(text):
            # A bare "by" credits an author on a book, and "Best by", "powered by" name no maker.
            before = re.findall(r"[\w']+", text[: m.start()].lower())
            if book or (before and (before[-1] in _NOT_MAKER_BEFORE or before[-1].isdigit()
                                    or (before[-1].endswith("ed") and len(before[-1]) > 4))):
                continue
            named = _name_after(line, m.end())
            if named and not _looks_like_a_person(named[0]):
                found.append(_StatedBrand(named[0], order, line, named[1], f"'{text[m.start():named[1][1]]}'", False, False))
        for m in _WORD_THEN_BRAND.finditer(text):
            name = _clean_name(m.group(1))
            if name and m.group(1)[0].isupper():
                found.append(_StatedBrand(name, order, line, m.span(1), f"'{m.group(0)}'", False, False))
        for m in _TRADEMARK.finditer(text):
            name = _clean_name(m.group(1))
            if name and any(c.isupper() for c in name):
                found.append(_StatedBrand(name, order, line, (m.start(1), m.end()), f"trademark sign '{m.group(0)}'", False,
                                          line.source == "ocr"))
    return found


def _canonical_brand(name: str) -> str:
    key = _brand_key(name)
    return next((b for b in load_brands() if _brand_key(b) == key), name)


# --- Naming by the largest printed text ---------------------------------------------
# Lines within this share of the largest line's height belong to the same title
# ("THE SILENT" / "HARBOR"), up to three lines.
_HEADLINE_SAME_SIZE = 0.85
_HEADLINE_MAX_LINES = 3
# Big shop-sticker words that say nothing about what the item is.
_HEADLINE_NOISE = re.compile(
    r"(?:new|sale|free|hot|bonus|gift|limited\s+edition|best\s*seller|special\s+offer|sealed|made\s+in\s+\w+|"
    r"for\s+parts|not\s+working|defective|\d+\s*%\s*off|free\s+shipping|isbn\b.*|barcode)[\s!.]*",
    re.I,
)
_TITLE_SMALL_WORDS = frozenset({"a", "an", "and", "as", "at", "but", "by", "for", "in", "of", "on", "or", "the", "to", "with"})
_TITLE_ACRONYMS = _ACRONYM_NOUNS | {"usb", "led", "lcd", "hd", "pc", "hdd", "diy", "xl", "xxl", "ii", "iii", "iv"}


def _readable_case(text: str) -> str:
    """ALL-CAPS print as title case for a listing title ("THE SILENT HARBOR" -> "The Silent Harbor")."""
    letters = [c for c in text if c.isalpha()]
    if not letters or not all(c.isupper() for c in letters):
        return text
    words = []
    for i, word in enumerate(text.split()):
        low = word.lower()
        if any(c.isdigit() for c in word) or low in _TITLE_ACRONYMS:
            words.append(word)
        elif i and low in _TITLE_SMALL_WORDS:
            words.append(low)
        else:
            words.append(word.capitalize())
    return " ".join(words)


def _usable_headline(line: PrintedLine) -> bool:
    text = line.text.strip()
    letters = sum(c.isalpha() for c in text)
    return (line.height > 0 and letters >= 3 and letters >= 0.5 * len(text.replace(" ", ""))
            and not _HEADLINE_NOISE.fullmatch(text))


def _headline(printed: list[PrintedLine]) -> tuple[str, int] | None:
    """The largest text read (with same-size lines next to it), and its photo number."""
    usable = [_usable_headline(line) for line in printed]
    if not any(usable):
        return None
    top = max((i for i, ok in enumerate(usable) if ok), key=lambda i: (printed[i].height, -i))
    big = printed[top]

    def joins(i: int) -> bool:
        return (0 <= i < len(printed) and usable[i] and printed[i].photo == big.photo
                and printed[i].height >= _HEADLINE_SAME_SIZE * big.height)

    first = last = top
    while last - first + 1 < _HEADLINE_MAX_LINES and (joins(first - 1) or joins(last + 1)):
        if joins(first - 1):
            first -= 1
        else:
            last += 1
    text = " ".join(printed[i].text for i in range(first, last + 1))
    text = " ".join(re.sub(r"\s?[\u2122\u00ae]", "", text).split())
    if len(text) > _LABEL_MAX_CHARS:
        text = text[:_LABEL_MAX_CHARS].rsplit(" ", 1)[0]
    return _readable_case(text), big.photo


def _is_book(lines: list[_Line], category: str | None, code: str | None) -> bool:
    """On a book, "by <Name>" credits the author, not a brand."""
    return (category == "Books & Magazines" or bool(code and len(code) == 13 and code[:3] in ("978", "979"))
            or any(re.search(r"\bISBN\b", line.text, re.I) for line in lines))


def extract_identity(ocr_lines: Sequence[str | PrintedLine], notes: str, barcode: str | None = None) -> TextFacts:
    """Work out what the item is; explicit `key: value` lines in the notes win.

    ``ocr_lines`` may be plain strings or PrintedLine (text with its printed
    size); only sized lines can name an item by its largest text.
    """
    notes = notes or ""
    explicit = _explicit_fields(notes)
    printed = [ln if isinstance(ln, PrintedLine) else PrintedLine(ln) for ln in ocr_lines]
    printed = [ln for ln in printed if ln.text and ln.text.strip()]
    free_notes = [ln for ln in notes.splitlines() if ln.strip() and not _KEY_VALUE.match(ln)]
    lines = [_Line(p.text, "ocr") for p in printed] + [_Line(t, "notes") for t in free_notes]
    evidence: dict[str, str] = {}
    sources: dict[str, str] = {}  # field -> "ocr" / "notes", for the evidence of a name built from parts

    codes: dict[str, str] = {}
    code = barcode.strip() if barcode and barcode.strip() else None
    if code:
        codes["gtin" if code.isdigit() and gtin_valid(code) else "barcode"] = code
        evidence["gtin" if "gtin" in codes else "barcode"] = evidence["barcode"] = "barcode"
    if "gtin" not in codes and (read := printed_gtin([p.text for p in printed])):
        # Bars that would not decode, but their printed digits pass the check digit.
        code = codes["gtin"] = read.gtin
        evidence["gtin"] = evidence["barcode"] = f"ocr: printed digits '{read.text}' read, bars not decoded (check digit valid)"

    category: str | None = None
    category_noun: str | None = None
    if "category" in explicit:
        value = explicit["category"]
        known = {c.lower(): c for c in load_categories().values()}
        keyword = _category_key(value)
        category = known.get(value.lower()) or (load_categories()[keyword] if keyword else value)
        evidence["category"] = sources["category"] = "notes"
    else:
        category, category_noun, source = _category(lines)
        if category:
            evidence["category"] = sources["category"] = source

    hits = _brand_hits(lines)
    best_hit = min(hits, key=lambda h: (-h.length, h.order)) if hits else None
    stated = _stated_brands(lines, _is_book(lines, category, code))
    strong = next((s for s in stated if s.strong), None)
    weak = next((s for s in stated if not s.strong), None)
    if strong is not None and best_hit is not None and _canonical_brand(strong.name) == best_hit.canonical:
        strong = None  # "Designed by Apple" only confirms the listed brand already read

    brand: str | None = None
    label_hit: _BrandHit | None = None  # the brand on the item's own label, if that is where it was read
    stated_hit: _BrandHit | None = None
    if "brand" in explicit:
        brand = _canonical_brand(explicit["brand"])
        evidence["brand"] = sources["brand"] = "notes"
    elif strong is not None or (best_hit is None and weak is not None):
        said = strong or weak
        brand = _canonical_brand(said.name)
        sources["brand"] = said.line.source
        # A listed brand read on the item needs no more evidence; any other says why it is one.
        evidence["brand"] = said.line.source if brand in load_brands() else f"{said.line.source}: {said.why}"
        stated_hit = _BrandHit(brand, said.span[1] - said.span[0], said.order, said.line, said.span)
        hits.append(stated_hit)  # its words are a name, not a colour or size
        if said.on_label:
            label_hit = stated_hit
    elif best_hit is not None:
        brand = best_hit.canonical
        evidence["brand"] = sources["brand"] = best_hit.line.source
        label_hit = best_hit

    model: str | None = None
    if "model" in explicit:
        model, evidence["model"] = explicit["model"], "notes"
    elif found := _model_after_keyword(lines):
        model, evidence["model"] = found
    else:
        # Only lines naming *this* brand: with "brand: Bose" in the notes, a
        # model printed next to "SONY" says nothing about the item. A brand only
        # credited ("Made by X") has no label to read a model from.
        brand_hits = sorted((h for h in hits if h.canonical == brand and (h is not stated_hit or h is label_hit)),
                            key=lambda h: h.order)
        for hit in brand_hits:
            if token := _model_on_brand_line(hit):
                model, evidence["model"] = token, hit.line.source
                break
        else:
            # Not beside the brand: on the label lines under it, or a set number beside it.
            for hit in brand_hits:
                for line in _label_after_brand(lines, hit)[1:]:
                    token = next((t for t, _, _ in _tokens(line.text) if _is_model_token(t)), None)
                    if token:
                        model, evidence["model"] = token, line.source
                        break
                else:
                    if token := _model_digits_on_brand_line(hit):
                        model, evidence["model"] = token, hit.line.source
                if model:
                    break
    if model:
        sources["model"] = evidence["model"]

    spans_by_line: dict[int, list[tuple[int, int]]] = {}
    for hit in hits:
        spans_by_line.setdefault(hit.order, []).append(hit.span)
    masked = [_mask(line.text, spans_by_line.get(i, [])) for i, line in enumerate(lines)]
    notes_first = [t for t, line in zip(masked, lines) if line.source == "notes"]
    ocr_texts = [t for t, line in zip(masked, lines) if line.source == "ocr"]
    attributes = _attributes(notes_first + ocr_texts)
    for key in _ATTRIBUTE_KEYS:
        if key in explicit:
            attributes[key] = explicit[key]
    for key in _ATTRIBUTE_KEYS:
        if key in attributes:
            in_notes = key in explicit or any(_attributes([t]).get(key) == attributes[key] for t in notes_first)
            evidence[key] = "notes" if in_notes else "ocr"
    attributes.update(codes)

    name: str | None = None
    headline = _headline(printed) if brand is None else None
    if "name" in explicit:
        name, evidence["name"] = explicit["name"], "notes"
    elif first := _first_line_name(notes):
        name, evidence["name"] = first, "notes"
    elif label_hit is not None and label_hit.line.source == "ocr":
        # The printed label says what the item is better than any parts we could join.
        name, evidence["name"] = _label_name(lines, label_hit), "ocr"
    elif headline is not None:
        # No brand to anchor a name: the biggest print (a book's title, a box's product line) names it.
        name, evidence["name"] = headline[0], f"largest text on photo {headline[1]}"
    else:
        if category_noun and brand and _brand_key(category_noun) in _brand_key(brand):
            category_noun = None  # "LEGO" is both brand and category keyword
        parts = [p for p in (brand, model, category_noun) if p]
        if parts:
            name = " ".join(parts)
            evidence["name"] = "+".join(sorted({sources[f] for f in ("brand", "model", "category") if f in sources}))

    values = {"name": name, "brand": brand, "model": model, "category": category}
    unknowns = tuple(f for f in IDENTITY_FIELDS if not values[f])
    return TextFacts(
        name=name,
        brand=brand,
        model=model,
        category=category,
        attributes=attributes,
        unknowns=unknowns,
        evidence=evidence,
        barcode=code,
    )


def _category(lines: list[_Line]) -> tuple[str | None, str | None, str]:
    """Category with the most keyword hits (ties: first mentioned), its noun and source."""
    pattern = _category_matcher()
    table = load_categories()
    counts: dict[str, int] = {}
    first_hit: dict[str, tuple[int, str, str]] = {}
    position = 0
    for line in lines:
        for m in pattern.finditer(fold(line.text)):
            key = _category_key(m.group(0))
            if key is None:
                continue
            cat = table[key]
            counts[cat] = counts.get(cat, 0) + 1
            noun = _nice_noun(line.text[m.start():m.end()])
            first_hit.setdefault(cat, (position, noun, line.source))
            position += 1
    if not counts:
        return None, None, ""
    best = min(counts, key=lambda c: (-counts[c], first_hit[c][0]))
    _, noun, source = first_hit[best]
    return best, noun, source

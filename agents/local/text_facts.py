"""Product identity (name, brand, model, category, attributes) from OCR text and seller notes.

Everything returned is read from the inputs; a field that cannot be found is
left None and listed in ``unknowns`` rather than guessed.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .condition_rules import condition_start
from .gtin import gtin_valid

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


def extract_identity(ocr_lines: list[str], notes: str, barcode: str | None = None) -> TextFacts:
    """Work out what the item is; explicit `key: value` lines in the notes win."""
    notes = notes or ""
    explicit = _explicit_fields(notes)
    free_notes = [ln for ln in notes.splitlines() if ln.strip() and not _KEY_VALUE.match(ln)]
    lines = [_Line(t, "ocr") for t in ocr_lines if t and t.strip()] + [_Line(t, "notes") for t in free_notes]
    evidence: dict[str, str] = {}

    hits = _brand_hits(lines)
    best_hit = min(hits, key=lambda h: (-h.length, h.order)) if hits else None

    brand: str | None = None
    if "brand" in explicit:
        value = explicit["brand"]
        brand = next((b for b in load_brands() if _brand_key(b) == _brand_key(value)), value)
        evidence["brand"] = "notes"
    elif best_hit is not None:
        brand = best_hit.canonical
        evidence["brand"] = best_hit.line.source

    model: str | None = None
    if "model" in explicit:
        model, evidence["model"] = explicit["model"], "notes"
    elif found := _model_after_keyword(lines):
        model, evidence["model"] = found
    else:
        # Only lines naming *this* brand: with "brand: Bose" in the notes, a
        # model printed next to "SONY" says nothing about the item.
        brand_hits = sorted((h for h in hits if h.canonical == brand), key=lambda h: h.order)
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

    category: str | None = None
    category_noun: str | None = None
    if "category" in explicit:
        value = explicit["category"]
        known = {c.lower(): c for c in load_categories().values()}
        keyword = _category_key(value)
        category = known.get(value.lower()) or (load_categories()[keyword] if keyword else value)
        evidence["category"] = "notes"
    else:
        category, category_noun, source = _category(lines)
        if category:
            evidence["category"] = source

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
    for key in attributes:
        in_notes = key in explicit or any(_attributes([t]).get(key) == attributes[key] for t in notes_first)
        evidence[key] = "notes" if in_notes else "ocr"
    if barcode:
        code = barcode.strip()
        attributes["gtin" if code.isdigit() and gtin_valid(code) else "barcode"] = code
        evidence["gtin" if "gtin" in attributes else "barcode"] = "barcode"

    name: str | None = None
    if "name" in explicit:
        name, evidence["name"] = explicit["name"], "notes"
    elif first := _first_line_name(notes):
        name, evidence["name"] = first, "notes"
    elif best_hit is not None and best_hit.canonical == brand and best_hit.line.source == "ocr":
        # The printed label says what the item is better than any parts we could join.
        name, evidence["name"] = _label_name(lines, best_hit), "ocr"
    else:
        if category_noun and brand and _brand_key(category_noun) in _brand_key(brand):
            category_noun = None  # "LEGO" is both brand and category keyword
        parts = [p for p in (brand, model, category_noun) if p]
        if parts:
            name = " ".join(parts)
            sources = {evidence[f] for f in ("brand", "model", "category") if f in evidence}
            evidence["name"] = "+".join(sorted(sources))

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

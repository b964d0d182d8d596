"""Rule-based condition grading from what the seller wrote.

Offline we cannot judge wear from pixels, so the grade comes only from the
seller's notes (plus seller-applied "FOR PARTS"-style stickers read by OCR).
With no such evidence the grade is None: we never guess.

Rules
-----
* Grade phrases ("sealed", "like new", "used", ...) each vote for a grade. The
  most conservative (worst) vote among strong phrases wins; weak phrases
  ("used", "works great", ...) only count when no strong phrase is present.
* "unused", "never worn", "new with tags"/"NWT" mean NEW (eBay's "new": unused,
  unworn); "never used" is still LIKE_NEW, as its existing tests require.
* Every defect caps the grade: any defect (a drop included: "dropped once") means
  at best GOOD (so never NEW or LIKE_NEW); a crack, tear or hole means at best
  FAIR; a defect qualified as heavy / deep / major is one grade worse than its cap. "broken", "not working",
  "cracked screen", "for parts" are POOR grade phrases.
* With defects but no grade phrase, the grade is the defect cap (low confidence).
* Negated mentions ("no scratches", "scratch-free", "nothing missing", "not
  sealed", "never dropped", "no stains or holes") are ignored. A negation carries
  across a comma only through a bare list ("no scratches, dents or scuffs"), not
  into a new statement ("no cracks, light scratches on the back" is a defect).
* Photo-quality issues are not item defects; they only appear in the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

GRADES = ("NEW", "LIKE_NEW", "GOOD", "FAIR", "POOR")
_RANK = {grade: i for i, grade in enumerate(GRADES)}

NO_EVIDENCE_REASON = "condition could not be determined offline: no seller notes about condition"


@dataclass(frozen=True)
class ConditionGuess:
    grade: str | None
    defects: tuple[dict, ...]
    confidence: float
    reason: str


# (regex, grade, strong?) - where matches overlap the longer one claims the
# span, so "never used" is not also read as "used".
_GRADE_PHRASES: tuple[tuple[str, str, bool], ...] = (
    (r"new[\s,/&-]+(?:and\s+)?(?:factory\s+)?sealed", "NEW", True),
    (r"factory[\s-]+sealed", "NEW", True),
    (r"sealed", "NEW", True),
    (r"new\s+in\s+(?:the\s+)?box", "NEW", True),
    (r"nib", "NEW", True),
    (r"nwt", "NEW", True),
    (r"new\s+with\s+tags?", "NEW", True),
    (r"brand[\s-]+new", "NEW", True),
    (r"unopened", "NEW", True),
    (r"never\s+opened", "NEW", True),
    (r"condition\s*[:=-]\s*new", "NEW", True),
    (r"like[\s-]+new", "LIKE_NEW", True),
    (r"(?:near\s+)?mint(?!\s+(?:green|colou?r|blue|flavou?r))", "LIKE_NEW", True),
    (r"excellent\s+condition", "LIKE_NEW", True),
    (r"open(?:ed)?[\s-]+box", "LIKE_NEW", True),
    (r"new\s+without\s+tags?", "LIKE_NEW", True),
    (r"nwot", "LIKE_NEW", True),
    (r"never\s+(?:been\s+)?used", "LIKE_NEW", True),
    (r"unused|unworn", "NEW", True),
    (r"(?:barely|hardly)\s+used", "LIKE_NEW", True),
    (r"never\s+(?:been\s+)?worn", "NEW", True),
    (r"worn\s+(?:once|twice)", "LIKE_NEW", True),
    (r"(?:very\s+)?good\s+condition", "GOOD", True),
    (r"(?:lightly|gently)\s+(?:used|worn)", "GOOD", True),
    (r"used", "GOOD", False),
    (r"pre[\s-]?owned", "GOOD", False),
    (r"works?\s+(?:great|perfectly|fine|well)", "GOOD", False),
    (r"(?:normal|minor|light)\s+(?:signs\s+of\s+)?wear(?:\s+and\s+tear)?", "GOOD", False),
    (r"(?:(?:minor|minimal|light|slight|some|few|small|normal)\s+)?signs?\s+of\s+(?:use|usage|wear)", "GOOD", False),
    (r"fair(?:\s+condition)?(?!\s+(?:price|offer|deal))", "FAIR", True),
    (r"heav(?:y|ily)\s+(?:wear|worn|used)", "FAIR", True),
    (r"well[\s-]+(?:worn|used|loved)", "FAIR", True),
    (r"worn", "FAIR", True),
    (r"for\s+parts(?:\s+(?:or|and|/)\s+repair)?", "POOR", True),
    (r"not\s+working", "POOR", True),
    (r"(?:does\s+not|doesn'?t|won'?t|will\s+not|does\s+not)\s+(?:work|turn\s+on|power\s+on|charge)", "POOR", True),
    (r"broken(?!\s+in\b)", "POOR", True),
    (r"cracked\s+screen", "POOR", True),
    (r"dead\s+pixels?", "FAIR", True),
)

# Stickers a seller puts on an item; ordinary packaging text is not evidence.
_OCR_PHRASES: tuple[tuple[str, str], ...] = (
    (r"for\s+parts", "POOR"),
    (r"not\s+working", "POOR"),
    (r"defective", "POOR"),
)

# (type, regex, cap) - the cap is the best grade the item can still have.
_DEFECTS: tuple[tuple[str, str, str], ...] = (
    ("scratch", r"scratch(?:es|ed|ing)?", "GOOD"),
    ("scuff", r"scuff(?:s|ed|ing)?", "GOOD"),
    ("dent", r"dent(?:s|ed)?", "GOOD"),
    ("stain", r"stain(?:s|ed)?", "GOOD"),
    ("tear", r"(?<!wear and )(?:tears?|torn|ripped|rips?)", "FAIR"),
    ("crack", r"crack(?:s|ed|ing)?", "FAIR"),
    ("missing", r"missing(?:\s+[\w-]+){0,3}", "GOOD"),
    ("chip", r"chipped|chips?(?=\s+(?:on|in|to|at|along|near)\b)|(?:small|minor|tiny|little|paint)\s+chips?", "GOOD"),
    ("fading", r"fad(?:ing|ed|es)", "GOOD"),
    ("discoloration", r"discolou?r(?:ation|ed|ing)|yellowing|yellowed", "GOOD"),
    ("hole", r"(?:(?:pin|moth)[\s-]?)?holes?(?!\s*punch)|holey", "FAIR"),
    # A drop is disclosed like a defect (hidden damage is possible), but not "price dropped".
    ("drop", r"(?<!price\s)(?<!prices\s)dropped(?!\s+(?:off|the\s+price|price|to\b))", "GOOD"),
)
_SEVERE = re.compile(r"\b(?:heavy|heavily|deep|major|large|big|severe|significant|lots\s+of|many)\b", re.I)

_NEGATORS = {"no", "not", "without", "zero", "never", "nothing", "nor", "free", "none", "non", "isn't", "aren't"}
# Words that may sit between a negator and the defect word: "no major scratches,
# dents or scuffs", "free of any visible scratches", "never been dropped",
# "not a single scratch". Defect words themselves also bridge (_is_defect_word).
_NEGATION_BRIDGE = {
    ",", "or", "and", "any", "visible", "noticeable", "obvious", "real", "signs", "sign", "of",
    "major", "minor", "big", "small", "deep", "light", "cosmetic", "damage", "marks",
    "parts", "pieces", "flaws", "issues", "wear",
    "a", "an", "single", "one", "even", "slightest", "from", "been", "ever", "had", "has", "have", "was", "were",
}
# After a comma only list glue may precede a still-negated defect: "no scratches,
# dents or scuffs" but not "no cracks, light scratches".
_LIST_GLUE = {"or", "and", "nor", "any"}
# A defect right after a comma and followed by where it is states a defect: "no box, dents on the lid".
_PLACED = re.compile(r"\s+(?:on|in|at|to|near|along|around|across|under|inside|over|by)\b", re.I)
_CLAUSE_SPLIT = re.compile(r"[.;!?\n]+|,|\bbut\b", re.I)


def _compile(body: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w])", re.I)


_GRADE_RES = [(_compile(rx), grade, strong) for rx, grade, strong in _GRADE_PHRASES]
_OCR_RES = [(_compile(rx), grade) for rx, grade in _OCR_PHRASES]
_DEFECT_RES = [(kind, _compile(rx), cap) for kind, rx, cap in _DEFECTS]


def _is_defect_word(token: str) -> bool:
    # "chips" alone is no defect pattern (it needs "on ..."), but it is one in a list.
    return token in ("chip", "chips") or any(pattern.fullmatch(token) for _, pattern, _ in _DEFECT_RES)


def _is_negated(text: str, start: int, end: int, in_list: bool = True) -> bool:
    """True when the mention at text[start:end] is denied ("no ...", "... free").

    ``in_list`` says whether the mention can be an item of a denied list; grade
    phrases cannot: in "no stains, never worn" the "no" does not deny "never worn".
    """
    if re.match(r"[\s-]*free\b", text[end:], re.I):
        return True
    clause_start = max(text.rfind(ch, 0, start) for ch in ".;!?\n") + 1
    tokens = re.findall(r"[a-z']+|,", text[clause_start:start].lower())
    since_comma: list[str] = []
    for token in reversed(tokens[-10:]):
        if token in _NEGATORS or token.endswith("n't"):
            return True
        if token == ",":
            if not in_list:
                return False
            # Crossing a comma, only a bare list item stays negated: "no scratches, dents or
            # scuffs on the body" is all denied; "no box, dents on the lid" is a defect.
            if any(t not in _LIST_GLUE and not _is_defect_word(t) for t in since_comma):
                return False
            if not since_comma and _PLACED.match(text, end):
                return False
            since_comma = []
            continue
        if token not in _NEGATION_BRIDGE and not _is_defect_word(token):
            return False
        since_comma.append(token)
    return False


def _clause_around(text: str, start: int, end: int) -> str:
    """The seller's own phrase containing the match, for the defect detail."""
    bounds = [0] + [m.end() for m in _CLAUSE_SPLIT.finditer(text) if m.end() <= start]
    left = max(bounds)
    right_match = _CLAUSE_SPLIT.search(text, end)
    right = right_match.start() if right_match else len(text)
    return " ".join(text[left:right].split()).strip(" -:")


def _grade_votes(notes: str) -> list[tuple[str, bool, str]]:
    """Grade phrases in the notes; the longest overlapping phrase wins its span."""
    matches = [
        (m, grade, strong) for pattern, grade, strong in _GRADE_RES for m in pattern.finditer(notes)
    ]
    matches.sort(key=lambda item: (-(item[0].end() - item[0].start()), item[0].start()))
    claimed: list[tuple[int, int]] = []
    votes = []
    for m, grade, strong in matches:
        if any(m.start() < e and s < m.end() for s, e in claimed):
            continue
        claimed.append(m.span())
        if not _is_negated(notes, m.start(), m.end(), in_list=False):
            votes.append((m.start(), grade, strong, " ".join(m.group(0).split())))
    return [(grade, strong, phrase) for _, grade, strong, phrase in sorted(votes)]


def find_defects(notes: str) -> list[tuple[dict, str]]:
    """Defects mentioned (not denied) in the notes, each with its grade cap."""
    found: list[tuple[dict, str]] = []
    seen: set[tuple[str, str]] = set()
    for kind, pattern, cap in _DEFECT_RES:
        for m in pattern.finditer(notes):
            if _is_negated(notes, m.start(), m.end()):
                continue
            detail = _clause_around(notes, m.start(), m.end())
            if (kind, detail.lower()) in seen:
                continue
            seen.add((kind, detail.lower()))
            if _SEVERE.search(detail):
                cap = GRADES[min(_RANK[cap] + 1, len(GRADES) - 1)]
            found.append(({"type": kind, "detail": detail, "source": "notes"}, cap))
    return found


def condition_start(text: str) -> int | None:
    """Index where the text first talks about condition or defects, None if never."""
    starts = [m.start() for p, _, _ in _GRADE_RES if (m := p.search(text))]
    starts += [m.start() for _, p, _ in _DEFECT_RES if (m := p.search(text))]
    return min(starts, default=None)


def _worst(grades: list[str]) -> str:
    return max(grades, key=_RANK.__getitem__)


def grade_condition(notes: str, ocr_lines: list[str], photo_issues: tuple[str, ...]) -> ConditionGuess:
    """Grade the item from the seller's notes; None when nothing is said about condition."""
    notes = notes or ""
    votes = _grade_votes(notes)
    sticker_votes = [
        (grade, m.group(0))
        for line in ocr_lines
        for pattern, grade in _OCR_RES
        if (m := pattern.search(line)) and not _is_negated(line, m.start(), m.end(), in_list=False)
    ]
    defects = find_defects(notes)

    strong = [g for g, is_strong, _ in votes if is_strong] + [g for g, _ in sticker_votes]
    weak = [g for g, is_strong, _ in votes if not is_strong]
    phrase_grade = _worst(strong) if strong else (_worst(weak) if weak else None)
    cap = _worst([c for _, c in defects]) if defects else None

    reasons: list[str] = []
    if phrase_grade is None and cap is None:
        grade, confidence = None, 0.0
        reasons.append(NO_EVIDENCE_REASON)
    else:
        if phrase_grade is None:
            grade, confidence = cap, 0.4
            reasons.append(f"no overall condition stated; defects limit it to {cap}")
        else:
            said = [f"notes say '{p}'" for _, _, p in votes] + [f"label reads '{p}'" for _, p in sticker_votes]
            reasons.append(", ".join(said))
            grade = phrase_grade
            confidence = 0.75 if strong else 0.5
            if len({g for g in strong}) > 1:
                confidence -= 0.15
                reasons.append(f"conflicting phrases, taking the most conservative ({phrase_grade})")
            if cap is not None and _RANK[cap] > _RANK[grade]:
                reasons.append(f"lowered from {grade} to {cap} because of noted defects")
                grade = cap
                confidence -= 0.1
        if defects:
            reasons.append("defects: " + "; ".join(d["detail"] for d, _ in defects))
    if photo_issues:
        reasons.append("photo issues (not item defects): " + ", ".join(photo_issues))
    return ConditionGuess(
        grade=grade,
        defects=tuple(d for d, _ in defects),
        confidence=round(max(confidence, 0.0), 2),
        reason="; ".join(reasons),
    )


_SEALED = _compile(r"(?:factory[\s-]+)?sealed")


def says_sealed(notes: str) -> bool:
    """Whether the notes state (not deny) that the item is sealed."""
    return any(not _is_negated(notes, m.start(), m.end(), in_list=False) for m in _SEALED.finditer(notes or ""))

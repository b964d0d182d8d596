import pytest

from agents.local.condition_rules import GRADES, NO_EVIDENCE_REASON, grade_condition


def grade(notes, ocr=(), issues=()):
    return grade_condition(notes, list(ocr), tuple(issues))


@pytest.mark.parametrize(
    "notes, expected",
    [
        ("new, sealed", "NEW"),
        ("Brand new in box", "NEW"),
        ("NIB, unopened", "NEW"),
        ("Like new, barely used", "LIKE_NEW"),
        ("open box", "LIKE_NEW"),
        ("mint condition", "LIKE_NEW"),
        ("Used, works great", "GOOD"),
        ("good condition", "GOOD"),
        ("fair, heavy wear on the sole", "FAIR"),
        ("for parts, not working", "POOR"),
        ("cracked screen", "POOR"),
        ("never used", "LIKE_NEW"),
        ("heavily used", "FAIR"),
    ],
)
def test_grade_phrases(notes, expected):
    result = grade(notes)
    assert result.grade == expected
    assert 0 < result.confidence <= 1
    assert result.grade in GRADES


def test_defect_means_not_new():
    result = grade("light scratches on the back")
    assert result.grade not in ("NEW", "LIKE_NEW")
    assert result.defects == ({"type": "scratch", "detail": "light scratches on the back", "source": "notes"},)


def test_defect_caps_a_new_claim():
    result = grade("Like new. Small dent on the lid, missing charger")
    assert result.grade == "GOOD"
    assert [d["type"] for d in result.defects] == ["dent", "missing"]
    assert result.defects[1]["detail"] == "missing charger"


def test_crack_caps_at_fair():
    assert grade("excellent condition, hairline crack on the case").grade == "FAIR"


@pytest.mark.parametrize(
    "notes",
    ["no scratches", "No scratches, dents or scuffs", "screen is scratch-free", "nothing missing", "free of stains"],
)
def test_negated_defects_do_not_count(notes):
    assert grade(notes).defects == ()


def test_negation_does_not_leak_across_unrelated_words():
    result = grade("no box, light scratches on the back")
    assert [d["type"] for d in result.defects] == ["scratch"]


def test_used_inside_never_used_is_not_used():
    assert grade("new, never used").grade == "LIKE_NEW"


def test_no_notes_means_no_grade():
    result = grade("")
    assert result.grade is None
    assert result.confidence == 0
    assert result.defects == ()
    assert result.reason == NO_EVIDENCE_REASON


def test_notes_without_condition_do_not_guess():
    assert grade("Sony headphones with case and cable").grade is None


def test_photo_issues_are_not_defects():
    result = grade("", issues=("blurry", "too dark"))
    assert result.grade is None and result.defects == ()
    assert "blurry" in result.reason and "not item defects" in result.reason


def test_packaging_text_is_not_condition_but_stickers_are():
    assert grade("", ocr=["Brand new design!", "Factory sealed for freshness"]).grade is None
    assert grade("", ocr=["FOR PARTS"]).grade == "POOR"

"""Grades and defects from the ways sellers actually word condition."""

import pytest

from agents.local.condition_rules import grade_condition


def grade(notes):
    return grade_condition(notes, [], ())


@pytest.mark.parametrize(
    "notes",
    [
        "no stains or holes",
        "without any scratches",
        "never dropped",
        "never been dropped",
        "no cracks, no chips",
        "not a single scratch",
        "free from scratches",
        "never dropped or cracked",
        "no tears, stains or holes in the fabric",
        "No scratches, dents or scuffs on the body",
    ],
)
def test_a_denied_defect_is_not_a_defect(notes):
    result = grade(notes)
    assert result.defects == ()
    assert result.grade is None  # nothing said about the overall condition either


@pytest.mark.parametrize(
    "notes, kind, detail, expected",
    [
        ("small hole in the sleeve", "hole", "small hole in the sleeve", "FAIR"),
        ("dropped once, works fine", "drop", "dropped once", "GOOD"),
        ("No cracks or chips, light scratches on the back", "scratch", "light scratches on the back", "GOOD"),
        ("no box, dents on the lid", "dent", "dents on the lid", "GOOD"),
        ("Never dropped. Small scratch on the bottom", "scratch", "Small scratch on the bottom", "GOOD"),
        ("no stains; small hole near the collar", "hole", "small hole near the collar", "FAIR"),
    ],
)
def test_defects_next_to_denials_keep_their_type_and_where(notes, kind, detail, expected):
    result = grade(notes)
    assert result.defects == ({"type": kind, "detail": detail, "source": "notes"},)
    assert result.grade == expected


@pytest.mark.parametrize(
    "notes",
    ["new with tags", "NWT", "unused", "brand new", "never worn", "sealed", "Unworn",
     "new with tags, never worn", "NWT never worn", "no stains or holes, never worn", "Unused, still in packaging"],
)
def test_new_wording(notes):
    result = grade(notes)
    assert result.grade == "NEW"
    assert result.defects == ()
    assert result.confidence >= 0.75  # no conflicting phrases among them


@pytest.mark.parametrize(
    "notes",
    ["light wear", "lightly used", "minor signs of use", "Lightly worn", "shows some signs of use",
     "minor signs of use, no stains or holes"],
)
def test_used_wording(notes):
    result = grade(notes)
    assert result.grade == "GOOD"
    assert result.defects == ()


def test_never_been_used_is_not_used():
    assert grade("never been used").grade == "LIKE_NEW"


def test_a_price_drop_is_not_a_drop():
    result = grade("Price dropped! Like new")
    assert result.grade == "LIKE_NEW"
    assert result.defects == ()


def test_denied_defects_do_not_deny_the_grade_after_them():
    result = grade("no scratches, like new")
    assert result.grade == "LIKE_NEW"
    assert "like new" in result.reason

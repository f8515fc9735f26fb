"""Replacement and offset mapping."""

import re

import pytest

from elc.deid import Detection, OffsetMap, Pseudonymiser, apply, map_offset, map_span


def test_apply_records_offsets():
    text = "Ring Sharon on 0116 496 0123 today."
    dets = [Detection(5, 11, "PERSON", "Sharon"), Detection(15, 28, "PHONE", "0116 496 0123")]
    new, reps = apply(text, dets, Pseudonymiser())
    assert new == "Ring [Person 1] on [phone] today."
    for r in reps:
        assert text[r.start:r.end] == r.original
        assert new[r.new_start:r.new_end] == r.replacement
    assert [r.label for r in reps] == ["PERSON", "PHONE"]


def test_apply_merges_overlapping_input():
    text = "Dr Patel rang"
    dets = [Detection(0, 8, "PERSON", "Dr Patel"), Detection(3, 8, "PERSON", "Patel", "ner")]
    new, reps = apply(text, dets)
    assert new == "[Doctor 1] rang" and len(reps) == 1


def test_map_offset_outside_and_inside():
    text = "aa Sharon bb 07700 900123 cc"
    dets = [Detection(3, 9, "PERSON", "Sharon"), Detection(13, 25, "PHONE", "07700 900123")]
    new, reps = apply(text, dets)
    assert new == "aa [Person 1] bb [phone] cc"
    assert map_offset(reps, 0) == 0
    assert map_offset(reps, 3) == 3
    assert map_offset(reps, 9) == new.index(" bb")
    assert map_offset(reps, 26) == new.index("cc")
    assert map_offset(reps, len(text)) == len(new)
    # inside a replaced region: snap to an edge
    assert map_offset(reps, 4, "start") == 3
    assert map_offset(reps, 4, "end") == 3 + len("[Person 1]")
    assert map_offset(reps, 4) == 3  # nearer the start
    assert map_offset(reps, 8) == 3 + len("[Person 1]")  # nearer the end


def test_map_span_inside_a_replacement_becomes_the_tag():
    text = "Dr Patel said so"
    new, reps = apply(text, [Detection(0, 8, "PERSON", "Dr Patel")])
    assert map_span(reps, 3, 8) == (0, len("[Doctor 1]"))
    assert map_span(reps, 9, 13) == (new.index("said"), new.index("said") + 4)


def test_sentence_spans_stay_aligned(rules_detector):
    text = ("My daughter Sharon rang 0116 496 0123. Then Dr Patel came at 10:30. "
            "We live at 27 Evington Road, LE2 7LX. Nothing else to say.")
    sentences = [(m.start(), m.end()) for m in re.finditer(r"[^.]+\.", text)]
    new, reps = apply(text, rules_detector.detect(text), Pseudonymiser())
    omap = OffsetMap(reps)
    mapped = [omap.span(s, e) for s, e in sentences]
    # contiguous, ordered, covering, and each mapped sentence still ends with its full stop
    for (s0, e0), (s1, e1) in zip(mapped, mapped[1:]):
        assert e0 <= s1 and new[e0:s1].strip() == ""
    assert mapped[-1][1] == len(new)
    for (s, e), (os_, oe) in zip(mapped, sentences):
        assert new[s:e].endswith(".")
        untouched = text[os_:oe]
        if not any(r.start < oe and os_ < r.end for r in reps):
            assert new[s:e] == untouched
    assert new[mapped[0][0]:mapped[0][1]] == "My daughter [Daughter 1] rang [phone]."
    assert "[Doctor 1]" in new[mapped[1][0]:mapped[1][1]]


def test_boundary_inside_replacement_is_consistent():
    text = "see Dr. Patel now"
    new, reps = apply(text, [Detection(4, 13, "PERSON", "Dr. Patel")])
    # a naive splitter cut after "Dr." — both sides must map to the same point
    a = map_span(reps, 0, 7)
    b = map_span(reps, 7, len(text))
    assert a[1] == b[0]
    assert a[0] == 0 and b[1] == len(new)


@pytest.mark.parametrize("use_model", [False, True])
def test_no_detected_identifier_survives(use_model, request):
    det = request.getfixturevalue("detector") if use_model else request.getfixturevalue(
        "rules_detector")
    text = ("P1: um, my daughter Sharon Hughes, she rings 07700 900123 or oh one one six four "
            "nine six oh four five six. My NHS number is 943 476 5919, I was born on 12/03/1945, "
            "we live at Flat 3, 27 Evington Road, Oadby, LE2 7LX. Email sharon.h@example.co.uk. "
            "Mrs Hughes said a driver called dev from Swift Cabs was late again, and Sharon "
            "rang Rosewood Care Home.")
    dets = det.detect(text)
    new, reps = apply(text, dets, Pseudonymiser())
    assert len(reps) == len(dets) >= 12
    untagged = re.sub(r"\[[^\]]*\]", " ", new)
    for d in dets:
        assert not re.search(rf"(?<!\w){re.escape(d.text)}(?!\w)", untagged, re.IGNORECASE), d
    for secret in ["Sharon", "Hughes", "07700", "943 476", "LE2 7LX", "Evington", "dev",
                   "Swift", "Rosewood", "12/03/1945"]:
        assert secret.lower() not in new.lower(), secret
    assert "Email" in new  # ordinary words survive
    assert "[Daughter 1]" in new and "[Driver 1]" in new


def test_deidentify_helper(rules_detector):
    from elc.deid import deidentify

    new, reps = deidentify("call 07700 900123", rules_detector)
    assert new == "call [phone]" and reps[0].original == "07700 900123"

"""Review progress (issue 14.3): risk order, one decision per surface form, a per-source reviewed
state, and a summary writers and `elc deidentify report` print."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import elc
from elc.cli import main
from elc.deid import review
from elc.ingest import ImportOptions, import_files
from tests.conftest import CODEBOOK, GUIDE

CALLS = {
    "P11-call.txt": "Interviewer: Is that Edna?\nP11: Yes. My daughter Sharon rang 0116 496 0123. "
                    "Sharon is good. The Walker family next door help too.\n",
    "P12-call.txt": "Interviewer: Who helps?\nP12: My neighbour Brenda does, and Dr Patel at the surgery.\n",
    "P13-call.txt": "Interviewer: Anything else?\nP13: No, the drivers are lovely.\n",
}


@pytest.fixture
def project(tmp_path):
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    p = elc.new_project(tmp_path / "r.elc", GUIDE, CODEBOOK)
    paths = []
    for name, text in CALLS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
        paths.append(tmp_path / name)
    assert import_files(p, paths, ImportOptions(community="patients"), nlp=nlp).ok
    yield p
    p.close()


def test_summary_counts_are_the_table(project):
    s = review.review_summary(project)
    df = review.detections(project)
    assert s.total == len(df) and s.unreviewed == int((df.status == "auto").sum()) > 0
    assert [x.detections for x in s.sources] == [int((df.source_id == x.source_id).sum()) for x in s.sources]
    assert len(s.sources) == 3 and s.sources[2].detections == 0 and s.sources[2].reviewed
    assert not s.reviewed_sources and not s.complete
    assert s.line() == (f"de-identification: {s.unreviewed} of {s.total} detections not yet reviewed "
                        f"(0 of 2 sources reviewed)")


def test_risk_orders_the_review_and_surfaces_group_decisions(project):
    df = review.detections(project, order_by="risk")
    firsts = df.groupby("entity", sort=False).risk.max().tolist()
    assert firsts == sorted(firsts, reverse=True)
    assert review.risk_of("PHONE", "rule", "0116 496 0123") < review.risk_of("PERSON", "rule", "Sharon") \
        < review.risk_of("PERSON", "ner", "Grace")
    groups = review.surface_groups(project)
    sharon = groups[groups.surface == "PERSON sharon"].iloc[0]
    assert sharon.n == 2  # "my daughter Sharon" and "Sharon is good": one decision
    out = review.accept(project, "rita", sharon.ids)
    assert len(out.detection_ids) == 2
    assert "PERSON sharon" not in set(review.surface_groups(project).surface)


def test_accepting_a_source_marks_it_reviewed(project):
    out = review.accept_source(project, "rita", 1)
    assert "source 1 reviewed" in str(out)
    s = review.review_summary(project)
    assert [x.source_id for x in s.reviewed_sources] == [1]
    assert s.unreviewed == s.sources[1].unreviewed > 0
    assert "nothing left" in str(review.accept_source(project, "rita", 1))
    with pytest.raises(review.ReviewError):
        review.accept_source(project, "rita", 99)


def test_cli_report_says_how_many_are_unreviewed(project, tmp_path):
    path = project.location
    s = review.review_summary(project)
    project.close()
    out = CliRunner().invoke(main, ["deidentify", "report", str(path)], catch_exceptions=False).stdout
    assert f"unreviewed: {s.unreviewed} of {s.total} detection(s) not yet reviewed" in out
    assert "sources reviewed: 0 of 2 with detections" in out
    out = CliRunner().invoke(main, ["deidentify", "accept-source", str(path), "1", "--reviewer", "rita"],
                             catch_exceptions=False).stdout
    out += CliRunner().invoke(main, ["deidentify", "settings", str(path), "--places", "keep", "--reviewer", "rita"],
                              catch_exceptions=False).stdout
    assert "source 1 reviewed" in out and "places and organisations: keep" in out
    with elc.open_project(path) as p:
        assert review.place_policy(p) == "keep" and review.build_detector(p).places == "keep"
        assert [x.source_id for x in review.review_summary(p).reviewed_sources] == [1]

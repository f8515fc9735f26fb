"""High-impact changes: add, edit, link, load from YAML (all or nothing)."""

import pytest

from tests.insights import _pack

REPO = _pack.REPO


@pytest.fixture
def project(tmp_path_factory, tmp_path):
    import elc

    src = elc.open_project(_pack.shared(tmp_path_factory))
    p = _pack.copy_project(src, tmp_path / "copy")
    src.close()
    yield p
    p.close()


def test_add_edit_link_remove(project):
    from elc.insights import changes as ch

    cid = ch.add_change(project, "Make sure everyone knows what is going on", rationale="Nobody rings.",
                        owner="Provider", measures=["Calls made"], codes=["Knowing when transport will arrive"])
    row = ch.get_change(project, cid)
    assert row["codes"] == ["Knowing when transport will arrive"] and row["measures"] == ["Calls made"]
    assert ch.link_change(project, "make sure", codes=["Making the booking"], themes=["waiting at home"]) == 2
    assert ch.link_change(project, cid, codes=["making the booking"]) == 0  # already linked, any case
    ch.update_change(project, cid, owner="Control room", requirements=["The Provider shall ring ahead."])
    row = ch.get_change(project, cid)
    assert row["owner"] == "Control room" and row["themes"] == ["waiting at home"]
    assert row["requirements"] == ["The Provider shall ring ahead."]
    assert ch.unlink_change(project, cid, themes=["waiting at home"]) == 1
    with pytest.raises(ch.ChangeError, match="unknown code 'Booking'.*did you mean 'Making the booking'"):
        ch.link_change(project, cid, codes=["Booking"])
    with pytest.raises(ch.ChangeError, match="already exists"):
        ch.add_change(project, "make sure everyone knows what is going on")
    ch.remove_change(project, cid)
    assert cid not in set(ch.changes(project).id)


def test_load_file_is_idempotent(project, tmp_path):
    from elc.insights.changes import changes, load_changes_file

    before = changes(project)
    assert list(before.title) == ["Avoid early morning pick-ups", "Recognise the driver relationship",
                                  "Fix the hospital entrance"]
    path = tmp_path / "again.yaml"
    path.write_text(_pack.CHANGES_YAML.replace("Transport provider", "Planning team"), encoding="utf-8")
    ids = load_changes_file(project, path)
    after = changes(project)
    assert list(after.id) == list(before.id) == ids
    assert after.iloc[0].owner == "Planning team"
    assert after.iloc[1].requirements[1] == "The Provider shall give crews a route to raise welfare concerns"


@pytest.mark.parametrize("text, message", [
    ("changes:\n  - title: A\n    codes: [Not a code]\n", r"bad\.yaml:2: change 1 \('A'\) names unknown code 'Not a code'"),
    ("changes:\n  - owner: someone\n", r"bad\.yaml:2: change 1 is missing 'title'"),
    ("changes: [\n", r"bad\.yaml:\d+: YAML syntax error"),
    ("title: not a list\n", r"bad\.yaml:1: expected a non-empty 'changes:' list"),
    ("changes:\n  - title: A\n  - title: a\n", r"bad\.yaml:3: change 2 repeats the title"),
    ("changes:\n  - title: A\n    measures: {x: 1}\n", r"bad\.yaml:[23]: .*a measure written as a mapping needs 'measure: TEXT'"),
    ("changes:\n  - title: A\n    measures: [[1]]\n", r"bad\.yaml:2: .*measure 1 should be text or a mapping"),
])
def test_bad_file_is_one_line_naming_the_file_and_changes_nothing(project, tmp_path, text, message):
    from elc.errors import ElcError
    from elc.insights.changes import changes, load_changes_file

    before = changes(project)
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ElcError, match=message) as err:
        load_changes_file(project, path)
    assert "\n" not in str(err.value) and str(path) in str(err.value)
    assert changes(project).equals(before)


def test_missing_file(project, tmp_path):
    from elc.errors import ElcError
    from elc.insights.changes import load_changes_file

    with pytest.raises(ElcError, match="nope.yaml: no such file"):
        load_changes_file(project, tmp_path / "nope.yaml")


def test_bundled_changes_file_names_real_codes(tmp_path):
    """The LLR NEPTS changes.yaml holds the case study's ten changes, all linked to existing codes."""
    from elc import new_project
    from elc.insights.changes import changes, load_changes_file, read_changes_file

    items = read_changes_file(REPO / "corpora" / "llr-nepts" / "changes.yaml")
    assert len(items) == 10
    assert items[0]["title"] == "Make sure everyone knows what is going on"
    assert items[-1]["title"] == "Measure and reward quality and not quantity and cost containment"
    assert all(it["rationale"] and it["measures"] and it["codes"] and it["requirements"] for it in items)
    p = new_project(tmp_path / "n.elc", _pack.GUIDE, _pack.CODEBOOK)
    load_changes_file(p, REPO / "corpora" / "llr-nepts" / "changes.yaml")
    df = changes(p)
    assert len(df) == 10 and all(len(c) == len(it["codes"]) for c, it in zip(df.codes, items))
    p.close()


def test_shall_statements():
    from elc.insights.changes import shall_statements

    assert shall_statements({"title": "Avoid early pick-ups", "requirements": []}) == [
        "The Provider shall avoid early pick-ups."]
    assert shall_statements({"title": "x", "requirements": ["The Provider shall ring"]}) == ["The Provider shall ring."]


def test_cli_add_link_and_json(project):
    import json

    from click.testing import CliRunner

    from elc.cli import main

    runner = CliRunner()
    loc = project.location
    res = runner.invoke(main, ["changes", "add", loc, "Keep crews consistent", "--code", "Driver-patient relationship",
                               "--measure", "Share with a regular crew"])
    assert res.exit_code == 0, res.output
    assert "added change" in res.output and "3 participants" in res.output
    res = runner.invoke(main, ["changes", "link", loc, "keep crews", "--code", "Relationship with crew (driver)"])
    assert res.exit_code == 0 and "linked 1 new" in res.output
    res = runner.invoke(main, ["changes", "list", loc, "--json"])
    evs = json.loads(res.output)
    keep = next(e for e in evs if e["title"] == "Keep crews consistent")
    assert keep["codes"] == ["Driver-patient relationship", "Relationship with crew (driver)"]
    assert keep["measures"] == ["Share with a regular crew"]
    res = runner.invoke(main, ["changes", "link", loc, "nothing like it", "--code", "Journey home"])
    assert res.exit_code == 1 and res.output.count("\n") == 1 and "no change titled" in res.output
    res = runner.invoke(main, ["changes", "list", loc])
    assert "! missing voice: NHS staff (nobody interviewed yet; target 16)" in res.output


def test_changes_file_can_carry_programme_fields(tmp_path):
    from elc.insights.changes import ChangesFileError, load_changes_file
    from elc.insights.programme_fields import programme_fields

    project = _pack.build(tmp_path / "p", with_changes=False)
    path = tmp_path / "changes.yaml"
    path.write_text("programme:\n  options_considered: Status quo, or an in-house fleet\n"
                    "  council_priorities: Healthy ageing\n" + _pack.CHANGES_YAML, encoding="utf-8")
    load_changes_file(project, path)
    assert programme_fields(project) == {"options_considered": "Status quo, or an in-house fleet",
                                         "council_priorities": "Healthy ageing"}
    path.write_text("programme:\n  budget: 3\n" + _pack.CHANGES_YAML, encoding="utf-8")
    with pytest.raises(ChangesFileError, match="budget"):
        load_changes_file(project, path)
    project.close()

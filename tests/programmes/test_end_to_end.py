"""Every bundled programme end to end, and nothing of one programme in another's outputs.

The programmes are discovered from elc/data/corpora (a folder with an interview guide of the same
name), so a new sample programme joins these tests by being added. Each is built once per module
(as ``elc demo`` builds it, without the UI) and every output is written from it through the CLI:
status, matrix, changes, the workshop workbook and HTML pack, the specification in Markdown and
Word, and the REFI-QDA project. The checks then read those files back.

Two checks are about wording. (1) No output names a touchpoint or community of another bundled
programme that this one does not have. (2) Words of one service (the transport programme's
"driver", "pick-up", "NEPTS" ...) appear in elc's own text of another programme's outputs only
if that programme's own files use them: quotes, theme labels and the programme's names and
texts are taken out first (see ``_texts.generated``), so what is left is what the code wrote.
"""

from __future__ import annotations

import csv
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from click.testing import CliRunner

from elc.guides.bundled import BundledProgramme, bundled_programmes
from elc.guides.loader import load_codebook, load_guide
from tests.programmes import _texts

PROGRAMMES = {b.slug: b for b in bundled_programmes()}

#: Wording of one kind of service: elc's own text may use a word only if the programme's files do.
SERVICE_WORDS = ("driver", "drivers", "passenger", "passengers", "pick-up", "pick-ups", "pick up", "pickup",
                 "nepts", "non-emergency transport", "patient transport", "crew", "crews", "escort", "escorts",
                 "vehicle", "vehicles", "dialysis")

OUTPUTS = ("cli", "xlsx", "md", "docx", "html", "qde")


@dataclass
class Built:
    prog: BundledProgramme
    folder: Path
    project: Path
    cli: dict[str, str]
    seconds: dict[str, float]
    chunks: dict[str, list[str]] = field(default_factory=dict)
    own_files: str = ""          # the programme's guide, codebook and changes file, lowercased
    names: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    spoken: str = ""             # every interview's stored sentences, normalised
    sentences: set[str] = field(default_factory=set)
    _generated: dict[str, list[str]] = field(default_factory=dict)

    def generated(self, output: str) -> list[str]:
        if output not in self._generated:
            self._generated[output] = _texts.generated(self.chunks[output], self.names, self.keywords,
                                                             self.sentences, self.spoken)
        return self._generated[output]


def _cli(*args) -> str:
    from elc.cli import main

    result = CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, f"elc {' '.join(map(str, args))}: {result.output}"
    return result.output


def _programme_strings(prog: BundledProgramme, project) -> tuple[list[str], list[str]]:
    """Names and texts that come from the programme's files or, for theme labels, from what
    participants said (outputs may show them whatever they say); and the keywords of both."""
    from elc.insights.changes import read_changes_file
    from elc.themes.service import latest_run

    guide = load_guide(prog.guide)
    names = [guide.name, guide.focus_question, *(q.text for q in guide.questions)]
    names += [v for ph in guide.phases for v in ph.values()]
    keywords = [kw for t in guide.touchpoints for kw in t.keywords]
    for c in guide.communities:
        names += [c.key, c.name, c.description]
    names += [x for t in guide.touchpoints for x in (t.name, t.description)]
    for c in load_codebook(prog.codebook) if prog.codebook else []:
        names += [c.name, c.definition]
        keywords += c.keywords
    changes = prog.corpus / "changes.yaml"
    for ch in read_changes_file(changes) if changes.exists() else []:
        names += [ch["title"], ch["rationale"], ch["owner"], *ch["measures"], *ch["requirements"], *ch["themes"]]
    for table in sorted(prog.corpus.glob("*.csv")):  # manifest notes, the researchers' memos
        with open(table, newline="", encoding="utf-8") as fh:
            rows = list(csv.DictReader(fh))
        names += [v for r in rows for k, v in r.items() if k in ("notes", "memo") and v]
    run = latest_run(project)
    if run is not None:
        t = run["table"]
        names += [str(v) for v in t.label]
        for col, sep in (("keywords", ","), ("community_keywords", ","), ("phrases", ";"), ("subthemes", ";")):
            for cell in t[col].dropna() if col in t else []:
                keywords += [re.sub(r"\s*\(\d+\)$", "", part.strip()) for part in str(cell).split(sep)]
    multi = [k for k in keywords if " " in k.strip()]  # phrases are cut like names
    return [s for s in names + multi if s and str(s).strip()], [k for k in keywords if k.strip() and k not in multi]


def _spoken(project) -> tuple[set[str], str]:
    segs = project.segments(with_text=True)
    sentences = {_texts.norm(t).strip(_texts.STRIP) for t in segs.text}
    return sentences, "\n".join(_texts.norm(" ".join(g.text)) for _, g in segs.groupby("source_id", sort=True))


@pytest.fixture(scope="module", params=sorted(PROGRAMMES))
def built(request, tmp_path_factory) -> Built:
    import elc
    from elc.cli.project import build_demo

    prog = PROGRAMMES[request.param]
    folder = tmp_path_factory.mktemp(prog.slug)
    target = folder / f"{prog.slug}.elc"
    seconds = {}
    t0 = time.perf_counter()
    report = build_demo(target, prog.corpus, quiet=True)
    assert not report.failed
    seconds["build"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cli = {"status": _cli("status", target), "status_json": _cli("status", target, "--json"),
           "matrix": _cli("matrix", target), "changes": _cli("changes", "list", target)}
    cli["report"] = _cli("report", target, "--xlsx", folder / "workshop.xlsx", "--html", folder / "pack")
    cli["spec_md"] = _cli("spec", target, "--out", folder / "spec.md")
    cli["spec_docx"] = _cli("spec", target, "--out", folder / "spec.docx")
    cli["export"] = _cli("export", target, "--qdpx", folder / "project.qdpx")
    seconds["outputs"] = time.perf_counter() - t0
    b = Built(prog, folder, target, cli, seconds)
    b.chunks = {"cli": [line for k, v in cli.items() if k != "status_json" for line in v.splitlines()],
                "xlsx": _texts.xlsx_chunks(folder / "workshop.xlsx"),
                "md": _texts.md_chunks(folder / "spec.md"),
                "docx": _texts.docx_chunks(folder / "spec.docx"),
                "html": _texts.html_chunks(folder / "pack" / "index.html"),
                "qde": _texts.qde_chunks(folder / "project.qdpx")}
    files = [prog.guide, prog.codebook, prog.corpus / "changes.yaml"]
    b.own_files = "\n".join(f.read_text(encoding="utf-8") for f in files if f and f.exists()).lower()
    p = elc.open_project(target)
    try:
        b.names, b.keywords = _programme_strings(prog, p)
        b.sentences, b.spoken = _spoken(p)
    finally:
        p.close()
    seconds["read back"] = time.perf_counter() - t0 - seconds["outputs"]
    print(f"\n{prog.slug}: " + ", ".join(f"{k} {v:.1f} s" for k, v in seconds.items()))
    return b


def _manifest(prog: BundledProgramme) -> dict[str, dict]:
    from elc.ingest.manifest import read_manifests

    return read_manifests(prog.corpus)


# ---------------------------------------------------------------------------- the pipeline
def test_status_counts_every_interview_of_every_community(built):
    import json

    st = json.loads(built.cli["status_json"])
    guide = load_guide(built.prog.guide)
    manifest = _manifest(built.prog)
    assert st["programme"] == guide.name
    assert [c["key"] for c in st["communities"]] == [c.key for c in guide.communities]
    assert st["totals"]["sources"] == len(manifest)
    per_comm = {}
    for row in manifest.values():
        per_comm[row["community"]] = per_comm.get(row["community"], 0) + 1
    assert {c["key"]: c["interviews"] for c in st["communities"] if c["interviews"]} == per_comm
    assert st["totals"]["deidentified_sources"] == len(manifest)
    assert guide.name in built.cli["status"]


def test_the_sample_coding_is_applied_for_every_coder(built):
    import elc

    coders = set()
    for table in sorted(built.prog.corpus.glob("codings-*.csv")):
        with open(table, newline="", encoding="utf-8") as fh:
            coders |= {r["coder"] for r in csv.DictReader(fh) if r.get("coder")}
    assert coders, f"{built.prog.corpus}: no researchers' sample coding (codings-*.csv)"
    p = elc.open_project(built.project)
    try:
        assert set(p.coders()) == coders
        counts = {c: len(p.codings(coder=c, with_text=False)) for c in sorted(coders)}
    finally:
        p.close()
    assert all(n > 0 for n in counts.values()), counts


def test_themes_are_found(built):
    import elc
    from elc.themes.service import latest_run

    p = elc.open_project(built.project)
    try:
        run = latest_run(p)
    finally:
        p.close()
    assert run is not None
    themes = set(run["table"].theme_id) - {-1}
    assert themes, "the demo's theme run found no themes"
    assert set(run["table"].label.dropna()) and all(str(x).strip() for x in run["table"].label)


def test_matrix_rows_are_the_guides_touchpoints(built):
    import elc
    from elc.insights.matrix import insight_matrix

    guide = load_guide(built.prog.guide)
    p = elc.open_project(built.project)
    try:
        m = insight_matrix(p)
    finally:
        p.close()
    assert list(dict.fromkeys(m.touchpoint)) == [t.name for t in guide.touchpoints]
    assert set(m.community) <= {c.key for c in guide.communities}
    assert int(m.raised.sum()) > 0
    asked = m[m.asked]
    assert set(asked.touchpoint_family == asked.community_family) == {True}


def test_changes_are_the_programmes_with_evidence(built):
    import elc
    from elc.insights.changes import read_changes_file
    from elc.insights.evidence import all_evidence

    path = built.prog.corpus / "changes.yaml"
    assert path.exists(), f"{built.prog.corpus}: no changes.yaml"
    expected = [ch["title"] for ch in read_changes_file(path)]
    p = elc.open_project(built.project)
    try:
        evs = all_evidence(p)
    finally:
        p.close()
    assert [ev["title"] for ev in evs] == expected
    assert all(ev["codes"] for ev in evs)
    assert sum(1 for ev in evs if ev["participants"]) >= len(evs) // 2, "most changes should have evidence"
    for ev in evs:
        assert ev["title"] in built.cli["changes"]


def test_every_output_is_written_and_readable(built):
    import zipfile

    guide = load_guide(built.prog.guide)
    assert (built.folder / "workshop.xlsx").stat().st_size > 0
    assert any(guide.name in c for c in built.chunks["xlsx"])
    md = (built.folder / "spec.md").read_text(encoding="utf-8")
    assert md.startswith("# Service specification (draft): ")
    assert any(guide.name in c for c in built.chunks["docx"])
    assert any(guide.name in c for c in built.chunks["html"])
    with zipfile.ZipFile(built.folder / "project.qdpx") as zf:
        qde = zf.read("project.qde").decode("utf-8")
    assert qde.count("<TextSource ") == len(_manifest(built.prog))
    for tp in guide.touchpoints:
        assert any(tp.name in c for c in built.chunks["xlsx"]), f"{tp.name} missing from the workbook"


# ---------------------------------------------------------------------------- wording
def _others(slug: str) -> list[str]:
    """Touchpoint and community names of the other bundled programmes that this one lacks."""
    own = load_guide(PROGRAMMES[slug].guide)
    mine = {x.lower() for x in [*(t.name for t in own.touchpoints), *(c.name for c in own.communities)]}
    out = []
    for other, prog in PROGRAMMES.items():
        if other == slug:
            continue
        g = load_guide(prog.guide)
        out += [n for n in [*(t.name for t in g.touchpoints), *(c.name for c in g.communities)]
                if n.lower() not in mine]
    return sorted(set(out))


def _hits(words, chunks: list[str]) -> dict[str, str]:
    found = {}
    for w in words:
        rx = re.compile(rf"(?<![\w-]){re.escape(w.lower())}(?![\w-])")
        for c in chunks:
            m = rx.search(c.lower())
            if m:
                found[w] = c[max(0, m.start() - 60): m.end() + 60]
                break
    return found


@pytest.mark.parametrize("output", OUTPUTS)
def test_outputs_name_no_other_programmes_touchpoints_or_communities(built, output):
    foreign = [n for n in _others(built.prog.slug) if n.lower() not in built.own_files]
    hits = _hits(foreign, built.generated(output))
    assert not hits, f"{built.prog.slug} {output} names another programme's: " + "; ".join(
        f"{w!r} in …{ctx}…" for w, ctx in hits.items())


@pytest.mark.parametrize("output", OUTPUTS)
def test_elcs_own_wording_uses_only_the_programmes_service_words(built, output):
    words = [w for w in SERVICE_WORDS if not re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", built.own_files)]
    hits = _hits(words, built.generated(output))
    assert not hits, f"{built.prog.slug} {output}: text written by elc uses words its programme never does: " + \
        "; ".join(f"{w!r} in …{ctx}…" for w, ctx in hits.items())


def test_the_generated_text_check_sees_elcs_own_words(built):
    """The separation keeps what elc wrote (headings, headers) and drops what participants said."""
    md = built.generated("md")
    assert any("population needs" in c for c in md) and any("evidence notes" in c for c in md)
    quote = next(c for c in built.chunks["md"] if "“" in c)
    inside = re.search(r"“([^”]{20,})”", quote)
    assert inside and all(_texts.norm(inside.group(1)) not in c for c in md)

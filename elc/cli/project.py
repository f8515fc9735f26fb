"""Project verbs: new, import, status, demo."""

from __future__ import annotations

import json
from pathlib import Path

import click

from elc.cli._app import main, open_or_fail, project_argument
from elc.errors import ElcError
from elc.guides.bundled import DEFAULT_PROGRAMME

@main.command("new")
@project_argument
@click.option("--guide", required=True, type=click.Path(dir_okay=False), help="Interview guide YAML (programme, communities, touchpoints).")
@click.option("--codebook", type=click.Path(dir_okay=False), help="Codebook YAML with theme codes.")
@click.option("--force", is_flag=True, help="Replace an existing project file.")
def new(project, guide, codebook, force):
    """Create PROJECT (a .elc file) from an interview guide and optional codebook."""
    from elc import new_project

    p = new_project(project, guide, codebook, overwrite=force)
    prog = p.programme
    click.echo(f"created {project}: {prog.name} ({len(prog.communities)} communities, "
               f"{len(prog.touchpoints)} touchpoints, {len(p.codes())} codes)")
    p.close()


def _progress_import(project, files, options, deidentify, metadata_for=None):
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from elc.ingest import import_files

    with Progress(TextColumn("[bold]importing"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  TextColumn("{task.description}"), transient=True) as bar:
        task = bar.add_task("", total=len(files))

        def tick(path, done, total):
            bar.update(task, completed=done, description=Path(path).name)

        return import_files(project, files, options, deidentify=deidentify, metadata_for=metadata_for,
                            progress=tick)


def _print_speakers(sp) -> str:
    return "; ".join(f"{lb or '(no label)'} -> {stored} ({role})" for lb, role, stored in sp.speakers())


def _print_plans(report, preview: bool = False) -> None:
    """One line per source: layout, turns, speakers; who was taken for the interviewer and why
    (not for a refused file: its refusal is its one line)."""
    from elc.ingest.roles import is_generic

    refused = {path for path, _ in report.failed}
    for plan in report.plans:
        if str(plan.path) in refused:
            continue
        for sp in plan.sources[:20]:
            name = plan.path.name if len(plan.sources) == 1 else sp.transcript.name
            how = sp.interviewer.how
            # a named interviewer ("Helen Brooks") is never echoed: the label is shown only if generic
            shown = [lb if is_generic(lb) else "a named speaker" for lb in sp.interviewer.labels]
            who = f"interviewer: {', '.join(shown)} ({how})" if shown else f"interviewer: {how}"
            click.echo(f"{name}: {sp.summary()}; {who}")
            if preview:
                click.echo(f"  speakers: {_print_speakers(sp)}")
                h = sp.transcript.metadata.get("_parsed")
                if h is not None and not h.header.empty:
                    hd = h.header
                    bits = ([f"title {hd.title!r}"] if hd.title else []) + \
                           ([f"{len(hd.keywords)} keywords"] if hd.keywords else []) + \
                           ([f"speakers listed: {len(hd.speakers)}"] if hd.speakers else []) + \
                           ([f"transcribed by {hd.transcribed_by}"] if hd.transcribed_by else []) + \
                           ([f"{len(hd.lines)} other header line(s)"] if hd.lines else [])
                    click.echo(f"  header (kept as metadata): {', '.join(bits)}")
                for t in sp.transcript.turns[:4]:
                    ts = "" if t.ts_start is None else f"[{int(t.ts_start) // 60}:{int(t.ts_start) % 60:02d}] "
                    text = t.text if len(t.text) <= 70 else t.text[:67] + "..."
                    click.echo(f"  {ts}{sp.labels.get(t.speaker, t.speaker)}: {text}")
                if len(sp.transcript.turns) > 4:
                    click.echo(f"  ... {len(sp.transcript.turns) - 4} more turn(s)")
        if len(plan.sources) > 20:
            click.echo(f"{plan.path.name}: ... {len(plan.sources) - 20} more source(s)")


def _print_report(report) -> None:
    _print_plans(report)
    for msg in report.warnings:
        click.echo(f"warning: {msg}", err=True)
    words = sum(r["words"] for r in report.imported)
    segs = sum(r["segments"] for r in report.imported)
    dets = sum(r["detections"] for r in report.imported)
    if report.imported or not report.failed:  # a refusal alone is its one line below
        click.echo(f"imported {len(report.imported)} file(s): {sum(r['sources'] for r in report.imported)} "
                   f"source(s), {segs} sentences, {words} words, {dets} identifiers replaced")
    for note in (n for r in report.imported for n in r.get("notes", ())):
        click.echo(f"note: {note}")
    for _, msg in report.skipped:
        click.echo(f"skipped: {msg}", err=True)
    for _, msg in report.failed:
        click.echo(f"elc: {msg}", err=True)


@main.command("import")
@project_argument
@click.argument("files", nargs=-1, required=True, type=click.Path())
@click.option("--community", help="Community of interest of these interviews (key or name).")
@click.option("--participant", help="Participant id (pseudonym) when importing one interview.")
@click.option("--encoding", help="Text encoding if not UTF-8 (e.g. cp1252).")
@click.option("--text-column", help="CSV/XLSX: column holding the response text.")
@click.option("--participant-column", help="CSV/XLSX: column holding the participant id.")
@click.option("--community-column", help="CSV/XLSX: column holding the community.")
@click.option("--question-column", help="CSV/XLSX: column holding the question.")
@click.option("--max-mb", type=int, default=50, show_default=True, help="Refuse files larger than this.")
@click.option("--no-deidentify", is_flag=True, help="Store raw text (only for already de-identified data).")
@click.option("--interviewer", "interviewers", multiple=True, metavar="NAME",
              help="Speaker name of the interviewer (repeatable); remembered by the project, never stored in clear.")
@click.option("--dry-run", is_flag=True, help="Show how each file is read (layout, speakers, roles, turns) "
                                              "and store nothing.")
def import_(project, files, community, participant, encoding, text_column, participant_column,
            community_column, question_column, max_mb, no_deidentify, interviewers, dry_run):
    """Import transcripts (txt, docx, vtt, srt, csv, xlsx) into PROJECT, one transaction per file.

    The layout of each file is recognised (speaker labels, speaker-and-timestamp lines, Teams and
    Zoom captions, Word transcribe, typed notes) and reported, with who was taken for the interviewer.
    """
    from elc.ingest import ImportOptions

    p = open_or_fail(project)
    columns = {k: v for k, v in {"text": text_column, "participant": participant_column,
                                 "community": community_column, "question": question_column}.items() if v}
    options = ImportOptions(community=community, participant=participant, encoding=encoding,
                            columns=columns, max_bytes=max_mb * 1024 * 1024,
                            interviewers=tuple(n.strip() for n in interviewers if n.strip()))
    if dry_run:
        from elc.ingest import preview_files

        try:
            report = preview_files(p, list(files), options)
        finally:
            p.close()  # read only: the project file is left byte for byte as it was
        _print_plans(report, preview=True)
        for msg in report.warnings:
            click.echo(f"warning: {msg}", err=True)
        for _, msg in report.skipped:
            click.echo(f"skipped: {msg}", err=True)
        for _, msg in report.failed:
            click.echo(f"elc: {msg}", err=True)
        click.echo(f"dry run: {len(report.plans)} file(s) read, nothing stored")
        if report.failed:
            raise SystemExit(1)
        return
    report = _progress_import(p, list(files), options, not no_deidentify)
    _print_report(report)
    if report.failed:
        raise SystemExit(1)


def _print_status(st: dict) -> None:
    click.echo(f"{st['programme']}  ({st['project']})")
    click.echo(f"focus: {st['focus_question']}")
    click.echo("")
    name_width = max([44] + [len(c["name"]) + 2 for c in st["communities"]])
    click.echo(f"{'community':<{name_width}}{'n / target':>12}{'interviews':>12}{'segments':>10}{'coded':>8}")
    for c in st["communities"]:
        target = f"{c['participants']} / {c['target_n'] if c['target_n'] is not None else '-'}"
        click.echo(f"{c['name']:<{name_width}}{target:>12}{c['interviews']:>12}{c['segments']:>10}"
                   f"{c['coded_share'] * 100:>7.0f}%")
    keys = [c["key"] for c in st["communities"]]
    width = max([46] + [len(tp["name"]) + 2 for tp in st["touchpoints"]])
    click.echo("")
    click.echo("coded share of participant segments per touchpoint and community (- not asked: not in that guide):")
    for i, c in enumerate(st["communities"], 1):
        click.echo(f"  C{i} = {c['name']}")
    click.echo(f"{'touchpoint':<{width}}" + "".join(f"{'C' + str(i):>8}" for i in range(1, len(keys) + 1)))
    for tp in st["touchpoints"]:
        cells = [tp["by_community"][k] for k in keys]
        click.echo(f"{tp['name']:<{width}}" + "".join(
            f"{c['share'] * 100:>7.1f}%" if c.get("asked", True) else f"{'-':>8}" for c in cells))
    t = st["totals"]
    click.echo("")
    click.echo(f"{t['sources']} interviews, {t['participant_segments']} participant segments, "
               f"{t['coded_share'] * 100:.0f}% coded, {t['codes']} codes, coders: {', '.join(t['coders']) or 'none yet'}")


@main.command("status")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON.")
def status(project, as_json):
    """Participants and interviews per community against target n, and coding progress."""
    from elc.insights.status import status as compute

    st = compute(open_or_fail(project))
    if as_json:
        click.echo(json.dumps(st, indent=2))
    else:
        _print_status(st)


def build_demo(target: Path, corpus: Path, quiet: bool = False):
    """Create a sample project from a corpus folder and the bundled guide and codebook of the same
    name (the bundled programmes live in elc/data; see elc.guides.bundled)."""
    from elc import new_project
    from elc.guides.bundled import DATA, guide_for
    from elc.ingest import ImportOptions
    from elc.ingest.manifest import read_manifests

    slug = corpus.name
    guide = guide_for(corpus)
    codebook = DATA / "codebooks" / f"{slug}.yaml"
    if not guide.exists():
        raise ElcError(f"{guide}: no interview guide for the corpus '{slug}'")
    manifest = read_manifests(corpus)
    if not manifest:
        raise ElcError(f"{corpus}: no manifest*.csv listing the transcripts")
    from elc.deid import originals

    tmp = target.with_name(target.name + ".building")
    originals.remove_sidecar(tmp)
    project = new_project(tmp, guide, codebook if codebook.exists() else None, overwrite=True)
    files = [corpus / name for name in sorted(manifest)]
    if quiet:
        from elc.ingest import import_files

        report = import_files(project, files, ImportOptions(), metadata_for=lambda p: manifest[p.name])
    else:
        report = _progress_import(project, files, ImportOptions(), True, metadata_for=lambda p: manifest[p.name])
    if report.failed:
        project.close()
        raise ElcError(f"the sample corpus did not import cleanly: {report.failed[0][1]}")
    from elc.coding.coded_tables import apply_segment_codings

    for table in sorted(corpus.glob("codings-*.csv")):
        counts = apply_segment_codings(project, table)
        if counts["unmatched"]:  # a sample that silently lost codings would show wrong numbers
            project.close()
            raise ElcError(f"{table}: {counts['unmatched']} coding row(s) match no participant sentence "
                           "(re-anchor the table to the imported text)")
    changes = corpus / "changes.yaml"
    if changes.exists():
        from elc.insights.changes import load_changes_file

        load_changes_file(project, changes)
    if not quiet:
        click.echo("finding themes by community (BERTopic, offline)...")
    import logging

    from elc.themes.service import run_themes

    logging.getLogger("BERTopic").setLevel(logging.ERROR)
    run_themes(project)  # so the workbench, workbook and specification have themes from the start
    project.close()
    tmp.replace(target)
    originals.remove_sidecar(target)
    originals.move_sidecar(tmp, target)
    for extra in ("-wal", "-shm"):
        (tmp.parent / (tmp.name + extra)).unlink(missing_ok=True)
    return report


def _programme_names() -> list[str]:
    from elc.guides.bundled import bundled_programmes

    return [b.slug for b in bundled_programmes()]


def _list_programmes() -> None:
    from elc.guides.bundled import bundled_programmes

    for b in bundled_programmes():
        default = "  (default)" if b.slug == DEFAULT_PROGRAMME else ""
        click.echo(f"{b.slug:<24}{b.title}{default}")


@main.command("demo")
@click.option("--programme", type=click.Choice(_programme_names()), default=None,
              help=f"Bundled sample programme to build (default: {DEFAULT_PROGRAMME}; --list shows each one's title).")
@click.option("--list", "list_only", is_flag=True, help="List the bundled sample programmes and exit.")
@click.option("--project", "target", type=click.Path(dir_okay=False), default=None,
              help="Where to build the sample project  [default: demo/<programme>.elc]")
@click.option("--corpus", type=click.Path(file_okay=False), default=None,
              help="A sample corpus folder of your own instead of a bundled programme (its interview guide is "
                   "the bundled one of the same name).")
@click.option("--rebuild", is_flag=True, help="Rebuild the sample project even if it exists.")
@click.option("--coder", default="demo", show_default=True, help="Your coder name in the coding UI.")
@click.option("--no-ui", is_flag=True, help="Build the project and print its status instead of opening the UI.")
@click.option("--others/--blind", "show_others", default=True, show_default=True,
              help="Open showing the sample researchers' codings (the demo's point), or blind as `elc code` "
                   "starts; o toggles either way.")
def demo(programme, list_only, target, corpus, rebuild, coder, no_ui, show_others):
    """Build a bundled sample programme (interviews, sample coding, changes, themes) and open the coding UI."""
    from elc.guides.bundled import DATA

    if list_only:
        _list_programmes()
        return
    if programme and corpus:
        raise ElcError("use --programme for a bundled sample or --corpus for a folder of your own, not both")
    corpus = Path(corpus) if corpus else DATA / "corpora" / (programme or DEFAULT_PROGRAMME)
    target = Path(target) if target else Path("demo") / f"{corpus.name}.elc"
    if rebuild or not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        report = build_demo(target, Path(corpus))
        _print_report(report)
    try:
        from elc.tui.app import run_app
    except ImportError:
        run_app = None
    if no_ui or run_app is None:
        from elc.insights.status import status as compute

        _print_status(compute(open_or_fail(str(target))))
        return
    # the sample ships researchers R1-R3's coding: shown by default (the status bar says "all coders";
    # o toggles back to blind coding, which is how `elc code` starts)
    run_app(str(target), coder=coder, live_suggestions=True, show_others=show_others)

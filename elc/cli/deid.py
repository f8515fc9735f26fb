"""De-identification: ``elc deidentify run|report|accept|reject|accept-source|add-name|add-span|
allow|settings|purge-originals``. Every decision is written to the audit trail with --reviewer.
The old one-verb form (``elc deidentify PROJECT --reject 17``) still works for one release."""

from __future__ import annotations

import json
import sys

import click

from elc.cli._app import VerbGroup, deprecated, main, open_or_fail, project_argument

LABEL_CHOICES = ("PERSON", "CUSTOM", "NHS_NUMBER", "PHONE", "POSTCODE", "EMAIL", "DOB", "ADDRESS", "LOCATION",
                 "ORG")


def _default_reviewer() -> str:
    from elc.coding.actions import default_coder

    return default_coder("")


def _print_report(rep: dict, project: str) -> None:
    click.echo(f"de-identification of {project}")
    st = rep["by_status"]
    click.echo(f"detections: {rep['detections']}"
               + (f"  ({', '.join(f'{k} {v}' for k, v in st.items())})" if st else ""))
    if rep["by_label"]:
        click.echo("per label:  " + ", ".join(f"{k} {v}" for k, v in rep["by_label"].items()))
    if rep["by_entity"]:
        click.echo("per entity:")
        for e in rep["by_entity"]:
            statuses = " ".join(f"{k} {e[k]}" for k in ("auto", "accepted", "rejected", "added") if e.get(k))
            click.echo(f"  {e['entity'][:28]:<29}{e['label']:<12}{e['n']:>5}   {statuses}")
    pending = rep["pending_sources"]
    if pending:
        listed = ", ".join(f"{x['id']} {x['name']}" for x in pending[:8]) + (" ..." if len(pending) > 8 else "")
        click.echo(f"sources not yet de-identified: {len(pending)} ({listed}) -> run 'elc deidentify run {project}'")
    else:
        click.echo("sources not yet de-identified: none")
    o = rep["originals"]
    if o.get("error"):
        click.echo(f"originals: {o['error']}")
    elif o.get("purged"):
        click.echo(f"originals: purged on {str(o['purged'].get('ts', ''))[:10]} by {o['purged'].get('reviewer')}; "
                   f"{'kept again for new detections' if o.get('keep') else 'not kept'}"
                   + (f" ({o.get('originals', 0)} since)" if o.get("exists") else ""))
    elif o.get("path") is None:
        click.echo("originals: not kept (a project behind a database URL)")
    elif o.get("keep"):
        click.echo(f"originals: kept in {o['path']} ({o.get('originals', 0)})")
    else:
        click.echo("originals: not kept" + (f" ({o['path']} still holds {o.get('originals', 0)})" if o.get("exists")
                                            else ""))
    sr = rep.get("sources_reviewed") or {}
    click.echo(f"unreviewed: {rep.get('unreviewed', 0)} of {rep['detections']} detection(s) not yet reviewed; "
               f"sources reviewed: {sr.get('reviewed', 0)} of {sr.get('with_detections', 0)} with detections")
    click.echo(f"names added: {rep['names']} (stored as keyed hashes)")
    click.echo("allow-list (project): " + (", ".join(rep["allow_list"]) if rep["allow_list"] else "none"))


_reviewer = click.option("--reviewer", default=_default_reviewer, show_default="$ELC_CODER or your login name",
                         help="Who makes these decisions (written to the audit trail).")
_label = click.option("--label", default="PERSON", show_default=True, metavar="LABEL",
                      help=", ".join(LABEL_CHOICES) + " (PERSON and CUSTOM get a numbered pseudonym such as "
                           "[Person 3]; the others a typed tag such as [organisation]).")
_ids = click.argument("ids", metavar="ID...", nargs=-1, required=True, type=int)


@main.group("deidentify", cls=VerbGroup, context_settings={"max_content_width": 100})
def deidentify():
    """De-identify, review and report on a project's identifiers.

    \b
    The project file holds de-identified text only. Unless the project says otherwise, the text
    each replacement hid is kept beside it in PROJECT.originals (readable by you alone), so a
    wrong replacement can be undone with 'reject'. 'purge-originals' deletes that file for good.
    On PostgreSQL they are kept in the schema elc_originals, which only granted roles can read.

    \b
    Every decision is written to the audit trail with --reviewer and the time, and re-applies
    when more transcripts are imported. Find detection ids with 'report --json', or review them
    interactively in the coding UI.

    \b
    Examples:
      elc deidentify run nepts.elc                   # de-identify sources imported raw
      elc deidentify report nepts.elc
      elc deidentify add-name nepts.elc Edna "Kestrel Grange" --label ORG
      elc deidentify reject nepts.elc 17 --reviewer alice
      elc deidentify allow nepts.elc Gujarati
      elc deidentify settings nepts.elc --places keep
      elc deidentify purge-originals nepts.elc
    """


@deidentify.command("run")
@project_argument
@_reviewer
def run(project, reviewer):
    """De-identify every source imported with --no-deidentify: detect on the stored text, replace
    each identifier with a pseudonym such as [Daughter 1] or [phone], keep codings aligned, and
    mark the source de-identified."""
    _run(open_or_fail(project), project, reviewer)


def _run(p, project: str, reviewer: str) -> None:
    from elc.deid import review

    pending = review.pending_sources(p)
    if pending:
        click.echo(f"de-identifying {len(pending)} source(s)...", err=True)
    click.echo(review.deidentify_pending(p, reviewer))
    rep = review.report(p)
    st = ", ".join(f"{k} {v}" for k, v in rep["by_status"].items())
    click.echo(f"{rep['detections']} detection(s){' (' + st + ')' if st else ''}, "
               f"{rep.get('unreviewed', 0)} not yet reviewed; see 'elc deidentify report {project}'")


@deidentify.command("report")
@project_argument
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def report(project, as_json):
    """Counts per label, per entity (pseudonym tag) and per status, the sources not yet
    de-identified, and where originals are kept. Changes nothing."""
    _report(open_or_fail(project), project, as_json)


def _report(p, project: str, as_json: bool) -> None:
    from elc.deid import review

    rep = review.report(p)
    if as_json:
        click.echo(json.dumps(rep, indent=2, default=str))
    else:
        _print_report(rep, project)


@deidentify.command("accept")
@project_argument
@_ids
@_reviewer
def accept(project, ids, reviewer):
    """Confirm detections ID... (accepting a rejected detection replaces it again)."""
    from elc.deid import review

    click.echo(review.accept(open_or_fail(project), reviewer, list(ids)))


@deidentify.command("reject")
@project_argument
@_ids
@_reviewer
def reject(project, ids, reviewer):
    """Undo detections ID...: the original text is restored from the originals and the exact term
    is allow-listed for later imports. Refused if the original is not kept."""
    from elc.deid import review

    click.echo(review.reject(open_or_fail(project), reviewer, list(ids)))


@deidentify.command("accept-source")
@project_argument
@click.argument("sources", metavar="SOURCE...", nargs=-1, required=True, type=int)
@_reviewer
def accept_source(project, sources, reviewer):
    """Mark sources reviewed: accept every detection of each not yet reviewed."""
    from elc.deid import review

    p = open_or_fail(project)
    for source_id in sources:
        click.echo(review.accept_source(p, reviewer, source_id))


@deidentify.command("add-name")
@project_argument
@click.argument("names", metavar="NAME...", nargs=-1, required=True)
@_label
@_reviewer
def add_name(project, names, label, reviewer):
    """Names the detector must always catch. Remaining occurrences in every source are replaced now
    and on every later import; the project keeps only a keyed hash of each."""
    from elc.deid import review

    p = open_or_fail(project)
    for name in names:
        click.echo(review.add_name(p, reviewer, name, label.upper()))


@deidentify.command("add-span")
@project_argument
@click.argument("source", type=int)
@click.argument("start", type=int)
@click.argument("end", type=int)
@_label
@_reviewer
def add_span(project, source, start, end, label, reviewer):
    """Replace characters START..END of source SOURCE (stored-text offsets) with a pseudonym."""
    from elc.deid import review

    click.echo(review.add_span(open_or_fail(project), reviewer, source, start, end, label.upper()))


@deidentify.command("allow")
@project_argument
@click.argument("terms", metavar="TERM...", nargs=-1, required=True)
@_reviewer
def allow(project, terms, reviewer):
    """Terms the analysis needs and that are never replaced (a language, a service, a public
    place). Their current replacements are restored where originals are kept."""
    from elc.deid import review

    p = open_or_fail(project)
    for term in terms:
        click.echo(review.allow(p, reviewer, term))


@deidentify.command("settings")
@project_argument
@click.option("--keep-originals/--no-keep-originals", "keep", default=None,
              help="Keep (default for new projects) or stop keeping the originals of new detections.")
@click.option("--places", type=click.Choice(["keep", "generalise", "tag"]), default=None,
              help="What later de-identification does with places and organisations: keep them, generalise "
                   "(default: replace only named providers, known towns and places in an address) or tag all.")
@_reviewer
def settings(project, keep, places, reviewer):
    """The project's de-identification settings: keeping originals, and places."""
    if keep is None and places is None:
        raise click.UsageError("say what to set: --keep-originals/--no-keep-originals and/or --places")
    _settings(open_or_fail(project), reviewer, keep, places)


def _settings(p, reviewer: str, keep: bool | None, places: str | None) -> None:
    from elc.deid import review

    if keep is not None:
        click.echo(review.set_keep_originals(p, reviewer, keep))
    if places is not None:
        click.echo(review.set_place_policy(p, reviewer, places))


@deidentify.command("purge-originals")
@project_argument
@click.option("--yes", is_flag=True, help="Do not ask first.")
@_reviewer
def purge_originals(project, yes, reviewer):
    """Delete the originals for good and stop keeping them; recorded in the audit. After this no
    rejection can restore anything."""
    _purge(open_or_fail(project), project, reviewer, yes)


def _purge(p, project: str, reviewer: str, yes: bool) -> None:
    from elc.deid import review

    if not yes and sys.stdin.isatty():
        click.confirm(f"Delete the originals of {project} for good? Rejections will no longer be possible",
                      abort=True)
    click.echo(review.purge_originals(p, reviewer))


# ---------------------------------------------------------------------------- the old form, for one release
_OLD = (("keep", "settings"), ("places", "settings"), ("accept_sources", "accept-source"), ("names", "add-name"),
        ("allows", "allow"), ("accepts", "accept"), ("rejects", "reject"), ("spans", "add-span"),
        ("purge_originals", "purge-originals"))


@deidentify.command("legacy", hidden=True)
@project_argument
@click.option("--report", "show_report", is_flag=True)
@click.option("--json", "as_json", is_flag=True)
@click.option("--add-name", "names", multiple=True)
@click.option("--label", default="PERSON")
@click.option("--allow", "allows", multiple=True)
@click.option("--accept", "accepts", multiple=True, type=int)
@click.option("--reject", "rejects", multiple=True, type=int)
@click.option("--add-span", "spans", multiple=True, nargs=3, type=int)
@click.option("--keep-originals/--no-keep-originals", "keep", default=None)
@click.option("--purge-originals", is_flag=True)
@click.option("--accept-source", "accept_sources", multiple=True, type=int)
@click.option("--places", type=click.Choice(["keep", "generalise", "tag"]), default=None)
@click.option("--yes", is_flag=True)
@_reviewer
def legacy(project, show_report, as_json, label, yes, reviewer, **kw):
    """``elc deidentify PROJECT [--report] [--accept ID] ...``: the old form, actions in its order."""
    from elc.deid import review

    given = [verb for opt, verb in _OLD if (kw[opt] is not None if opt == "keep" else kw[opt])]
    first = given[0] if given else "report" if show_report else "run"
    deprecated(f"elc deidentify {first} {project} ..." + (" (one subcommand per action)" if len(given) > 1 else ""))
    p = open_or_fail(project)
    _settings(p, reviewer, kw["keep"], kw["places"])
    for source_id in kw["accept_sources"]:
        click.echo(review.accept_source(p, reviewer, source_id))
    for name in kw["names"]:
        click.echo(review.add_name(p, reviewer, name, label.upper()))
    for term in kw["allows"]:
        click.echo(review.allow(p, reviewer, term))
    if kw["accepts"]:
        click.echo(review.accept(p, reviewer, list(kw["accepts"])))
    if kw["rejects"]:
        click.echo(review.reject(p, reviewer, list(kw["rejects"])))
    for source_id, start, end in kw["spans"]:
        click.echo(review.add_span(p, reviewer, source_id, start, end, label.upper()))
    if kw["purge_originals"]:
        _purge(p, project, reviewer, yes)
    if show_report:
        _report(p, project, as_json)
    elif not given:
        _run(p, project, reviewer)

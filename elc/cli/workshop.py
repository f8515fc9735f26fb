"""Workshop verbs: record the challenge workshop (who came, what was challenged, what was decided),
make the capture sheet for the room and read it back."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from elc.cli._app import main, open_or_fail, project_argument

_by = click.option("--by", "by", required=True, metavar="NAME", help="Who is recording it (audited).")
_workshop = click.option("--workshop", "workshop_id", type=int, help="Workshop id (default: the latest).")


@main.group("workshop")
def workshop():
    """The challenge workshop: attendees, challenges, decisions on each change, co-design.

    \b
    elc workshop sheet nepts.elc --xlsx capture.xlsx        # the sheet people fill in in the room
    elc workshop import nepts.elc capture.xlsx --by alice   # read it back (all or nothing)
    elc workshop new nepts.elc "Challenge workshop" --date 2026-03-14 --by alice
    elc workshop decide nepts.elc 3 merged --into 2 --by alice
    elc workshop show nepts.elc
    """


@workshop.command("new")
@project_argument
@click.argument("title")
@click.option("--date", "held_on", default="", help="When it was held (YYYY-MM-DD).")
@click.option("--venue", default="")
@click.option("--notes", default="")
@_by
def new(project, title, held_on, venue, notes, by):
    """Record a workshop."""
    from elc.insights.workshop import new_workshop

    wid = new_workshop(open_or_fail(project), title, held_on, venue, notes, by)
    click.echo(f"recorded workshop {wid}: {title}")


@workshop.command("attend")
@project_argument
@click.argument("role")
@click.option("--community", default="", help="A community key or name of the programme.")
@click.option("--organisation", default="")
@click.option("-n", "--number", "n", type=int, default=1, show_default=True, help="How many people (never names).")
@_workshop
@_by
def attend(project, role, community, organisation, n, workshop_id, by):
    """Count attendees by ROLE (commissioner, provider, trust, partner, carer ...) and community."""
    from elc.insights.workshop import attend as record

    res = record(open_or_fail(project), role, community, organisation, n, workshop_id, by)
    click.echo(f"recorded {n} attendee(s) at workshop {res.workshop_id}")


@workshop.command("challenge")
@project_argument
@click.argument("finding")
@click.argument("response", type=click.Choice(["agree", "challenge", "new-evidence"]))
@click.option("--text", default="", help="What was said.")
@click.option("--raised-by", default="", help="A role or community (never a name).")
@_workshop
@_by
def challenge(project, finding, response, text, raised_by, workshop_id, by):
    """Record a response to a FINDING: change:ID, cell:TOUCHPOINT|COMMUNITY, theme:LABEL or note:TEXT."""
    from elc.insights.workshop import challenge as record

    res = record(open_or_fail(project), finding, response, text, raised_by, workshop_id, by)
    click.echo(f"recorded '{response}' at workshop {res.workshop_id}")


@workshop.command("decide")
@project_argument
@click.argument("change")
@click.argument("decision", required=False,
                type=click.Choice(["endorsed", "amended", "merged", "rejected", "new"]))
@click.option("--into", "merged_into", help="merged: the change (id or title) it joins.")
@click.option("--title", help="amended: the new title.")
@click.option("--rationale", help="amended (or new): the rationale.")
@click.option("--requirement", "requirements", multiple=True, help="amended (or new): a shall-statement; repeatable.")
@click.option("--votes", type=int)
@click.option("--priority", type=int, help="1 = highest.")
@click.option("--owner")
@click.option("--next-steps")
@click.option("--note", default="")
@_workshop
@_by
def decide(project, change, decision, merged_into, title, rationale, requirements, votes, priority, owner, next_steps,
           note, workshop_id, by):
    """Record the decision on CHANGE (id or title; for 'new', the new change's title).

    Without DECISION, update votes/priority/owner/next steps of its current decision."""
    from elc.errors import ElcError
    from elc.insights import workshop as w

    p = open_or_fail(project)
    if decision is None:
        fields = {k: v for k, v in dict(votes=votes, priority=priority, owner=owner, next_steps=next_steps).items()
                  if v is not None}
        if not fields:
            raise ElcError("give a DECISION, or --votes/--priority/--owner/--next-steps to update")
        w.set_decision_fields(p, change, by, **fields)
        click.echo(f"updated {', '.join(sorted(fields))} of change {change}")
        return
    fields = dict(votes=votes, priority=priority, owner=owner or "", next_steps=next_steps or "", note=note)
    if decision == "new":
        fields.update(rationale=rationale or "", requirements=list(requirements))
    else:
        fields.update(merged_into=merged_into, title=title, rationale=rationale,
                      requirements=list(requirements) or None)
    res = w.decide(p, change, decision, by, workshop_id, **fields)
    which = res.new_change_ids[0] if res.new_change_ids else change
    click.echo(f"change {which}: {decision}")


@workshop.command("codesign")
@project_argument
@click.argument("change")
@click.option("--who", required=True, help="Roles, communities, organisations (never names).")
@click.option("--what", required=True, help="What they co-designed.")
@click.option("--date", "held_on", default="")
@_by
def codesign(project, change, who, what, held_on, by):
    """Record who co-designed what for CHANGE."""
    from elc.insights.workshop import add_codesign

    add_codesign(open_or_fail(project), change, who, what, held_on, by)
    click.echo(f"recorded co-design for change {change}")


def _summary_dict(s) -> dict:
    return {"workshop": asdict(s.workshop) if s.workshop else None, "total": s.total, "by_role": s.by_role,
            "by_community": s.by_community, "states": s.states,
            "findings": [asdict(f) | {"total": f.total} for f in s.findings],
            "outcomes": [asdict(o) for o in s.outcomes], "codesign": [asdict(c) for c in s.codesign]}


@workshop.command("show")
@project_argument
@_workshop
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
def show(project, workshop_id, as_json):
    """What the workshop recorded and each change's state (candidate until decided)."""
    from elc.insights.workshop_summary import summary

    s = summary(open_or_fail(project), workshop_id)
    if as_json:
        click.echo(json.dumps(_summary_dict(s), indent=2))
        return
    if s.workshop:
        w = s.workshop
        click.echo(f"Workshop {w.id}: {w.title}" + (f", {w.held_on}" if w.held_on else "")
                   + (f", {w.venue}" if w.venue else ""))
        click.echo(f"{s.total} attendee(s): " + ", ".join(f"{r} {n}" for r, n in s.by_role.items()))
        comms = {k: n for k, n in s.by_community.items() if k}
        if comms:
            click.echo("  by community: " + ", ".join(f"{k} {n}" for k, n in comms.items()))
        for f in s.findings:
            click.echo(f"  {f.label}: agree {f.agree}, challenge {f.challenge}, new evidence {f.new_evidence}")
    else:
        click.echo("No workshop recorded yet.")
    click.echo("Changes: " + ", ".join(f"{k} {v}" for k, v in s.states.items()))
    for o in s.outcomes:
        extra = f" into {o.merged_into}" if o.merged_into else ""
        nums = "".join([f", {o.votes} votes" if o.votes is not None else "",
                        f", priority {o.priority}" if o.priority is not None else "",
                        f", owner {o.owner}" if o.owner else ""])
        click.echo(f"  {o.change_id}. {o.title} [{o.state}{extra}{nums}]")
    for c in s.codesign:
        click.echo(f"Co-design, change {c.change_id}: {c.who}: {c.what}" + (f" ({c.held_on})" if c.held_on else ""))


@workshop.command("sheet")
@project_argument
@click.option("--xlsx", "xlsx", required=True, type=click.Path(dir_okay=False), help="Where to write the sheet.")
def sheet(project, xlsx):
    """Write the capture sheet people fill in in the room."""
    from elc.exchange.capture_sheet import write_sheet

    n = write_sheet(open_or_fail(project), xlsx)
    click.echo(f"wrote {xlsx}: {n['changes']} candidate change(s), {n['cells']} touchpoint × community cell(s)")


@workshop.command("import")
@project_argument
@click.argument("file", type=click.Path(dir_okay=False))
@_by
def import_(project, file, by):
    """Read a filled capture sheet back: everything, or (on any bad cell) nothing."""
    from elc.exchange.capture_sheet import import_sheet

    r = import_sheet(open_or_fail(project), file, by)
    click.echo(f"imported workshop {r.workshop_id}: {r.attendees} attendee row(s), {r.challenges} challenge(s), "
               f"{r.decisions} decision(s), {len(r.new_change_ids)} new change(s), {r.codesign} co-design record(s)")
    for what, n in r.skipped.items():
        click.echo(f"skipped: {what}: {n}")

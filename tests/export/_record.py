"""A workshop record written through the store functions: a workshop with attendees, decisions
on the first changes (endorsed with votes, merged, rejected, amended), a responsible party on one
requirement, one KPI filled in and monthly returns for it. Shared by the export tests."""

from __future__ import annotations


def record_workshop(project) -> dict:
    from elc.insights.changes import changes
    from elc.store import kpis, requirements, workshop

    ids = [int(i) for i in changes(project).id]
    w = workshop.add_workshop(project, "Challenge workshop", held_on="2019-10-02", venue="Town hall", by="lead")
    workshop.add_attendee(project, w, "commissioner", organisation="ICB", n=3)
    workshop.add_attendee(project, w, "person who uses the service", community=project.communities().key[0], n=4)
    workshop.add_decision(project, ids[0], "endorsed", workshop_id=w, votes=12, priority=1, owner="Contract manager",
                          next_steps="draft wording", by="lead")
    workshop.add_decision(project, ids[1], "merged", workshop_id=w, merged_into=ids[0], by="lead")
    if len(ids) > 2:
        workshop.add_decision(project, ids[2], "rejected", workshop_id=w, votes=1, note="out of scope", by="lead")
    if len(ids) > 3:
        workshop.add_decision(project, ids[3], "amended", workshop_id=w, votes=7, note="narrowed", by="lead")
    workshop.add_codesign(project, ids[0], who="three carers and the provider's planners", what="the reminder call",
                          held_on="2019-11-05", by="lead")
    reqs = requirements.requirements_by_change(project).get(ids[0], [])
    if reqs:
        requirements.set_responsible(project, reqs[0].id, "trust", "hospital estates", by="lead")
    first = kpis.kpis_by_change(project).get(ids[0], [])
    if first:
        k = first[0].id
    else:
        k = kpis.add_kpi(project, "Share of people told in advance", change_id=ids[0], by="lead")
    kpis.update_kpi(project, k, baseline=40.0, baseline_source="provider audit", baseline_date="2019-04",
                    threshold=80.0, better="higher", unit="%", by="lead")
    kpis.put_returns(project, [(k, "2020-01", 45.0), (k, "2020-02", 58.0), (k, "2020-03", 71.5),
                               (k, "2020-04", 83.0)], source="returns.csv", by="lead")
    return {"changes": ids, "workshop": w, "kpi": k}

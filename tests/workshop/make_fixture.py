"""Make the FILLED capture sheet shipped for the transport sample (run once; the .xlsx is committed):

    PYTHONPATH=. python -m tests.workshop.make_fixture [DEMO-PROJECT]

With DEMO-PROJECT (built by ``elc demo``) the sheet's evidence columns carry the sample's counts;
without it they come from an empty project of the same programme (imports are the same either way).

The room, in the case study's spirit (a challenge workshop of commissioners, contract managers,
the provider and people from every community): seven of the ten changes endorsed, "Focus on
improving the journey home" amended, "Reduce time frame for pick up slots" merged into "Avoid
early morning pick-ups for passengers", the taxi-drivers change rejected (the contract already
covers it), and one new change raised in the room; challenges on a few matrix cells.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.workshop.conftest import FIXTURE, build_sample

ATTENDEES = [
    ("commissioner", "", "LLR ICB", 3),
    ("contract manager", "", "LLR ICB", 2),
    ("provider", "", "Transport provider", 3),
    ("trust", "", "University Hospitals of Leicester", 2),
    ("partner", "", "Healthwatch", 1),
    ("person who uses the service", "People who use non-emergency transport", "", 4),
    ("carer", "Family carers and escorts", "", 2),
    ("driver", "Drivers", "Transport provider", 2),
    ("staff", "NHS staff", "University Hospitals of Leicester", 2),
    ("provider", "Current provider staff", "Transport provider", 1),
]

# (finding key in column A, response, notes, raised by)
CHALLENGES = {
    "change:1": ("agree", "Everyone in the room had a story about not knowing when the car would come.", "carer"),
    "change:2": ("agree", "Renal unit confirmed patients arrive exhausted.", "trust"),
    "change:8": ("challenge", "The contract already sets standards for subcontracted taxis; enforcement is the "
                              "gap, not the standard.", "commissioner"),
    "cell:Journey home|patients": ("new evidence", "Discharge lounge audit: median wait 2h40 after being ready.",
                                   "trust"),
    "cell:Journey home|carers": ("challenge", "Worse at weekends than the interviews suggest.", "carer"),
    "cell:Delays in pick ups|drivers": ("agree", "", "driver"),
    "cell:Supporting special needs|drivers": ("challenge", "Training covers it; the booking sheet does not.",
                                              "provider"),
}
EXTRA_FINDING = ("Parking charges for escorts were not in the interviews", "new evidence",
                 "Three carers in the room raised hospital parking costs.", "carer")

# change id -> (decision, merged into, amended title, amended rationale, amended requirements, votes, priority,
#               owner, next steps, notes)
DECISIONS = {
    1: ("endorsed", "", "", "", "", 14, 1, "Provider control room", "Draft the day-before call standard", ""),
    2: ("endorsed", "", "", "", "", 12, 2, "Provider planning", "Re-plan renal rounds by appointment time", ""),
    3: ("merged", "2", "", "", "", 3, "", "", "", "Same root cause as early pick-ups: how rounds are built"),
    4: ("amended", "", "Make the journey home as reliable as the journey in",
        "The journey home is where the longest waits happen; the contract measures arrival for appointments "
        "far more closely than collection afterwards.",
        "The Provider shall collect passengers within 60 minutes of their being ready to go home.\n"
        "The Trust shall tell the Provider when a passenger is ready, through one agreed route.",
        11, 3, "Provider and trust discharge team", "Agree the ready-to-go signal with discharge lounges", ""),
    5: ("endorsed", "", "", "", "", 6, 7, "Trust estates", "Walk the entrances with wheelchair users", ""),
    6: ("endorsed", "", "", "", "", 9, 4, "Trust discharge team", "Pilot on two wards", ""),
    7: ("endorsed", "", "", "", "", 8, 5, "Provider planning", "Review the planning tool", ""),
    8: ("rejected", "", "", "", "", 1, "", "", "", "The contract already sets standards; pursue enforcement"),
    9: ("endorsed", "", "", "", "", 5, 8, "Provider", "Keep regular crews for renal passengers", ""),
    10: ("endorsed", "", "", "", "", 10, 6, "ICB contract manager", "Rewrite the KPI schedule", ""),
}

NEW_CHANGE = ("Refund hospital parking for escorts who cannot travel with the passenger",
              "Carers who are refused a seat follow in their own car and pay to park.",
              "The Trust shall refund parking for an escort refused travel on the vehicle.", 7, 9,
              "Trust estates", "Cost it for the next committee", "Raised in the room by carers")
CODESIGN = [
    ("1", "people who use the service, carers, control room staff", "The day-before call and text script",
     "2026-04-20"),
    ("Make the journey home as reliable as the journey in", "discharge lounge staff, provider planners, carers",
     "The ready-to-go signal", "2026-04-27"),
]


def fill(path: Path) -> None:
    from openpyxl import load_workbook

    wb = load_workbook(path)
    cover = wb["Cover"]
    for r in range(1, cover.max_row + 1):
        label = cover.cell(row=r, column=1).value
        value = {"Workshop title": "Challenge workshop: non-emergency patient transport",
                 "Date (YYYY-MM-DD)": "2026-03-14", "Venue": "Leicester City Football Club conference suite",
                 "Notes": "Dream and design: the evidence challenged, ten candidate changes decided."}.get(label)
        if value:
            cover.cell(row=r, column=2, value=value)
    ws = wb["Attendees"]
    for i, row in enumerate(ATTENDEES, 2):
        for j, v in enumerate(row, 1):
            ws.cell(row=i, column=j, value=v)
    ws = wb["Findings"]
    last = 1
    for r in range(2, ws.max_row + 1):
        key = ws.cell(row=r, column=1).value
        if key:
            last = r
        if key in CHALLENGES:
            resp, notes, who = CHALLENGES[key]
            ws.cell(row=r, column=4, value=resp)
            ws.cell(row=r, column=5, value=notes or None)
            ws.cell(row=r, column=6, value=who)
    finding, resp, notes, who = EXTRA_FINDING
    for j, v in ((2, finding), (4, resp), (5, notes), (6, who)):
        ws.cell(row=last + 1, column=j, value=v)
    ws = wb["Decisions"]
    for r in range(2, ws.max_row + 1):
        cid = ws.cell(row=r, column=1).value
        if cid in DECISIONS:
            for j, v in enumerate(DECISIONS[cid], 4):
                ws.cell(row=r, column=j, value=v if v != "" else None)
    ws = wb["New changes"]
    for j, v in enumerate(NEW_CHANGE, 1):
        ws.cell(row=2, column=j, value=v)
    ws = wb["Co-design"]
    for i, row in enumerate(CODESIGN, 2):
        for j, v in enumerate(row, 1):
            ws.cell(row=i, column=j, value=v)
    wb.save(path)


def main(argv: list[str]) -> Path:
    import elc
    from elc.exchange.capture_sheet import write_sheet

    if argv:
        project = elc.open_project(argv[0])
    else:
        project = elc.open_project(build_sample(Path(tempfile.mkdtemp()) / "sample.elc"))
    try:
        write_sheet(project, FIXTURE)
    finally:
        project.close()
    fill(FIXTURE)
    return FIXTURE


if __name__ == "__main__":
    print(main(sys.argv[1:]))

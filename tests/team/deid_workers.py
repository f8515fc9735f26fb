"""Processes for the de-identification concurrency tests (importers and a reviewer)."""

from __future__ import annotations

import sys
from pathlib import Path


def blank_nlp():
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def interview(pid: str, surname: str, extra: str = "") -> str:
    return (f"Interviewer: Who helped you get to the clinic?\n"
            f"{pid}: My neighbour Mrs {surname} drove me when the transport did not come. {extra}\n"
            f"Interviewer: And on the way home?\n"
            f"{pid}: Mrs {surname} waited with me in the lounge for two hours.\n")


def import_files(path: str, files: list[str], community: str = "patients") -> None:
    from elc import open_project
    from elc.ingest import ImportOptions, import_files as run

    with open_project(path) as project:
        report = run(project, [Path(f) for f in files], ImportOptions(community=community), nlp=blank_nlp())
    if report.failed:
        raise SystemExit(f"import failed: {report.failed}")


def add_name(path: str, name: str) -> None:
    from elc import open_project
    from elc.deid import review

    with open_project(path) as project:
        review.add_name(project, "rev", name)


if __name__ == "__main__":  # python -m tests.team.deid_workers add_name PROJECT NAME
    if sys.argv[1] == "add_name":
        add_name(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == "import":
        import_files(sys.argv[2], sys.argv[3:])

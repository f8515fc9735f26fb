"""A process recording workshop decisions, votes and challenges for the concurrency test.

    python -m tests.workshop.decider PROJECT NAME N LOG

Each acknowledged write appends one line (``decision CHANGE STATE`` or ``challenge CHANGE``) to
LOG with one ``os.write`` on an ``O_APPEND`` descriptor, after the write committed.
"""

from __future__ import annotations

import os
import sys


def main(path: str, name: str, n: int, log: str) -> None:
    import elc
    from elc.insights import workshop as w

    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    project = elc.open_project(path)
    try:
        cycle = ("endorsed", "rejected")
        for i in range(n):
            cid = 1 + (i % 10)
            state = cycle[(i + len(name)) % 2]
            w.decide(project, cid, state, name, votes=i)
            os.write(fd, f"decision {cid} {state} {name} {i}\n".encode())
            w.challenge(project, f"change:{cid}", "agree", f"{name} {i}", "", None, name)
            os.write(fd, f"challenge {cid} {name} {i}\n".encode())
    finally:
        project.close()
        os.close(fd)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4])

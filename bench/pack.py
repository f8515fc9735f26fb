"""How many pages the workshop pack prints to, now and with a baseline checkout.

    .venv/bin/python bench/pack.py --project /tmp/pack/llr.elc [--baseline-src /work/main]

Writes the HTML pack and the workbook with this checkout (and, with --baseline-src, with the
code of that other checkout, in a subprocess), prints the HTML through headless Chromium and the
workbook through LibreOffice, and prints page counts side by side. The workbook is counted
whole and as its pack sheets only (the appendix sheets hold the full quote bank for filtering on
screen). Build the sample first with ``elc demo --no-ui --project /tmp/pack/llr.elc``.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from elc.export.printing import chromium, html_to_pdf, office_to_pdf, pdf_pages, soffice  # noqa: E402

BUDGET = 30

WRITE = """
import sys, elc
from elc.export.html import write_html
from elc.export.workbook import write_workbook
p = elc.open_project(sys.argv[1])
write_html(p, sys.argv[2] + "/html")
write_workbook(p, sys.argv[2] + "/pack.xlsx")
p.close()
"""


def _write(src: Path, project: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PYTHONPATH=str(src))
    subprocess.run([sys.executable, "-c", WRITE, str(project), str(out)], check=True, env=env, cwd=str(src))


def _pack_sheets_only(xlsx: Path, out: Path) -> Path | None:
    """A copy of the workbook without its appendix sheets (None when it has none)."""
    import openpyxl

    try:
        from elc.export.workbook import APPENDIX_SHEETS
    except ImportError:
        return None
    book = openpyxl.load_workbook(xlsx)
    for name in APPENDIX_SHEETS:
        if name in book.sheetnames:
            del book[name]
    target = out / "pack-sheets.xlsx"
    book.save(target)
    return target


def measure(out: Path, pack_only: bool) -> dict:
    res = {}
    if chromium():
        res["html"] = pdf_pages(html_to_pdf(out / "html" / "index.html", out / "html.pdf"))
        if (out / "html" / "appendix.html").exists():
            res["html appendix"] = pdf_pages(html_to_pdf(out / "html" / "appendix.html", out / "appendix.pdf"))
    if soffice():
        res["workbook (all sheets)"] = pdf_pages(office_to_pdf(out / "pack.xlsx", out))
        if pack_only:
            sheets = _pack_sheets_only(out / "pack.xlsx", out)
            if sheets is not None:
                res["workbook (pack sheets)"] = pdf_pages(office_to_pdf(sheets, out))
    return res


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--project", required=True, type=Path)
    ap.add_argument("--baseline-src", type=Path, help="another checkout of elc to compare against (e.g. main)")
    args = ap.parse_args(argv)
    if not chromium() and not soffice():
        print("neither chromium nor LibreOffice is installed: nothing to measure")
        return 0
    with tempfile.TemporaryDirectory(prefix="elc-bench-pack-") as tmp:
        rows = {}
        if args.baseline_src:
            _write(args.baseline_src.resolve(), args.project, Path(tmp) / "before")
            rows["before"] = measure(Path(tmp) / "before", pack_only=False)
        _write(REPO, args.project, Path(tmp) / "after")
        rows["after"] = measure(Path(tmp) / "after", pack_only=True)
    keys = list(dict.fromkeys(k for r in rows.values() for k in r))
    print(f"{'printed pages (A4)':<26}" + "".join(f"{w:>10}" for w in rows))
    for k in keys:
        print(f"{k:<26}" + "".join(f"{rows[w].get(k, '-'):>10}" for w in rows))
    after = rows["after"]
    ok = after.get("html", 0) < BUDGET and after.get("workbook (pack sheets)", 0) < BUDGET
    print(f"pack under {BUDGET} pages (HTML pack, workbook pack sheets): {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

"""How many pages a pack prints to: HTML through headless Chromium, xlsx/docx through LibreOffice.

Used by the tests and bench/pack.py to hold the printed pack under its page budget. Both tools
are optional: :func:`chromium` and :func:`soffice` return None when they are not installed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")


def chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def pdf_pages(pdf: str | Path) -> int:
    """Page objects in a PDF (pypdf when installed, else counting ``/Type /Page`` objects)."""
    try:
        from pypdf import PdfReader  # type: ignore[import-not-found]
    except ImportError:
        return len(_PAGE.findall(Path(pdf).read_bytes()))
    return len(PdfReader(str(pdf)).pages)


def html_to_pdf(html: str | Path, pdf: str | Path, timeout: int = 240) -> Path:
    """Print an HTML file to PDF with headless Chromium (A4 comes from the page's @page rule)."""
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed")
    pdf = Path(pdf)
    with tempfile.TemporaryDirectory(prefix="elc-chromium-") as profile:
        subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
                        f"--user-data-dir={profile}", "--virtual-time-budget=20000",
                        f"--print-to-pdf={pdf}", Path(html).resolve().as_uri()],
                       check=True, capture_output=True, timeout=timeout)
    return pdf


def office_to_pdf(path: str | Path, outdir: str | Path, timeout: int = 300) -> Path:
    """Convert an .xlsx or .docx to PDF with LibreOffice (each sheet's page setup applies)."""
    exe = soffice()
    if exe is None:
        raise RuntimeError("LibreOffice is not installed")
    with tempfile.TemporaryDirectory(prefix="elc-soffice-") as profile:
        subprocess.run([exe, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--convert-to", "pdf",
                        "--outdir", str(outdir), str(path)], check=True, capture_output=True, timeout=timeout)
    return Path(outdir) / (Path(path).stem + ".pdf")


__all__ = ["chromium", "soffice", "pdf_pages", "html_to_pdf", "office_to_pdf"]

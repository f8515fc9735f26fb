"""REFI-QDA (QDA-XML 1.0): ``.qdpx`` projects and ``.qdc`` codebooks, both ways.

Split by concern, as QualCoder's importer is split by element:

- :mod:`~elc.exchange.refi.mapping`: how elc's concepts map onto REFI-QDA elements;
- :mod:`~elc.exchange.refi.write`: elc project -> XML and archive, one function per element;
- :mod:`~elc.exchange.refi.read`: untrusted XML/archive -> plain dataclass records, one function per element;
- :mod:`~elc.exchange.refi.load`: records -> a new (or open) elc project, segmented like an ingest;
- :mod:`~elc.exchange.refi.xmlutil` and :mod:`~elc.exchange.refi.archive`: lexical forms and safe I/O.
"""

from elc.exchange.refi.load import QdcImport, QdpxImport, import_qdc, import_qdpx
from elc.exchange.refi.read import QdpxData, read_qdc, read_qdpx
from elc.exchange.refi.write import build_qdpx, codebook_xml, export_qdc, export_qdpx

__all__ = ["QdcImport", "QdpxData", "QdpxImport", "build_qdpx", "codebook_xml", "export_qdc", "export_qdpx",
           "import_qdc", "import_qdpx", "read_qdc", "read_qdpx"]

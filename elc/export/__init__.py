"""Exports: the workshop workbook, the HTML pack, the specification draft, REFI-QDA and CSV.

Every spreadsheet cell goes through :func:`elc.export.safety.safe_cell`; exports carry only the
stored (de-identified) text.
"""

"""Report writers: the workshop workbook, the HTML pack, the specification draft and CSV.

Every spreadsheet cell goes through :func:`elc.export.safety.safe_cell`; exports carry only the
stored (de-identified) text. REFI-QDA exchange lives in :mod:`elc.exchange.refi`.
"""

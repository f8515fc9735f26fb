"""Per-feature controllers behind :class:`elc.tui.controller.Workbench`: sources and navigation,
the code tree, codebook edits, coding actions, analysis reads, de-identification review and the
team watch. They share one :class:`~elc.tui.controllers.state.WorkbenchState`."""

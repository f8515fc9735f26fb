"""Themes running through the interviews, and how they differ between communities.

::

    from elc.themes import ThemeModel, apply_decisions, themes_table, write_html_report

    model = ThemeModel().fit(segments)          # segment_id, text, lemmas, community, participant_id, ...
    model.method_                               # "bertopic-kmeans" (small corpus) or "bertopic-hdbscan"
    model.themes_                               # one row per theme: label, keywords, size, quotes, ...
    model.per_community_                        # one row per theme x community: share, participants, ...
    result = apply_decisions(model, decisions)  # researcher renames / merges / splits / discards / promotes
    themes_table(result).to_csv("themes.csv", index=False)
    write_html_report(result, "themes.html")    # self-contained, opens offline

Importing this package is light: BERTopic, UMAP and HDBSCAN are imported when a model is
fitted, and torch / sentence-transformers never, unless a local sentence-transformers model
is asked for (``ThemeModel(embedder="/path/to/model")``, extra ``elc[transformers]``).
"""

from elc.themes._errors import ThemesError
from elc.themes.decisions import (
    apply_decisions,
    discard_theme,
    merge_themes,
    promote_theme,
    promote_to_code,
    rename_theme,
    split_theme,
    validate_decision,
)
from elc.themes.embedding import DEFAULT_EMBEDDER, make_embedder
from elc.themes.model import METHODS, SMALL_CORPUS_THRESHOLD, ThemeModel, prepare_segments
from elc.themes.report import heatmap_figure, themes_table, write_html_report

__all__ = [
    "DEFAULT_EMBEDDER",
    "METHODS",
    "SMALL_CORPUS_THRESHOLD",
    "ThemeModel",
    "ThemesError",
    "apply_decisions",
    "discard_theme",
    "heatmap_figure",
    "make_embedder",
    "merge_themes",
    "prepare_segments",
    "promote_theme",
    "promote_to_code",
    "rename_theme",
    "split_theme",
    "themes_table",
    "validate_decision",
    "write_html_report",
]

"""The originals sidecar, as the de-identification layer sees it.

The sidecar's lifecycle (staged writes on commit, reads, purge, move) is store work and lives in
:mod:`elc.store.originals`; this module re-exports its public names so review, import and
export code keeps one import path.
"""

from __future__ import annotations

from elc.store.originals import (META_KEEP, META_PURGED, SUFFIX, OriginalsError, can_keep, delete_sidecar,
                                 in_schema, keeps_originals, kept_names, move_sidecar, originals_for,
                                 remove_sidecar, sidecar_path, stage, stage_name, status, store_detections,
                                 where, why_missing)

__all__ = [
    "META_KEEP", "META_PURGED", "OriginalsError", "SUFFIX", "can_keep", "delete_sidecar", "in_schema",
    "keeps_originals", "kept_names", "move_sidecar", "originals_for", "remove_sidecar", "sidecar_path", "stage",
    "stage_name", "status", "store_detections", "where", "why_missing",
]

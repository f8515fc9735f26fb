"""The project database schema (SQLAlchemy Core), one table per concern.

Every layer writes its own tables and only reads earlier layers' tables:
programme/guides -> sources/segments (immutable) -> codings + coding_actions (log)
-> suggestions -> deid review -> themes -> changes.
"""

from __future__ import annotations

from sqlalchemy import (
    Column, Float, ForeignKey, Index, Integer, MetaData, String, Table, Text, UniqueConstraint,
)

SCHEMA_VERSION = 3

metadata = MetaData()

meta = Table(
    "meta", metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

communities = Table(
    "communities", metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("name", Text, nullable=False),
    Column("family", String(16), nullable=False),
    Column("target_n", Integer),
    Column("description", Text, nullable=False, default=""),
    Column("position", Integer, nullable=False),
)

questions = Table(
    "questions", metadata,
    Column("id", Integer, primary_key=True),
    Column("family", String(16), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
)

codes = Table(
    "codes", metadata,
    Column("id", Integer, primary_key=True),
    Column("name", Text, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("family", String(16)),
    Column("parent_id", Integer, ForeignKey("codes.id")),
    Column("position", Integer, nullable=False),
    Column("colour", String(16), nullable=False),
    Column("definition", Text, nullable=False, default=""),
    Column("keywords", Text, nullable=False, default="[]"),
    Column("created_at", String(32), nullable=False),
    Column("merged_into", Integer, ForeignKey("codes.id")),
    Column("archived", Integer, nullable=False, default=0),
)

codebook_log = Table(
    "codebook_log", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", String(32), nullable=False),
    Column("coder", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("code_id", Integer),
    Column("payload", Text, nullable=False, default="{}"),
)

participants = Table(
    "participants", metadata,
    Column("id", String(64), primary_key=True),
    Column("community_id", Integer, ForeignKey("communities.id")),
    Column("attributes", Text, nullable=False, default="{}"),
    Column("created_at", String(32), nullable=False),
)

imports = Table(
    "imports", metadata,
    Column("id", Integer, primary_key=True),
    Column("file_name", Text, nullable=False),
    Column("file_hash", String(64), nullable=False, unique=True),
    Column("format", String(16), nullable=False),
    Column("imported_at", String(32), nullable=False),
    Column("n_sources", Integer, nullable=False),
)

sources = Table(
    "sources", metadata,
    Column("id", Integer, primary_key=True),
    Column("import_id", Integer, ForeignKey("imports.id")),
    Column("name", Text, nullable=False),
    Column("participant_id", String(64), ForeignKey("participants.id")),
    Column("content_hash", String(64), nullable=False, unique=True),
    Column("text", Text, nullable=False),
    Column("format", String(16), nullable=False),
    Column("interview_date", String(32)),
    Column("method", Text),
    Column("interviewer", Text),
    Column("imported_at", String(32), nullable=False),
    Column("metadata", Text, nullable=False, default="{}"),
    Column("deidentified", Integer, nullable=False, default=0),
)

segments = Table(
    "segments", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # turn | sentence
    Column("parent_id", Integer, ForeignKey("segments.id")),
    Column("position", Integer, nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("speaker", Text),
    Column("role", String(16), nullable=False),
    Column("ts_start", Float),
    Column("ts_end", Float),
    Column("question", Text, nullable=False, default=""),
    Column("lemmas", Text, nullable=False, default=""),
)
Index("ix_segments_source", segments.c.source_id, segments.c.kind, segments.c.start)

codings = Table(
    "codings", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("valence", String(16), nullable=False, default="neutral"),
    Column("coder", Text, nullable=False),
    Column("memo", Text, nullable=False, default=""),
    Column("origin", String(16), nullable=False, default="manual"),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    Column("active", Integer, nullable=False, default=1),
)
Index("ix_codings_source", codings.c.source_id, codings.c.start)
Index("ix_codings_code", codings.c.code_id)

coding_actions = Table(
    "coding_actions", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", String(32), nullable=False),
    Column("coder", Text, nullable=False),
    Column("action", String(16), nullable=False),  # apply remove valence memo undo redo
    Column("coding_id", Integer, ForeignKey("codings.id")),
    Column("before", Text, nullable=False, default="{}"),
    Column("after", Text, nullable=False, default="{}"),
    Column("target_action", Integer),  # for undo/redo: the action undone or redone
)
Index("ix_actions_coder", coding_actions.c.coder, coding_actions.c.id)

suggestions = Table(
    "suggestions", metadata,
    Column("id", Integer, primary_key=True),
    Column("segment_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("probability", Float, nullable=False),
    Column("valence", String(16)),
    Column("valence_probability", Float),
    Column("model_version", Text, nullable=False),
    Column("created_at", String(32), nullable=False),
    UniqueConstraint("segment_id", "code_id"),
)

suggestion_decisions = Table(
    "suggestion_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("segment_id", Integer, ForeignKey("segments.id"), nullable=False),
    Column("code_id", Integer, ForeignKey("codes.id"), nullable=False),
    Column("coder", Text, nullable=False),
    Column("decision", String(16), nullable=False),  # accepted | rejected
    Column("probability", Float),
    Column("coding_id", Integer, ForeignKey("codings.id")),
    Column("ts", String(32), nullable=False),
)

deid_detections = Table(
    "deid_detections", metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("start", Integer, nullable=False),  # span of the replacement in the stored text
    Column("end", Integer, nullable=False),
    Column("label", String(16), nullable=False),
    Column("replacement", Text, nullable=False),
    Column("entity_key", Text, nullable=False, default=""),
    Column("detector", String(16), nullable=False, default="rule"),
    Column("status", String(16), nullable=False, default="auto"),  # auto accepted rejected added
    Column("reviewer", Text),
    Column("reviewed_at", String(32)),
)

deid_audit = Table(
    "deid_audit", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", String(32), nullable=False),
    Column("reviewer", Text, nullable=False),
    Column("action", String(16), nullable=False),
    Column("detection_id", Integer),
    Column("payload", Text, nullable=False, default="{}"),
)

deid_terms = Table(
    "deid_terms", metadata,
    Column("id", Integer, primary_key=True),
    Column("term", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # name | allow
    Column("added_by", Text, nullable=False),
    Column("ts", String(32), nullable=False),
    UniqueConstraint("term", "kind"),
)

theme_runs = Table(
    "theme_runs", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", String(32), nullable=False),
    Column("method", Text, nullable=False),
    Column("params", Text, nullable=False, default="{}"),
    Column("themes", Text, nullable=False, default="[]"),  # JSON records
    Column("assignments", Text, nullable=False, default="{}"),  # JSON segment_id -> theme
)

theme_decisions = Table(
    "theme_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("ts", String(32), nullable=False),
    Column("coder", Text, nullable=False),
    Column("decision", Text, nullable=False),  # JSON
)

changes = Table(
    "changes", metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False),
    Column("title", Text, nullable=False),
    Column("rationale", Text, nullable=False, default=""),
    Column("owner", Text, nullable=False, default=""),
    Column("measures", Text, nullable=False, default="[]"),
    Column("created_at", String(32), nullable=False),
)

change_links = Table(
    "change_links", metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("kind", String(16), nullable=False),  # code | theme
    Column("ref", Text, nullable=False),  # code id (as text) or theme label
    UniqueConstraint("change_id", "kind", "ref"),
)

# Memos on the project, an interview (source), a participant or a code; coding memos live on the
# coding itself (codings.memo). One row per (kind, target, author): a researcher's memo on a thing.
# Added in schema 2 (database.MIGRATIONS[2]).
memos = Table(
    "memos", metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),  # project | source | participant | code
    Column("target", Text, nullable=False),  # "" for the project, else the source/participant/code id as text
    Column("author", Text, nullable=False),
    Column("text", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
    Column("updated_at", String(32), nullable=False),
    UniqueConstraint("kind", "target", "author"),
)


# ---------------------------------------------------------------- schema 3 (database.MIGRATIONS[3])
# The challenge workshop and what follows it: who came, what they challenged, what they decided
# about each candidate change, the specification's requirements and KPIs, and the provider's
# monthly returns against them.

workshops = Table(
    "workshops", metadata,
    Column("id", Integer, primary_key=True),
    Column("title", Text, nullable=False),
    Column("held_on", String(10), nullable=False, default=""),  # ISO date
    Column("venue", Text, nullable=False, default=""),
    Column("notes", Text, nullable=False, default=""),
    Column("created_by", Text, nullable=False, default=""),
    Column("created_at", String(32), nullable=False),
)

# Attendees are counted by role and community, never named: the record is shared with the committee.
workshop_attendees = Table(
    "workshop_attendees", metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("role", Text, nullable=False),  # commissioner | provider | trust | partner | person with lived experience ...
    Column("community", String(64), nullable=False, default=""),  # a community key, "" when none applies
    Column("organisation", Text, nullable=False, default=""),
    Column("n", Integer, nullable=False, default=1),
)

# A finding challenged (or agreed) in the room. ``finding`` names what was discussed:
# "change:<id>", "cell:<touchpoint>|<community key>", "theme:<label>" or "note:<free text>".
workshop_challenges = Table(
    "workshop_challenges", metadata,
    Column("id", Integer, primary_key=True),
    Column("workshop_id", Integer, ForeignKey("workshops.id"), nullable=False),
    Column("finding", Text, nullable=False),
    Column("response", String(16), nullable=False),  # agree | challenge | new-evidence
    Column("raised_by", Text, nullable=False, default=""),  # role and/or community, never a name
    Column("text", Text, nullable=False, default=""),
    Column("recorded_by", Text, nullable=False),
    Column("ts", String(32), nullable=False),
)

# Append-only: the latest row per change is that change's state; earlier rows are its audit trail.
change_decisions = Table(
    "change_decisions", metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("workshop_id", Integer, ForeignKey("workshops.id")),
    Column("decision", String(16), nullable=False),  # endorsed | amended | merged | rejected | new
    Column("merged_into", Integer, ForeignKey("changes.id")),
    Column("note", Text, nullable=False, default=""),
    Column("votes", Integer),  # priority votes in the room
    Column("priority", Integer),  # 1 = highest, as agreed
    Column("owner", Text, nullable=False, default=""),  # who takes it forward
    Column("next_steps", Text, nullable=False, default=""),
    Column("recorded_by", Text, nullable=False),
    Column("ts", String(32), nullable=False),
)

# Requirements (shall-statements) of a change, each with the party responsible for meeting it.
requirements = Table(
    "requirements", metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("responsible", String(16), nullable=False, default=""),  # provider | trust | commissioner | partner | ""
    Column("responsible_detail", Text, nullable=False, default=""),  # e.g. "hospital estates"
    Column("updated_by", Text, nullable=False, default=""),
    Column("updated_at", String(32), nullable=False),
)

# Who co-designed what after the workshop (roles/communities/organisations, never names).
codesign = Table(
    "codesign", metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id"), nullable=False),
    Column("who", Text, nullable=False),
    Column("what", Text, nullable=False),
    Column("held_on", String(10), nullable=False, default=""),
    Column("recorded_by", Text, nullable=False),
    Column("ts", String(32), nullable=False),
)

# KPIs as editable records. Empty strings / NULLs are *missing* fields the specification flags.
kpis = Table(
    "kpis", metadata,
    Column("id", Integer, primary_key=True),
    Column("change_id", Integer, ForeignKey("changes.id")),
    Column("position", Integer, nullable=False),
    Column("measure", Text, nullable=False),
    Column("unit", Text, nullable=False, default=""),  # "%", "minutes", "per 1,000 journeys" ...
    Column("better", String(8), nullable=False, default=""),  # higher | lower | "" (unknown)
    Column("baseline", Float),
    Column("baseline_source", Text, nullable=False, default=""),
    Column("baseline_date", String(10), nullable=False, default=""),
    Column("threshold", Float),
    Column("data_source", Text, nullable=False, default=""),
    Column("frequency", String(16), nullable=False, default=""),  # monthly | quarterly | annually ...
    Column("owner", Text, nullable=False, default=""),
    Column("updated_by", Text, nullable=False, default=""),
    Column("updated_at", String(32), nullable=False),
)

# The provider's returns: one value per KPI per month.
kpi_returns = Table(
    "kpi_returns", metadata,
    Column("id", Integer, primary_key=True),
    Column("kpi_id", Integer, ForeignKey("kpis.id"), nullable=False),
    Column("period", String(7), nullable=False),  # YYYY-MM
    Column("value", Float, nullable=False),
    Column("source", Text, nullable=False, default=""),  # the file it came from (base name)
    Column("imported_by", Text, nullable=False, default=""),
    Column("imported_at", String(32), nullable=False),
    UniqueConstraint("kpi_id", "period"),
)

SCHEMA_3_TABLES = (workshops, workshop_attendees, workshop_challenges, change_decisions, requirements,
                   codesign, kpis, kpi_returns)

"""Coding: actions on the log (apply, remove, valence, memo, undo, redo), codebook edits, agreement."""

from elc.coding.actions import CodingSession
from elc.coding.codebook import Codebook

__all__ = ["CodingSession", "Codebook"]

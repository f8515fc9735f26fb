"""Interview guides and codebooks as YAML files, validated with file:line errors."""

from elc.guides.loader import load_codebook, load_guide

__all__ = ["load_guide", "load_codebook"]

"""Load and validate interview-guide and codebook YAML.

Errors name the file and line, and say what is wrong, e.g.
``guide.yaml:14: community 'carers' has target_n 'eleven' (expected a whole number)``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from elc.domain import FAMILIES, CODE_KINDS, CodeSpec, Community, OpenQuestion, Programme, Touchpoint
from elc.errors import GuideError


class _Mapping(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line each mapping starts on."""


def _construct_mapping(loader, node):
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


def _read_yaml(path: Path):
    if not path.exists():
        raise GuideError(path, "no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GuideError(path, "is not UTF-8 text") from None
    except IsADirectoryError:
        raise GuideError(path, "is a folder, not a YAML file") from None
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GuideError(path, f"YAML syntax error: {problem}", mark.line + 1 if mark else None) from None
    if not isinstance(data, dict):
        raise GuideError(path, "expected a mapping at the top level", 1)
    return data


class _Checker:
    def __init__(self, path: Path):
        self.path = path

    def fail(self, where, message):
        raise GuideError(self.path, message, getattr(where, "line", None) or None)

    def text(self, mapping, key, what, required=True, default=""):
        value = mapping.get(key, None)
        if value is None:
            if required:
                self.fail(mapping, f"{what} is missing '{key}'")
            return default
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.fail(mapping, f"{what}: '{key}' should be text")
        return str(value).strip()

    def items(self, mapping, key, what, required=True):
        value = mapping.get(key)
        if value is None:
            if required:
                self.fail(mapping, f"{what} is missing '{key}' (a list)")
            return []
        if not isinstance(value, list):
            self.fail(mapping, f"{what}: '{key}' should be a list")
        return value

    def keywords(self, mapping, what):
        kws = mapping.get("keywords", []) or []
        if not isinstance(kws, list) or not all(isinstance(k, str) for k in kws):
            self.fail(mapping, f"{what}: 'keywords' should be a list of words (quote yes/no/on/off)")
        return tuple(k.strip() for k in kws)

    def known_keys(self, mapping, allowed, what):
        for key in mapping:
            if key not in allowed:
                self.fail(mapping, f"{what}: unknown field '{key}' (expected one of: {', '.join(sorted(allowed))})")


def load_guide(path: str | Path) -> Programme:
    """Read a programme file: focus question, communities, per-family touchpoints and questions."""
    path = Path(path)
    data = _read_yaml(path)
    chk = _Checker(path)
    chk.known_keys(data, {"programme", "focus_question", "phases", "communities", "guides", "notes"}, "programme")
    name = chk.text(data, "programme", "the programme")
    focus = chk.text(data, "focus_question", "the programme")
    phases = chk.items(data, "phases", "the programme", required=False)
    communities: list[Community] = []
    seen: set[str] = set()
    for item in chk.items(data, "communities", "the programme"):
        if not isinstance(item, dict):
            chk.fail(data, "each community should be a mapping with key, name, family")
        chk.known_keys(item, {"key", "name", "family", "target_n", "description"}, "community")
        key = chk.text(item, "key", "a community")
        if key in seen:
            chk.fail(item, f"community '{key}' is listed twice")
        seen.add(key)
        family = chk.text(item, "family", f"community '{key}'")
        if family not in FAMILIES:
            chk.fail(item, f"community '{key}' has family '{family}' (expected one of: {', '.join(FAMILIES)})")
        target = item.get("target_n")
        if target is not None and (not isinstance(target, int) or isinstance(target, bool) or target < 0):
            chk.fail(item, f"community '{key}' has target_n '{target}' (expected a whole number)")
        communities.append(Community(key, chk.text(item, "name", f"community '{key}'"), family, target,
                                     chk.text(item, "description", "", required=False)))
    if not communities:
        chk.fail(data, "the programme lists no communities of interest")
    guides = data.get("guides")
    if not isinstance(guides, dict) or not guides:
        chk.fail(data, "the programme is missing 'guides' (one per family: people, staff)")
    touchpoints: list[Touchpoint] = []
    questions: list[OpenQuestion] = []
    names: set[str] = set()
    for family, guide in guides.items():
        if family not in FAMILIES:
            chk.fail(guides, f"guide for unknown family '{family}' (expected one of: {', '.join(FAMILIES)})")
        if not isinstance(guide, dict):
            chk.fail(guides, f"guide '{family}' should be a mapping with touchpoints and open_questions")
        chk.known_keys(guide, {"touchpoints", "open_questions", "introduction"}, f"guide '{family}'")
        tps = chk.items(guide, "touchpoints", f"guide '{family}'")
        if not tps:
            chk.fail(guide, f"guide '{family}' has no touchpoints")
        for tp in tps:
            if isinstance(tp, str):
                tp = _Mapping(name=tp)
                tp.line = guide.line
            chk.known_keys(tp, {"name", "description", "keywords", "prompts"}, "touchpoint")
            tname = chk.text(tp, "name", "a touchpoint")
            if tname.lower() in names:
                chk.fail(tp, f"touchpoint '{tname}' appears twice (touchpoint names must be unique)")
            names.add(tname.lower())
            touchpoints.append(Touchpoint(tname, family, chk.text(tp, "description", "", required=False),
                                          chk.keywords(tp, f"touchpoint '{tname}'")))
        for q in chk.items(guide, "open_questions", f"guide '{family}'", required=False):
            if not isinstance(q, str):
                chk.fail(guide, f"guide '{family}': open questions should be text")
            questions.append(OpenQuestion(q.strip(), family))
    return Programme(name=name, focus_question=focus, communities=communities, touchpoints=touchpoints,
                     questions=questions, phases=list(phases), source_path=str(path))


def load_codebook(path: str | Path) -> list[CodeSpec]:
    """Read a codebook: nested codes with kind, definition, colour and keywords."""
    path = Path(path)
    data = _read_yaml(path)
    chk = _Checker(path)
    chk.known_keys(data, {"codebook", "description", "codes"}, "codebook")
    out: list[CodeSpec] = []
    names: set[str] = set()

    def walk(items, parent):
        for item in items:
            if isinstance(item, str):
                item = _Mapping(name=item)
            if not isinstance(item, dict):
                chk.fail(data, "each code should be a mapping with at least a name")
            chk.known_keys(item, {"name", "kind", "definition", "colour", "keywords", "children", "family"}, "code")
            name = chk.text(item, "name", "a code")
            if name.lower() in names:
                chk.fail(item, f"code '{name}' appears twice (code names must be unique)")
            names.add(name.lower())
            kind = chk.text(item, "kind", f"code '{name}'", required=False, default="theme")
            if kind not in CODE_KINDS:
                chk.fail(item, f"code '{name}' has kind '{kind}' (expected one of: {', '.join(CODE_KINDS)})")
            colour = chk.text(item, "colour", f"code '{name}'", required=False, default="") or None
            if colour and not (colour.startswith("#") and len(colour) in (4, 7)
                               and all(ch in "0123456789abcdefABCDEF" for ch in colour[1:])):
                chk.fail(item, f"code '{name}' has colour '{colour}' (expected #RRGGBB)")
            family = chk.text(item, "family", f"code '{name}'", required=False, default="") or None
            out.append(CodeSpec(name, kind, chk.text(item, "definition", "", required=False), colour, parent,
                                family, chk.keywords(item, f"code '{name}'")))
            children = item.get("children") or []
            if not isinstance(children, list):
                chk.fail(item, f"code '{name}': 'children' should be a list")
            walk(children, name)

    walk(chk.items(data, "codes", "codebook"), None)
    return out

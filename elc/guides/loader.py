"""Load and validate interview-guide and codebook YAML.

Errors name the file and line, and say what is wrong, e.g.
``guide.yaml:14: community 'carers' has target_n 'eleven' (expected a whole number)``.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from elc.domain import FAMILIES, CODE_KINDS, CodeSpec, Community, OpenQuestion, Programme, Touchpoint
from elc.errors import GuideError

# Every programme sorts its communities into the two families elc knows: "people" (who use the
# service, and their families and carers) and "staff" (who deliver, refer to, supply or commission
# it). Each family has its own guide (touchpoints, open questions); the outputs rely on the split
# (e.g. the specification's beneficiaries are the people communities), so other family names are refused.
FAMILY_RULE = ("people: who use the service and their families; staff: everyone who delivers, refers to, "
               "supplies or commissions it")


class _Mapping(dict):
    line: int = 0


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that remembers the line each mapping starts on."""


def _construct_mapping(loader, node):
    mapping = _Mapping(loader.construct_mapping(node, deep=True))
    mapping.line = node.start_mark.line + 1
    return mapping


class _Sequence(list):
    line: int = 0
    item_lines: list[int] = []


def _construct_sequence(loader, node):
    seq = _Sequence(loader.construct_sequence(node, deep=True))
    seq.line = node.start_mark.line + 1
    seq.item_lines = [n.start_mark.line + 1 for n in node.value]
    return seq


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)

# A guide is a few hundred lines; these bounds are far above any real one and far below harm.
MAX_YAML_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 40  # nested mappings/lists (a codebook three levels deep uses about 8)
MAX_NODES = 200_000  # values once aliases are expanded (an anchor bomb expands to billions)
MAX_TARGET_N = 1_000_000


def _check_shape(path: Path, text: str) -> None:
    """Walk the YAML events (no recursion, nothing built) and refuse deep nesting or alias
    expansion beyond the bounds, naming the line, before anything is constructed."""
    stack: list[list] = []  # [anchor, expanded nodes so far]
    sizes: dict[str, int] = {}
    total = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        line = event.start_mark.line + 1 if event.start_mark else None
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            stack.append([event.anchor, 1])
            if len(stack) > MAX_DEPTH:
                raise GuideError(path, f"nests more than {MAX_DEPTH} levels deep; refusing it", line)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
            if anchor:
                sizes[anchor] = size
            if stack:
                stack[-1][1] += size
            total = max(total, size)
        elif isinstance(event, (yaml.ScalarEvent, yaml.AliasEvent)):
            size = 1 if isinstance(event, yaml.ScalarEvent) else sizes.get(event.anchor, 1)
            if isinstance(event, yaml.ScalarEvent) and event.anchor:
                sizes[event.anchor] = 1
            if stack:
                stack[-1][1] += size
            total = max(total, size)
        if (stack and stack[-1][1] > MAX_NODES) or total > MAX_NODES:
            raise GuideError(path, f"expands to more than {MAX_NODES:,} values (YAML aliases?); refusing it", line)


def _read_yaml(path: Path):
    if not path.exists():
        raise GuideError(path, "no such file")
    try:
        if path.stat().st_size > MAX_YAML_BYTES:
            raise GuideError(path, f"is {path.stat().st_size / 2**20:.1f} MB; a guide or codebook is at most "
                                   f"{MAX_YAML_BYTES // 2**20} MB")
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise GuideError(path, "is not UTF-8 text") from None
    except IsADirectoryError:
        raise GuideError(path, "is a folder, not a YAML file") from None
    except OSError as exc:
        raise GuideError(path, f"cannot be read ({exc.strerror or exc.__class__.__name__})") from None
    if "\x00" in text:
        raise GuideError(path, "holds NUL characters; is it a YAML file?")
    try:
        _check_shape(path, text)
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise GuideError(path, f"YAML syntax error: {problem}", mark.line + 1 if mark else None) from None
    except ValueError as exc:  # e.g. an integer past Python's 4,300-digit conversion limit
        raise GuideError(path, f"holds a value that cannot be read ({str(exc).splitlines()[0][:60]})") from None
    except RecursionError:  # unreachable after _check_shape; kept so no input ever shows a traceback
        raise GuideError(path, "nests too deeply; refusing it") from None
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


def _phases(chk: "_Checker", items: list) -> list[dict]:
    """Each phase a mapping with text 'phase' and 'method' (or a bare phase name)."""
    out = []
    lines = getattr(items, "item_lines", [])
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else getattr(items, "line", None)
        if isinstance(item, str):
            item = {"phase": item}
        if not isinstance(item, dict):
            raise GuideError(chk.path, f"phase {i + 1} should be a mapping with 'phase' and 'method' "
                                       f"(got {type(item).__name__} {str(item)[:20]!r})", line)
        chk.known_keys(item, {"phase", "method", "description"}, f"phase {i + 1}")
        out.append({"phase": chk.text(item, "phase", f"phase {i + 1}"),
                    **{k: chk.text(item, k, f"phase {i + 1}") for k in ("method", "description") if k in item}})
    return out


def load_guide(path: str | Path) -> Programme:
    """Read a programme file: focus question, communities, per-family touchpoints and questions."""
    path = Path(path)
    data = _read_yaml(path)
    chk = _Checker(path)
    chk.known_keys(data, {"programme", "focus_question", "phases", "communities", "guides", "notes"}, "programme")
    name = chk.text(data, "programme", "the programme")
    focus = chk.text(data, "focus_question", "the programme")
    phases = _phases(chk, chk.items(data, "phases", "the programme", required=False))
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
            chk.fail(item, f"community '{key}' has family '{family}' (expected one of: {', '.join(FAMILIES)}; "
                           f"{FAMILY_RULE})")
        target = item.get("target_n")
        if target is not None and (not isinstance(target, int) or isinstance(target, bool) or target < 0):
            chk.fail(item, f"community '{key}' has target_n '{str(target)[:20]}' (expected a whole number)")
        if target is not None and target > MAX_TARGET_N:
            chk.fail(item, f"community '{key}' has target_n {str(target)[:12]}... (expected at most {MAX_TARGET_N:,})")
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
            chk.fail(guides, f"guide for unknown family '{family}' (expected one of: {', '.join(FAMILIES)}; "
                             f"{FAMILY_RULE})")
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

"""Reading lexicon and profile YAML as a node tree, so every error names its file and line.

PyYAML's composed nodes keep their position (`start_mark`); values are read from them by
their resolved tag, the way `yaml.safe_load` would type them.
"""

from __future__ import annotations

import yaml

from darkroom.errors import TriageConfigError

_NUMBER_TAGS = frozenset({"tag:yaml.org,2002:int", "tag:yaml.org,2002:float"})
_BOOL_TAG = "tag:yaml.org,2002:bool"
_STR_TAG = "tag:yaml.org,2002:str"


class Where:
    """A file name for error messages; `at(node)` adds the node's line."""

    def __init__(self, source: str) -> None:
        self.source = source

    def at(self, node: yaml.Node) -> str:
        return f"{self.source}:{node.start_mark.line + 1}"

    def fail(self, node: yaml.Node, problem: str) -> TriageConfigError:
        return TriageConfigError(f"{self.at(node)}: {problem}")


def compose_document(text: str, where: Where) -> yaml.MappingNode:
    """The document's top-level mapping node; a syntax error becomes a TriageConfigError."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(err, "problem", None) or str(err)
        raise TriageConfigError(f"{where.source}{line}: not valid YAML ({problem})") from err
    if not isinstance(node, yaml.MappingNode):
        raise TriageConfigError(f"{where.source}: the file must hold a mapping (key: value lines)")
    return node


def mapping(node: yaml.Node, where: Where, allowed: frozenset[str] | None, what: str) -> dict[str, yaml.Node]:
    """A mapping node's entries by key; an unknown (when `allowed` is given) or repeated key is an error."""
    if not isinstance(node, yaml.MappingNode):
        raise where.fail(node, f"{what} must be a mapping")
    entries: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = str(key_node.value)
        if allowed is not None and key not in allowed:
            known = ", ".join(sorted(allowed))
            raise where.fail(key_node, f"unknown key {key!r} in {what} (known: {known})")
        if key in entries:
            raise where.fail(key_node, f"{key!r} appears twice in {what}")
        entries[key] = value_node
    return entries


def text_value(node: yaml.Node, where: Where, what: str) -> str:
    """A non-empty string scalar."""
    if not isinstance(node, yaml.ScalarNode) or not str(node.value).strip():
        raise where.fail(node, f"{what} must be non-empty text")
    return str(node.value).strip()


def number_value(node: yaml.Node, where: Where, what: str, low: float, high: float) -> float:
    """A number within [low, high]."""
    if not isinstance(node, yaml.ScalarNode) or node.tag not in _NUMBER_TAGS:
        raise where.fail(node, f"{what} must be a number")
    value = float(str(node.value).replace("_", ""))
    if not low <= value <= high:
        raise where.fail(node, f"{what} must lie between {low:g} and {high:g}, not {value:g}")
    return value


def bool_value(node: yaml.Node, where: Where, what: str) -> bool:
    """true or false."""
    if not isinstance(node, yaml.ScalarNode) or node.tag != _BOOL_TAG:
        raise where.fail(node, f"{what} must be true or false")
    return str(node.value).lower() in {"true", "yes", "on", "y"}


def text_list(node: yaml.Node, where: Where, what: str) -> list[tuple[str, yaml.Node]]:
    """A list of non-empty strings, each with its node (for its line)."""
    if not isinstance(node, yaml.SequenceNode):
        raise where.fail(node, f"{what} must be a list")
    return [(text_value(item, where, f"an entry of {what}"), item) for item in node.value]


def is_plain_text(node: yaml.Node) -> bool:
    """A scalar YAML typed as a string (not a number or boolean)."""
    return isinstance(node, yaml.ScalarNode) and node.tag == _STR_TAG

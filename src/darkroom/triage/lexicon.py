"""Indicator lexicons: YAML files of categories and terms an agency configures.

A lexicon file:

    lexicon: my-unit-en          # name, shown with every hit
    language: en                 # default language of its terms
    negation_window: 3           # words before a term searched for a negation
    negations: [not, never, dont]
    categories:
      access:                    # category id (see CATEGORIES for the built-in ones)
        weight: 1.0              # default weight of its terms
        terms:
          - looking after her    # whole words; a trailing * matches any ending (babysit*)
          - term: alone with her
            weight: 2
            negatable: true      # a negation just before it cancels the hit (default true)
            requires: [weekend]  # hit counts only if one of these is in the same message
            excludes: [football] # ... and none of these
            language: nb         # overrides the file's language

Loading validates everything and names the file, line and term of any problem. Terms and
message bodies are folded by `normalize` the same way, so a lexicon holds each word once.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import yaml

from darkroom.errors import TriageConfigError
from darkroom.triage.normalize import normalize, term_variants
from darkroom.triage.yamlnodes import (
    Where,
    bool_value,
    compose_document,
    is_plain_text,
    mapping,
    number_value,
    text_list,
    text_value,
)

CATEGORIES: dict[str, str] = {
    "access": "access to a child (looking after one, being alone with one, a pregnancy or birth)",
    "planning": "planning a meeting, a visit or travel",
    "production": "production or recording (cameras, filming, pictures)",
    "contact_claims": "claims of earlier contact offending",
    "secrecy": "secrecy and counter-forensics (deleting chats, hiding)",
    "payment": "trading and payment",
    "age": "references to a child's age",
    "grooming": "building trust with a child or the family",
}
SHIPPED = ("en", "nb")
SHIPPED_PREFIX = "shipped:"
_CATEGORY_ID = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_LANGUAGE = re.compile(r"^[a-z]{2,3}$")
_TOP_KEYS = frozenset({"lexicon", "language", "description", "negation_window", "negations", "categories"})
_CATEGORY_KEYS = frozenset({"description", "weight", "terms"})
_TERM_KEYS = frozenset({"term", "weight", "negatable", "requires", "excludes", "language"})


@dataclass(frozen=True, slots=True)
class Term:
    """One lexicon term: what it is written as, where it came from, and how it is matched."""

    text: str
    category: str
    language: str
    weight: float
    lexicon: str
    line: int
    prefix: bool  # written with a trailing `*`: any word ending matches
    negatable: bool
    requires: tuple[str, ...]  # normalized; at least one must be in the message
    excludes: tuple[str, ...]  # normalized; none may be in the message
    patterns: tuple[str, ...]  # normalized, space-bounded forms the matcher looks for


@dataclass(frozen=True, slots=True)
class Lexicon:
    """One loaded lexicon file."""

    name: str
    source: str
    sha256_hex: str
    language: str
    negation_window: int
    negations: tuple[str, ...]  # normalized words
    terms: tuple[Term, ...]


@dataclass(frozen=True, slots=True)
class LexiconSet:
    """The lexicons one triage run uses together."""

    lexicons: tuple[Lexicon, ...]

    @property
    def terms(self) -> list[Term]:
        return [term for lexicon in self.lexicons for term in lexicon.terms]

    @property
    def sha256_hex(self) -> str:
        """One digest over every lexicon's digest, recorded with the hits and in the audit log."""
        combined = "\n".join(f"{lex.name}:{lex.sha256_hex}" for lex in self.lexicons)
        return hashlib.sha256(combined.encode()).hexdigest()

    @property
    def sources(self) -> list[str]:
        return [lexicon.source for lexicon in self.lexicons]

    def negations_for(self, lexicon_name: str) -> tuple[tuple[str, ...], int]:
        """The negation words and window of the lexicon a term came from."""
        for lexicon in self.lexicons:
            if lexicon.name == lexicon_name:
                return lexicon.negations, lexicon.negation_window
        return (), 0


def parse_lexicon(text: str, source: str) -> Lexicon:
    """A lexicon from YAML text; `source` names it in error messages."""
    where = Where(source)
    top = mapping(compose_document(text, where), where, _TOP_KEYS, "the lexicon")
    for required in ("lexicon", "language", "categories"):
        if required not in top:
            raise TriageConfigError(f"{source}: the lexicon needs a {required!r} key")
    name = text_value(top["lexicon"], where, "lexicon (its name)")
    language = _language(top["language"], where)
    window = 3
    if "negation_window" in top:
        window = int(number_value(top["negation_window"], where, "negation_window", 0, 10))
    negations = tuple(
        dict.fromkeys(
            normalize(word).strip() for word, _ in text_list(top.get("negations", _EMPTY), where, "negations")
        )
    )
    terms = _categories(top["categories"], where, name, language)
    if not terms:
        raise TriageConfigError(f"{source}: the lexicon {name!r} holds no terms")
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Lexicon(name, source, digest, language, window, negations, tuple(terms))


_EMPTY = yaml.SequenceNode(tag="tag:yaml.org,2002:seq", value=[])


def _language(node: yaml.Node, where: Where) -> str:
    value = text_value(node, where, "language").lower()
    if not _LANGUAGE.match(value):
        raise where.fail(node, f"language {value!r} is not an ISO 639 code such as en or nb")
    return value


def _categories(node: yaml.Node, where: Where, lexicon: str, language: str) -> list[Term]:
    terms: list[Term] = []
    seen: dict[tuple[str, str, str], int] = {}
    key_nodes = {str(key.value): key for key, _ in node.value} if isinstance(node, yaml.MappingNode) else {}
    for category, category_node in mapping(node, where, None, "categories").items():
        if not _CATEGORY_ID.match(category):
            problem = f"category id {category!r} must be lower-case letters, digits, _"
            raise where.fail(key_nodes[category], problem)
        entries = mapping(category_node, where, _CATEGORY_KEYS, f"category {category!r}")
        weight = 1.0
        if "weight" in entries:
            weight = number_value(entries["weight"], where, f"the weight of {category!r}", 0.01, 100)
        if "terms" not in entries or not isinstance(entries["terms"], yaml.SequenceNode):
            raise where.fail(category_node, f"category {category!r} needs a list of terms")
        for term_node in entries["terms"].value:
            term = _term(term_node, where, lexicon, category, language, weight)
            for pattern in term.patterns:
                key = (category, term.language, pattern)
                if key in seen:
                    raise where.fail(
                        term_node, f"term {term.text!r} repeats line {seen[key]} in category {category!r}"
                    )
                seen[key] = term.line
            terms.append(term)
    return terms


def _term(node: yaml.Node, where: Where, lexicon: str, category: str, language: str, weight: float) -> Term:
    if is_plain_text(node):
        entries: dict[str, yaml.Node] = {"term": node}
    elif isinstance(node, yaml.MappingNode):
        entries = mapping(node, where, _TERM_KEYS, f"a term of {category!r}")
    else:
        raise where.fail(node, f"a term of {category!r} must be text or a mapping with 'term'")
    if "term" not in entries:
        raise where.fail(node, f"a term of {category!r} needs 'term'")
    written = text_value(entries["term"], where, "term")
    what = f"term {written!r}"
    prefix = written.endswith("*")
    body = written.rstrip("*").strip()
    if "*" in body:
        raise where.fail(node, f"{what}: '*' is allowed only at the end")
    forms = term_variants(body)
    if not forms or not any(ch.isalnum() for ch in forms[0]):
        raise where.fail(node, f"{what} has no letters or digits to match")
    if prefix and len(forms[0]) < 3:
        raise where.fail(node, f"{what}: a prefix term needs at least 3 letters before '*'")
    patterns = tuple(f" {form}" if prefix else f" {form} " for form in forms)
    return Term(
        text=written,
        category=category,
        language=_language(entries["language"], where) if "language" in entries else language,
        weight=number_value(entries["weight"], where, f"{what} weight", 0.01, 100)
        if "weight" in entries
        else weight,
        lexicon=lexicon,
        line=node.start_mark.line + 1,
        prefix=prefix,
        negatable=bool_value(entries["negatable"], where, f"{what} negatable")
        if "negatable" in entries
        else True,
        requires=_words(entries.get("requires"), where, f"{what} requires"),
        excludes=_words(entries.get("excludes"), where, f"{what} excludes"),
        patterns=patterns,
    )


def _words(node: yaml.Node | None, where: Where, what: str) -> tuple[str, ...]:
    if node is None:
        return ()
    return tuple(normalize(word).strip() for word, _ in text_list(node, where, what))


def load_lexicon(path: Path) -> Lexicon:
    """A lexicon file; unreadable or invalid files raise TriageConfigError naming the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise TriageConfigError(f"cannot read the lexicon {path}: {err}") from err
    return parse_lexicon(text, str(path))


def shipped_lexicon(language: str) -> Lexicon:
    """One of the non-explicit example lexicons darkroom ships (en, nb)."""
    if language not in SHIPPED:
        raise TriageConfigError(f"no shipped lexicon {language!r}; shipped: {', '.join(SHIPPED)}")
    resource = resources.files("darkroom.triage").joinpath("lexicons", f"{language}.yaml")
    return parse_lexicon(resource.read_text(encoding="utf-8"), f"{SHIPPED_PREFIX}{language}")


def load_lexicons(specs: Sequence[str] | None) -> LexiconSet:
    """Lexicons by path, or `shipped:en`/`shipped:nb`; none given means both shipped examples."""
    chosen: Iterable[str] = specs or [f"{SHIPPED_PREFIX}{language}" for language in SHIPPED]
    loaded: list[Lexicon] = []
    for spec in chosen:
        if spec.startswith(SHIPPED_PREFIX):
            lexicon = shipped_lexicon(spec.removeprefix(SHIPPED_PREFIX))
        else:
            lexicon = load_lexicon(Path(spec).expanduser())
        if any(other.name == lexicon.name for other in loaded):
            raise TriageConfigError(f"two lexicons are named {lexicon.name!r}; names must differ")
        loaded.append(lexicon)
    return LexiconSet(tuple(loaded))

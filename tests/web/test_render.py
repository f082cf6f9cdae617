"""The reasons a link was made, as a sentence: every rule and value survives, nesting unfolded."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from darkroom.web.render import why

_LEAF = st.one_of(st.integers(), st.text(alphabet="abc +:0123456789", min_size=1, max_size=12))
_REASONS = st.recursive(
    st.dictionaries(st.sampled_from(["rule", "identifier", "name", "steps"]), _LEAF, max_size=3),
    lambda inner: st.dictionaries(
        st.sampled_from(["rule", "link", "earlier", "cards"]), inner | _LEAF, max_size=3
    ),
    max_leaves=8,
)


def _leaves(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [leaf for item in value.values() for leaf in _leaves(item)]
    return [str(value)]


def test_a_deterministic_link_reads_rule_first() -> None:
    reasons = {"link": {"identifier": "phone:+447700900079", "rule": "same identifier"}, "steps": 3}
    assert why(reasons) == "same identifier; identifier: phone:+447700900079; steps: 3"


@given(_REASONS)
def test_every_value_of_the_reasons_is_said(reasons: dict[str, Any]) -> None:
    sentence = why(reasons)
    assert all(leaf in sentence for leaf in _leaves(reasons))

"""The reasons a link was made, as a sentence: every rule and value survives, nesting unfolded."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from darkroom.web.render import mark_spans, why

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


_BODY = st.text(alphabet="ab <>&\"'é\n", max_size=40)


@given(
    _BODY, st.lists(st.tuples(st.integers(-3, 45), st.integers(-3, 45), st.sampled_from(["meet", "secret"])))
)
def test_marked_spans_keep_the_body_escaped_and_whole(body: str, spans: list[tuple[int, int, str]]) -> None:
    import html  # noqa: PLC0415
    import re  # noqa: PLC0415

    rendered = str(mark_spans(body, spans))
    assert "<" not in re.sub(r'<mark class="hit" title="[^"<>]*">|</mark>', "", rendered)
    assert html.unescape(re.sub(r'<mark class="hit" title="[^"<>]*">|</mark>', "", rendered)) == body
    marked = "".join(html.unescape(m) for m in re.findall(r"<mark [^>]*>(.*?)</mark>", rendered, re.S))
    covered = {i for a, b, _ in spans for i in range(max(0, a), min(len(body), b))}
    assert len(marked) == len(covered)


def test_a_script_in_a_message_stays_text() -> None:
    rendered = str(mark_spans("<script>alert(1)</script> meet", [(26, 30, "meeting")]))
    assert rendered == '&lt;script&gt;alert(1)&lt;/script&gt; <mark class="hit" title="meeting">meet</mark>'

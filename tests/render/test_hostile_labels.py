"""A test per hostile label: each renders as written and never injects DOT, HTML or Mermaid."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest

from journeymap.render import render
from journeymap.render.dot import to_dot
from journeymap.render.text import html_text, journey_text, mermaid_text
from tests.render.support import scene_of
from tests.render.test_graph_view import svg_texts

HOSTILE = {
    "quotes": 'Ad "quoted"',
    "backslash": "back\\slash",
    "angle brackets": "<b>html</b>",
    "ampersand": "& amp",
    "braces": "{x|y}",
    "colon": "social:port",
    "newline": "Line one\nline two",
    "script": '<script>alert("done")</script>',
    "math": "$\\frac{1}{0",
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_html_label_escaping_is_reversible_and_has_no_markup(name: str) -> None:
    import html

    text = HOSTILE[name]
    escaped = html_text(text)
    assert "<" not in escaped.replace("<BR/>", "")
    assert ">" not in escaped.replace("<BR/>", "")
    assert '"' not in escaped
    assert html.unescape(escaped.replace("<BR/>", "\n")) == text


def test_dot_uses_internal_ids_only_and_graphviz_draws_every_label_as_written() -> None:
    s = scene_of("hostile.yaml")
    dot = to_dot(s)
    statements = [x for x in re.findall(r"^\s+(\S+) \[label=", dot, re.M) if x != "graph"]
    assert statements == ["t0", "t1", "t2", "t3"]
    svg = render(s, "graph", "svg")
    root = ET.fromstring(svg)  # well-formed XML: nothing leaked into the SVG structure
    nodes = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
    assert len(nodes) == 4  # no node was injected
    texts = svg_texts(svg)
    joined = "\n".join(texts)
    for expected in [
        'Ad "quoted" \\',
        "back\\slash <b>html</b>",
        "social:port",
        '<script>alert("done")</script>',
        "Line one",
        "line two: {x|y} [z]",
        "journey: title",
        'section: "Stage" <1> & {a}',
        "title <b>",
    ]:
        assert expected in joined, expected
    assert "Title: <script>alert('t')</script> & \"quotes\" {braces} \\ $\\frac{1}{0" in texts


def test_mermaid_journey_lines_keep_to_the_grammar() -> None:
    text = render(scene_of("hostile.yaml"), "mermaid", "mmd").decode()
    lines = text.splitlines()
    assert lines[0] == "journey"
    for line in lines[1:]:
        if line.startswith("  %%"):
            continue
        assert re.fullmatch(
            r"  title [^#;\n]+|  section [^#:;\n]+|    [^#:;\n]+: [1-5](: [^#;\n]+)?", line
        ), line
        body = line.strip()
        assert not re.match(
            r"(journey|title|section|acc)\b",
            body.split(" ", 1)[-1] if body.startswith(("title ", "section ")) else body,
            re.I,
        ), line
    assert "look-alikes" in text


def test_journey_text_cases() -> None:
    assert journey_text("journey planner") == ("\u200bjourney planner", False)
    assert journey_text("Pay: now; #1, %%") == (
        "Pay\ua789 now\uff1b \uff031\u201a \uff05\uff05",
        True,
    )
    assert journey_text("a\nb") == ("a b", False)


def test_mermaid_flowchart_labels_are_quoted_and_escaped() -> None:
    text = render(scene_of("hostile.yaml"), "mermaid-flow", "mmd").decode()
    labels = re.findall(r'^    t\d+\[?\(?\[?"(.*)"\]?\)?\]?$', text, re.M)
    assert len(labels) == 4
    for label in labels:
        body = label.replace("<br/>", "")
        assert '"' not in body and "<" not in body and ">" not in body
    assert (
        mermaid_text('<script>alert("done")</script>')
        == "#60;script#62;alert#40;#34;done#34;#41;#60;/script#62;"
    )
    assert "%% title: Title: #60;script#62;" in text


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_report_escapes_every_user_text_and_links_nowhere() -> None:
    html = render(scene_of("hostile.yaml"), "report", "html").decode()
    p = _Collector()
    p.feed(html)
    tags = [t for t, _ in p.tags]
    # two scripts: the JSON island (data, never run) and the report's own, allowed by its hash
    assert [a.get("type") for t, a in p.tags if t == "script"] == ["application/json", None]
    assert "iframe" not in tags and "object" not in tags and "foreignobject" not in tags
    assert [a.get("href") for t, a in p.tags if t == "a"] == ["#graph", "#canvas", "#emotions"]
    for t, a in p.tags:
        if t == "img":
            assert (a.get("src") or "").startswith("data:image/svg+xml;base64,")
        assert not any(k.startswith("on") for k in a), (t, a)
    text = "".join(p.text)
    assert "Title: <script>alert('t')</script> & \"quotes\" {braces} \\ $\\frac{1}{0" in text


def test_matplotlib_views_draw_math_looking_names_as_text() -> None:
    s = scene_of("hostile.yaml")
    for view in ("canvas", "emotions"):
        svg = render(s, view, "svg")  # with math parsing on, "$\frac{1}{0" would raise
        assert svg.startswith(b"<?xml")

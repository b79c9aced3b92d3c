"""Generated pages hold nothing active: the URL rule for student Markdown, the policy, the page audit."""

import pytest
from latex2mathml.converter import convert
from nbconvert.filters import markdown2html

from class_grader.report import render_report
from classroom.hostile import MARKDOWN_BEACONS, MARKDOWN_MATHS_LINK, MARKDOWN_SCRIPT
from course_grader.feedback import FONT_FILES
from course_grader.maths import markdown2html_mathml
from course_grader.outputs import sanitize_markdown
from course_grader.page_policy import CONTENT_SECURITY_POLICY, POLICY_META, active_content, allowed_url, with_policy

PNG = "data:image/png;base64,iVBORw0KGgo="


def page(body):
    return with_policy(f"<!DOCTYPE html><html><head><meta charset='utf-8'></head><body>{body}</body></html>")


@pytest.mark.parametrize(("tag", "attribute", "value", "allowed"), [
    ("img", "src", PNG, True), ("img", "src", "data:image/jpeg;base64,/9j/", True),
    ("img", "src", "https://example.org/a.png", False), ("img", "src", "a.png", False),
    ("img", "src", "data:image/svg+xml;base64,PHN2Zz4=", False),
    ("a", "href", "https://numpy.org", True), ("a", "href", "mailto:ta@example.org", True), ("a", "href", "#top", True),
    ("a", "href", "javascript:alert(1)", False), ("a", "href", " JavaScript:alert(1)", False),
    ("a", "href", "data:text/html,x", False), ("a", "href", "vbscript:x", False),
])
def test_student_markdown_keeps_only_data_images_and_ordinary_links(tag, attribute, value, allowed):
    assert allowed_url(tag, attribute, value) is allowed
    kept = sanitize_markdown(f"<{tag} {attribute}='{value}'>x</{tag}>" if tag == "a" else f"<img src='{value}'>")
    assert (value.strip() in kept) is allowed, kept


def test_the_hostile_markdown_is_active_before_sanitizing_and_passive_after():
    for text in (MARKDOWN_SCRIPT, MARKDOWN_BEACONS):
        assert active_content(page(markdown2html(text))) != [], text
        assert active_content(page(markdown2html_mathml(sanitize_markdown(text)))) == [], text
    assert "javascript:" in convert(MARKDOWN_MATHS_LINK.split("$")[1])  # the converter alone keeps the link
    assert active_content(page(markdown2html_mathml(sanitize_markdown(MARKDOWN_MATHS_LINK)))) == []
    assert "<math" in markdown2html_mathml(sanitize_markdown(MARKDOWN_MATHS_LINK))


@pytest.mark.parametrize(("markup", "found"), [
    ("<script>x()</script>", "<script> element"), ("<iframe src='data:text/html,x'></iframe>", "<iframe> element"),
    ("<b onclick='x()'>b</b>", "event handler"), ("<img src='https://e.org/b.png'>", "<img src="),
    ("<a href='javascript:x()'>a</a>", "<a href="), ("<a href='data:text/html,x'>a</a>", "<a href="),
    ("<span style='background:url(https://e.org/b.png)'>s</span>", "style=...url("),
    ("<style>p { background: url('https://e.org/b.png') }</style>", "in a style sheet"),
    ("<link rel=stylesheet href='https://e.org/s.css'>", "<link> element"),
    ("<meta http-equiv='refresh' content='0;url=https://e.org'>", "http-equiv=refresh"),
])
def test_the_audit_names_what_is_active(markup, found):
    problems = active_content(page(markup))
    assert any(found in problem for problem in problems), problems


def test_the_audit_passes_passive_pages_and_wants_the_policy_first():
    passive = (f"<img src='{PNG}'><a href='https://numpy.org'>n</a><a href='../feedback/a.html'>f</a>"
               "<style>p { background: url(data:image/png;base64,x) }</style><p>url(https://e.org) as text</p>")
    assert active_content(page(passive)) == []
    without = "<!DOCTYPE html><html><head><meta charset='utf-8'></head><body></body></html>"
    assert active_content(without) == ["<head> does not start with the Content-Security-Policy (starts with <meta>)"]
    assert with_policy(without).index(POLICY_META) < with_policy(without).index("charset")
    assert "default-src 'none'" in CONTENT_SECURITY_POLICY and "script-src" not in CONTENT_SECURITY_POLICY


def test_a_page_without_head_is_refused():
    with pytest.raises(ValueError, match="page: got a document without <head>"):
        with_policy("<p>no document</p>")


def test_the_class_report_is_passive():
    summaries = {"02_softmax": {"totals": {"ada": (20.0, 20.0), "<img src=x onerror=y()>": (3.0, 20.0)},
                                "late": {}, "cells": {"test_softmax_values": (1, 2, 4.0)},
                                "diagnoses": {"softmax": [("softmax: <script>x()</script>", 1, "bo")]}}}
    students = {"ada": {"02_softmax": {"score": 20.0, "max": 20.0, "late_penalty": 0, "extension_hours": 0,
                                       "status": "graded", "feedback": ["feedback/ada/02_softmax/softmax.html"]}}}
    assert active_content(render_report("nn", summaries, [], students)) == []


def test_font_files_of_the_inlined_bootstrap_are_dropped_and_data_fonts_kept():
    css = ("@font-face{font-family:'G';src:url(../fonts/g.eot);src:url(../fonts/g.woff) format('woff')}"
           "p{color:red}@font-face{font-family:'D';src:url(data:font/woff2;base64,AAAA)}")
    assert FONT_FILES.sub("", css) == "p{color:red}@font-face{font-family:'D';src:url(data:font/woff2;base64,AAAA)}"

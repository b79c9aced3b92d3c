"""Feedback and formgrader pages: maths as MathML, long lines wrapped, a configuration the formgrader can show."""

from html.parser import HTMLParser

import nbformat
import pytest
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

from classroom.submissions import REPO
from course_grader.maths import MATHML_ATTRIBUTES, MATHML_ELEMENTS, markdown2html_mathml, tex_to_mathml


def test_inline_and_display_formulas_become_mathml_and_the_rest_is_nbconvert_markdown():
    html = markdown2html_mathml("Shape $(N, K)$, and\n\n$$\nJ = \\frac{1}{N} \\sum_i \\ell_i\n$$\n\n`$x$` stays code")
    assert html.count("<math") == 2 and 'display="inline"' in html and 'display="block"' in html
    assert "<mfrac>" in html and "<code>$x$</code>" in html
    assert "$" not in html.replace("<code>$x$</code>", "")


def test_every_formula_of_every_course_notebook_converts():
    formulas = []

    class Collect(IPythonRenderer):
        def inline_math(self, body):
            formulas.append(body)
            return ""

        block_math = inline_math

    for path in sorted(REPO.glob("source/*/*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "markdown":
                MarkdownWithMath(renderer=Collect(escape=False)).render(cell.source)
    assert len(formulas) > 300
    unreadable = [tex for tex in formulas if not tex_to_mathml(tex).startswith("<math")]
    assert not unreadable


def test_tex_the_converter_rejects_is_shown_as_escaped_text():
    assert tex_to_mathml("\\frac{1}{") == "<code>\\frac{1}{</code>"
    assert tex_to_mathml("<b>\\frac{") == "<code>&lt;b&gt;\\frac{</code>"


def test_a_students_tex_cannot_bring_links_styles_or_markup():
    html = markdown2html_mathml("$\\href{javascript:alert(1)}{x}$ $\\style{position:fixed}{y}$ $\\class{c}{z}$ "
                                "$<script>alert(1)</script>$")
    assert "javascript" not in html and "position" not in html and 'class="c"' not in html
    assert "<script" not in html and "&lt;script" not in html.replace("<mo>&lt;</mo>", "")
    assert html.count("<math") == 4


@pytest.mark.parametrize("tex", ["\\text{<script>alert(1)</script>}", "\\text{a<script>alert(1)</script>b}",
                                 "\\text{<img src=x onerror=alert(1)>}",
                                 "\\mathrm{a}\\text{<svg onload=alert(1)></svg>}",
                                 "\\text{<annotation-xml><a href=javascript:alert(1)>x</a></annotation-xml>}"])
def test_markup_written_inside_text_stays_text(tex):
    html = tex_to_mathml(tex)
    tags, attributes = _markup(html)
    assert tags <= MATHML_ELEMENTS | {"code"}, (tex, html)
    assert attributes <= MATHML_ATTRIBUTES | {"xmlns"}, (tex, html)
    assert "alert(1)" in html or ">x<" in html  # the student's text is still shown, as text


def _markup(html):
    """The element names and attribute names in ``html``."""
    tags, attributes = set(), set()

    class Collect(HTMLParser):
        def handle_starttag(self, tag, attrs):
            tags.add(tag)
            attributes.update(name for name, _ in attrs)

    Collect().feed(html)
    return tags, attributes


def test_the_markup_reader_sees_elements_and_attributes():
    assert _markup('<math><mtext><script>x</script></mtext><img src=x onerror="y"></math>') == (
        {"math", "mtext", "script", "img"}, {"src", "onerror"})
    assert _markup("<code>&lt;img onerror=x&gt;</code>") == ({"code"}, set())


def test_a_second_exporter_renders_the_same_page_from_the_templates_the_first_compiled(monkeypatch):
    from jinja2 import Environment
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

    from course_grader.feedback import FeedbackExporter

    printed = new_output("stream", name="stdout", text="1\n")
    nb = new_notebook(cells=[new_markdown_cell("# Title\n\n$x^2$ and `code`"),
                             new_code_cell("x = 1\nprint(x)", outputs=[printed])])
    first, _ = FeedbackExporter().from_notebook_node(nb)
    compiled, compile_source = [], Environment.compile
    monkeypatch.setattr(Environment, "compile", lambda self, *args, **kw: compiled.append(args[1:2]) or
                        compile_source(self, *args, **kw))
    second, _ = FeedbackExporter().from_notebook_node(nb)
    assert second == first and "<pre>1\n</pre>" in second
    assert compiled == [], f"templates compiled again: {compiled}"

"""Feedback and formgrader pages: maths as MathML, long lines wrapped, a configuration the formgrader can show."""

import json
import re

import nbformat
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath
from traitlets.config.loader import PyFileConfigLoader

from classroom.submissions import REPO
from course_grader.feedback import WRAP_CSS, WrapLongLines
from course_grader.maths import markdown2html_mathml, tex_to_mathml


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


def test_wrap_long_lines_adds_its_css_after_nbconverts():
    _, resources = WrapLongLines().preprocess(nbformat.v4.new_notebook(), {"inlining": {"css": ["/* jupyter */"]}})
    assert resources["inlining"]["css"] == ["/* jupyter */", WRAP_CSS]
    assert re.search(r"white-space:\s*pre-wrap", WRAP_CSS)


def test_the_course_configuration_is_json_as_the_formgrader_shows_it():
    config = PyFileConfigLoader("nbgrader_config.py", path=str(REPO)).load_config()
    shown = json.loads(json.dumps(config))
    assert shown["Autograde"]["autograde_preprocessors"][0] == "course_grader.execute.GradingExecute"
    assert shown["Validator"]["validate_all"] is True

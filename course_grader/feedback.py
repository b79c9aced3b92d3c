"""Feedback that shows each hidden check's verdict, not the hidden test itself.

:class:`HideHiddenTests` runs in ``generate_feedback``: the source of every
hidden check cell is cut down to its leading comment (what the test checks,
in words) and a line naming the check; the cell's output, the verdict that
:class:`~course_grader.judge.JudgeChecks` wrote, stays. :class:`WrapLongLines`
then makes every output wrap at the page's edge, so a long check message can
be read whole, :class:`LatenessNote` says at the top when the notebook was
handed in against the student's own due date, and :class:`FeedbackExporter`
writes a page that can run no script and load nothing.
"""

import re

from jinja2 import BytecodeCache, ChoiceLoader, DictLoader
from nbconvert.exporters import HTMLExporter
from nbformat import NotebookNode
from nbformat.v4 import new_markdown_cell
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import List

from course_grader import source_rules
from course_grader.late_policy import lateness
from course_grader.page_policy import with_policy

#: Outputs and code wrap at the edge of the page instead of running off it.
WRAP_CSS = """
div.output_area pre, div.output_text pre, div.input_area pre {
    white-space: pre-wrap;
    overflow-wrap: anywhere;
}
"""

#: ``@font-face`` rules that name font files (bootstrap's icons), which a page on its own cannot load.
FONT_FILES = re.compile(r"@font-face\s*\{[^}]*url\((?!\s*['\"]?data:)[^}]*\}")

#: nbconvert's ``mathjax`` macro, writing nothing.
NO_MATHJAX = '{%- macro mathjax(url="") -%}{%- endmacro -%}'


class CompiledTemplates(BytecodeCache):
    """The feedback templates compiled once per process, for every exporter's environment.

    nbconvert gives each exporter an environment of its own, which compiles the templates again: a tenth of
    a second for each page that a grading job makes. Jinja loads a template from here only if its source is
    unchanged (it checks a checksum), and a process forked after a page was rendered (a grading job of
    :mod:`class_grader.fork_server`) finds them compiled.
    """

    compiled: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self.compiled:
            bucket.bytecode_from_string(self.compiled[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self.compiled[bucket.key] = bucket.bytecode_to_string()


class FeedbackExporter(HTMLExporter):
    """nbgrader's feedback page without MathJax, under the course's Content-Security-Policy.

    nbgrader's feedback template calls nbconvert's ``mathjax()`` macro, which loads MathJax from a CDN; here
    that macro writes nothing (the formulas are MathML already, :mod:`course_grader.maths`), and the page
    starts with :data:`~course_grader.page_policy.POLICY_META`, so a browser neither runs a script on it nor
    asks any server for anything, whatever got onto the page.
    """

    def _create_environment(self):
        environment = super()._create_environment()
        environment.loader = ChoiceLoader([DictLoader({"mathjax.html.j2": NO_MATHJAX}), environment.loader])
        environment.bytecode_cache = CompiledTemplates()
        return environment

    def from_notebook_node(self, nb: NotebookNode, resources: dict | None = None, **kw) -> tuple[str, dict]:
        output, resources = super().from_notebook_node(nb, resources, **kw)
        # bootstrap's icon fonts are files beside a stylesheet that is inlined here: the page has none to load
        return with_policy(FONT_FILES.sub("", output)), resources


class FeedbackPreprocessor(NbGraderPreprocessor):
    """A preprocessor of ``generate_feedback``.

    ``HTMLExporter`` configures ``display_data_priority`` for every nbconvert
    class; nbgrader's base class declares it without ``config=True``, which
    makes traitlets warn. Declared configurable here, as nbgrader's own
    ``GetGrades`` does.
    """

    display_data_priority = List(NbGraderPreprocessor.display_data_priority.default_value).tag(config=True)


class WrapLongLines(FeedbackPreprocessor):
    """Add :data:`WRAP_CSS` to the page's inlined styles (after ``CSSHTMLHeaderPreprocessor``, which sets them)."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        resources.setdefault("inlining", {}).setdefault("css", []).append(WRAP_CSS)
        return nb, resources


class HideHiddenTests(FeedbackPreprocessor):
    """Replace hidden check cells' sources with their description."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if source_rules.is_hidden_test(cell):
            call = source_rules.check_call(cell.source)
            hidden = "BEGIN HIDDEN TESTS" in cell.source
            if call is not None or hidden:
                comments = [line for line in cell.source.splitlines()
                            if line.startswith("#") and "HIDDEN TESTS" not in line]
                what = f"{call.exercise}, part {call.part!r}" if call else "a hidden test"
                cell.source = "\n".join([*comments[:3], f"# (hidden test: {what}; its result is below)"])
        return cell, resources


class LatenessNote(FeedbackPreprocessor):
    """A first cell that says when the notebook was handed in: on time, or how late and what it cost.

    The due date is the assignment's in the gradebook plus the student's extension
    (:mod:`course_grader.extensions`), the penalty the course's late policy
    (:mod:`course_grader.late_policy`); nothing is added for an assignment without a due date.
    """

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        info = resources.get("nbgrader", {})
        try:
            with Gradebook(info["db_url"]) as gb:
                submission = gb.find_submission(info["assignment"], info["student"])
                late = lateness(self.config, info["assignment"], info["student"], submission.timestamp,
                                submission.assignment.duedate)
                due = submission.assignment.duedate
        except (KeyError, MissingEntry):
            return nb, resources
        if late is not None:
            nb.cells.insert(0, new_markdown_cell(
                f"**Hand-in:** {late.describe()} (due {due:%Y-%m-%d %H:%M} UTC).",
                metadata={"course_grader": {"lateness": True}}))
        return nb, resources

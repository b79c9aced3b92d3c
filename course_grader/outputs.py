"""Cell outputs are the student's: kept as data, never as markup.

:class:`SanitizeOutputs` runs in ``autograde`` after the cells ran: every
output keeps only plain text and raster images (``text/plain``,
``image/png``, ``image/jpeg``). HTML, JavaScript, SVG, Markdown, LaTeX and
widget outputs are dropped, with a plain-text note in their place, so that
nothing a student's code displays can run as script in the feedback or in
the formgrader. Markdown cells, which a student may also fill with raw
HTML, are rendered and passed through an allowlist sanitizer (bleach):
a cell it leaves as it is keeps its Markdown, any other is replaced by
the sanitized HTML (nbgrader's feedback template renders Markdown without
``HTMLExporter.sanitize_html``, so the cell itself must be clean). Images
stay only as ``data:`` images, links only to the web, mail or the page
itself (:func:`course_grader.page_policy.allowed_url`).
"""

import bleach
from bleach.css_sanitizer import CSSSanitizer
from nbconvert.filters import markdown2html
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course_grader.page_policy import allowed_url

#: The output types that are shown; anything else is removed.
SAFE_MIME_TYPES = ("text/plain", "image/png", "image/jpeg")
#: What rendered Markdown may contain: text formatting, lists, tables, links and images; no script, no events.
MARKDOWN_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "em", "strong", "b", "i", "u", "s", "del",
                 "code", "pre", "blockquote", "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "a",
                 "img", "span", "div", "sup", "sub", "details", "summary", "dl", "dt", "dd", "kbd"}
MARKDOWN_ATTRIBUTES = {"a": ["href", "title"], "img": ["src", "alt", "title", "width", "height"],
                       "*": ["style", "align", "id", "class"]}


def _keep_attribute(tag, name, value):
    """bleach's attribute filter: :data:`MARKDOWN_ATTRIBUTES`, and only the URLs :func:`allowed_url` allows."""
    if name not in MARKDOWN_ATTRIBUTES.get(tag, ()) and name not in MARKDOWN_ATTRIBUTES["*"]:
        return False
    return allowed_url(tag, name, value)


def sanitize_markdown(source: str) -> str:
    """A Markdown cell's source, or its sanitized HTML if rendering it gives anything the allowlist removes."""
    html = markdown2html(source)
    clean = bleach.clean(html, tags=MARKDOWN_TAGS, attributes=_keep_attribute,
                         protocols=["http", "https", "mailto", "data"], strip=True, css_sanitizer=CSSSanitizer())
    return source if clean == html else clean


def sanitize_output(output: NotebookNode) -> NotebookNode | None:
    """``output`` with only plain text and raster images left (a new node; streams and errors as text)."""
    kind = output.get("output_type")
    if kind == "stream":
        return NotebookNode(output_type="stream", name=output.get("name") if output.get("name") in
                            ("stdout", "stderr") else "stdout", text=str(output.get("text", "")))
    if kind == "error":
        return NotebookNode(output_type="error", ename=str(output.get("ename", "")),
                            evalue=str(output.get("evalue", "")),
                            traceback=[str(line) for line in output.get("traceback", [])][:200])
    data = dict(output.get("data", {}))
    kept = {k: v for k, v in data.items() if k in SAFE_MIME_TYPES and isinstance(v, str)}
    removed = sorted(set(data) - set(kept))
    if removed and "text/plain" not in kept:
        kept["text/plain"] = f"[{', '.join(removed)} output removed by the grader]"
    clean = NotebookNode(output_type=kind if kind in ("display_data", "execute_result") else "display_data",
                         data=kept, metadata={})
    if clean.output_type == "execute_result":
        clean.execution_count = output.get("execution_count")
    return clean


class SanitizeOutputs(NbGraderPreprocessor):
    """Keep only plain text and raster images in every cell output, and only safe markup in Markdown cells."""

    def preprocess_cell(self, cell: NotebookNode, resources: dict, index: int) -> tuple[NotebookNode, dict]:
        if cell.cell_type == "code":
            cell.outputs = [sanitize_output(o) for o in cell.get("outputs", [])]
        elif cell.cell_type == "markdown":
            cell.source = sanitize_markdown(cell.source)
        return cell, resources

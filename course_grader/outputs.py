"""Cell outputs are the student's: kept as data, never as markup.

:class:`SanitizeOutputs` runs in ``autograde`` after the cells ran: every
output keeps only plain text and raster images (``text/plain``,
``image/png``, ``image/jpeg``). HTML, JavaScript, SVG, Markdown, LaTeX and
widget outputs are dropped, with a plain-text note in their place, so that
nothing a student's code displays can run as script in the feedback or in
the formgrader. Markdown cells, which a student may also fill with raw
HTML, are cleaned when rendered (``HTMLExporter.sanitize_html`` in
``nbgrader_config.py``).
"""

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

#: The output types that are shown; anything else is removed.
SAFE_MIME_TYPES = ("text/plain", "image/png", "image/jpeg")


def sanitize_output(output):
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
    """Keep only plain text and raster images in every cell output."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code":
            cell.outputs = [sanitize_output(o) for o in cell.get("outputs", [])]
        return cell, resources

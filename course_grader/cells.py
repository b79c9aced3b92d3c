"""Restoring test cells from the gradebook, whatever the submission did to them.

nbgrader's ``OverwriteCells`` (with ``add_missing_cells``) puts a deleted grade
cell back after the source cell just before it, and fails on the whole
notebook (``KeyError``) when that cell is a read-only cell, as our visible
tests are. It also fails (``KeyError``) on a cell that a student added and
marked as an nbgrader cell of their own. :class:`RestoreCells` first makes
every cell whose nbgrader id the gradebook does not know an ordinary student
cell, then anchors a missing grade cell after the nearest earlier source cell
that the submission still has (any cell with an nbgrader id), or at the top.
"""

from nbformat import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import OverwriteCells


class RestoreCells(OverwriteCells):
    """``OverwriteCells`` whose missing grade cells find their place next to any surviving source cell."""

    def preprocess(self, nb: NotebookNode, resources: dict) -> tuple[NotebookNode, dict]:
        with Gradebook(resources["nbgrader"]["db_url"]) as gb:
            source_nb = gb.find_notebook(resources["nbgrader"]["notebook"], resources["nbgrader"]["assignment"])
            known = {cell.name for cell in source_nb.source_cells}
        for cell in nb.cells:
            meta = cell.get("metadata", {}).get("nbgrader")
            if meta is not None and meta.get("grade_id") not in known:
                self.log.warning("Cell %r is not one of the assignment's; graded as an ordinary cell",
                                 meta.get("grade_id"))
                del cell.metadata["nbgrader"]
        return super().preprocess(nb, resources)

    def add_missing_grade_cells(self, nb: NotebookNode, resources: dict) -> NotebookNode:
        source_nb = self.gradebook.find_notebook(self.notebook_id, self.assignment_id)
        source_ids = [cell.name for cell in source_nb.source_cells]
        by_id = {cell.name: cell for cell in source_nb.source_cells}
        solution_ids = {cell.name for cell in source_nb.solution_cells}
        for grade_cell in source_nb.grade_cells:
            ids = [cell["metadata"].get("nbgrader", {}).get("grade_id") for cell in nb.cells]
            present = {gid: i for i, gid in enumerate(ids) if gid}
            if grade_cell.name in present:
                continue
            self.log.warning("Missing grade cell %s encountered, adding to notebook", grade_cell.name)
            earlier = source_ids[:source_ids.index(grade_cell.name)]
            anchor = next((present[name] for name in reversed(earlier) if name in present), -1)
            cell = self.missing_cell_transform(by_id[grade_cell.name], grade_cell.max_score,
                                               is_solution=grade_cell.name in solution_ids)
            cell.setdefault("id", f"restored-{grade_cell.name}"[:64])
            nb.cells.insert(anchor + 1, cell)
        return nb, resources




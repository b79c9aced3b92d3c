"""The words every notebook shares, written into ``source/`` from one place.

``python -m classroom.notebook_text`` puts :data:`course_checks.manifest.HOW_GRADED`
into every source notebook as the cell right after its title (id
:data:`~course_checks.manifest.HOW_GRADED_ID`), replacing the one there. Then
regenerate the release with ``nbgrader generate_assignment``; a test checks
that every source and release notebook carries the text unchanged.
"""

import sys
from pathlib import Path

import nbformat

from classroom.submissions import REPO, notebook_paths
from course_checks import manifest


def with_how_graded(nb: nbformat.NotebookNode) -> bool:
    """Put the shared cell into ``nb`` right after its title; True if ``nb`` changed."""
    cell = nbformat.v4.new_markdown_cell(manifest.HOW_GRADED)
    cell["id"] = manifest.HOW_GRADED_ID
    found = [i for i, c in enumerate(nb.cells) if c.get("id") == manifest.HOW_GRADED_ID]
    if found == [1] and nb.cells[1] == cell:
        return False
    for i in reversed(found):
        del nb.cells[i]
    nb.cells.insert(1, cell)
    return True


def main(argv: list[str] | None = None) -> int:
    """Write the shared cell into every source notebook; print the ones that changed."""
    root = Path(argv[0]) if argv else REPO
    for path in (p for assignment in manifest.COURSE for p in notebook_paths(assignment.name, "source", root)):
        nb = nbformat.read(path, as_version=4)
        if with_how_graded(nb):
            nbformat.write(nb, path)
            print(f"updated {path.relative_to(root)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

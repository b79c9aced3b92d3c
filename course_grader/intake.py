"""Making every submission gradable before nbgrader reads it.

:func:`prepare_submission` is ``autograde``'s pre-convert hook. nbgrader on
its own stops on a notebook that is not valid JSON (the student gets no
scores and no feedback), skips a notebook whose name it does not know, and
gives a missing notebook zeros but no feedback file. Before each submission
is graded, this hook

- refuses links (:mod:`course_grader.handin_files`): a linked assignment or
  student folder is replaced by an empty one, a linked notebook or file is
  removed, and a notebook refused here or at collection is graded as
  missing, its note saying it was a link;
- moves an unreadable notebook aside (``<name>.ipynb.unreadable``, kept for
  the instructor);
- gives a notebook the expected name when exactly one expected notebook is
  missing and exactly one unknown notebook was handed in (a renamed copy);
- puts the blank release notebook, with a note saying why, in place of each
  notebook that is still missing, so that it is graded (zero) and its
  feedback says what happened.

Extra notebooks are left alone; nbgrader skips them with a warning.
"""

import os
import shutil
from pathlib import Path

import nbformat
from traitlets.config import Application

from course_grader.handin_files import link_problem, linked_folder, refusal_of, remove_links


def _log(message, *args):
    app = Application.instance() if Application.initialized() else None
    if app is not None:
        app.log.warning(message, *args)


def _readable(path):
    try:
        nbformat.validate(nbformat.read(path, as_version=4))
    except Exception:  # noqa: BLE001 - any failure to read or validate counts
        return False
    return True


def _with_note(path, note):
    nb = nbformat.read(path, as_version=4)
    nb.cells.insert(0, nbformat.v4.new_markdown_cell(f"**Note from the grader:** {note}"))
    nbformat.write(nb, path)


def prepare_submission(assignment: str, student: str, notebooks: list[str]) -> dict[str, str]:
    """nbgrader pre-convert hook: repair the submitted folder, then update ``notebooks`` in place.

    Parameters
    ----------
    assignment, student : str
        The ids nbgrader is about to grade.
    notebooks : list of str
        Paths of the submitted notebooks (nbgrader's own list; it is updated).
    """
    if not notebooks:
        return
    folder = Path(notebooks[0]).parent
    root = folder.parents[2]
    expected = sorted(p.stem for p in (root / "source" / assignment).glob("*.ipynb"))
    refused = _refuse_links(folder, root, expected, f"{student}/{assignment}")
    unreadable = []
    for path in sorted(folder.glob("*.ipynb")):
        reason = refusal_of(path)
        if reason is not None:
            path.unlink()
            refused[path.stem] = reason
        elif not _readable(path):
            path.rename(path.with_name(path.name + ".unreadable"))
            unreadable.append(path.stem)
            _log("%s/%s: %s is not a readable notebook; moved aside and graded as blank", student, assignment,
                 path.name)
    present = {p.stem: p for p in folder.glob("*.ipynb")}
    missing = [name for name in expected if name not in present]
    unknown = [name for name in present if name not in expected]
    if len(missing) == 1 and len(unknown) == 1 and missing[0] not in unreadable and missing[0] not in refused:
        target = folder / f"{missing[0]}.ipynb"
        present[unknown[0]].rename(target)
        _with_note(target, f"handed in as `{unknown[0]}.ipynb`, graded as `{target.name}`.")
        _log("%s/%s: graded %s.ipynb as %s", student, assignment, unknown[0], target.name)
        missing = []
    for name in missing:
        release = root / "release" / assignment / f"{name}.ipynb"
        if not release.exists():
            continue
        shutil.copy(release, folder / release.name)
        why = ("the notebook handed in could not be read (it is not valid notebook JSON)" if name in unreadable
               else f"`{name}.ipynb` was handed in as {refused[name]}, and grading never follows links (hand in "
                    "the notebook file itself)" if name in refused
               else "this notebook was not handed in")
        _with_note(folder / release.name, f"{why}; this is the blank release notebook, so it scores zero.")
        _log("%s/%s: %s", student, assignment, why)
    notebooks[:] = sorted(str(p) for p in folder.glob("*.ipynb"))


def _refuse_links(folder, root, expected, who):
    """Make ``folder`` a plain folder of plain files.

    A linked assignment or student folder is replaced by an empty folder, and ``{notebook name: reason}`` of
    every expected notebook is returned; otherwise a link, hard link or special file inside is removed (a
    notebook's name then holds a refusal note, read like one left by collection) and ``{}`` is returned.
    """
    link = linked_folder(folder, folder.parents[1])
    if link is not None:
        problem = link_problem(link)
        _log("%s: the hand-in is %s (%s); graded as blank, the link is never followed", who, problem, link.name)
        os.unlink(link)
        folder.mkdir(parents=True)
        return dict.fromkeys(expected, problem)
    remove_links(str(folder), lambda message, *args: _log(f"{who}: {message}", *args))
    return {}

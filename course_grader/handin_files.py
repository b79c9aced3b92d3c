"""Hand-ins are files, never links.

A student controls what lands in the exchange's inbound folder (and what an
archive for ``zip_collect`` holds), and may hand in a symbolic link where a
notebook should be: to the instructor's ``source/`` notebook, to a
classmate's hand-in, to a system file. Whoever then copies or grades the
hand-in follows the link with *their* rights. Here nothing is ever followed:

- :func:`link_problem` says why a path is not a plain file of the hand-in
  (a symbolic link, a hard link, not a regular file);
- :func:`copy_handin` copies a hand-in without following anything, opening
  each file with ``O_NOFOLLOW`` and checking the opened file itself, and puts
  a small *refusal note* (:func:`refusal_note`) in place of each refused
  notebook, so that grading can tell the student what happened;
- :class:`SafeCollect` is nbgrader's ``collect`` copying with
  :func:`copy_handin`; :class:`SafeExtractor` is ``zip_collect``'s extractor
  with the links of the archives (and of the archive folder) refused.

:mod:`course_grader.intake` refuses links found in ``submitted/`` and turns
every refusal note into the blank release notebook with a note saying why,
and the class command hands a job refusal notes in place of links.
"""

import io
import json
import logging
import os
import stat
import tarfile
import tempfile
import zipfile
from collections.abc import Callable
from pathlib import Path

from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.plugins.zipcollect import ExtractorPlugin
from nbgrader.utils import ignore_patterns

#: The key of a refusal note, a small JSON file standing where a refused notebook was handed in.
NOTE_KEY = "course_grader_refused"
#: Largest file read as a possible refusal note.
_NOTE_MAX_BYTES = 4096


def refusal_note(reason: str) -> bytes:
    """The bytes of a refusal note saying ``reason`` (e.g. ``"a symbolic link"``)."""
    return json.dumps({NOTE_KEY: reason}).encode()


def refusal_of(path: os.PathLike | str) -> str | None:
    """The reason of the refusal note at ``path``, or None if it is not one (or cannot be read)."""
    try:
        if os.lstat(path).st_size > _NOTE_MAX_BYTES:
            return None
        with open(path, "rb") as handle:
            note = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    return str(note[NOTE_KEY]) if isinstance(note, dict) and NOTE_KEY in note else None


def _kind_problem(info: os.stat_result) -> str | None:
    if stat.S_ISLNK(info.st_mode):
        return "a symbolic link"
    if stat.S_ISDIR(info.st_mode):
        return None
    if not stat.S_ISREG(info.st_mode):
        return "not a regular file"
    if info.st_nlink > 1:
        return "a hard link (a second name of another file)"
    return None


def link_problem(path: os.PathLike | str) -> str | None:
    """Why ``path`` may not be read as part of a hand-in, or None for a plain file or folder.

    A symbolic link (wherever it points), a hard link (a regular file with
    more than one name) and anything that is neither a regular file nor a
    folder (a FIFO, a device, a socket) are refused; a path that does not
    exist has no problem here.
    """
    try:
        return _kind_problem(os.lstat(path))
    except FileNotFoundError:
        return None


def linked_folder(folder: os.PathLike | str, root: os.PathLike | str) -> Path | None:
    """The link in the path of ``folder`` below ``root`` (``folder`` or a folder above it), or None."""
    folder, root = Path(folder), Path(root)
    for part in [folder, *folder.parents]:
        if part == root or root not in part.parents:
            break
        if link_problem(part):
            return part
    return None


def remove_links(folder: str, log: logging.Logger) -> dict[str, str]:
    """Remove every link, hard link and special file under ``folder``; a notebook's name then holds a refusal note.

    ``log(message, *args)`` is told of each. Returns ``{path: reason}`` of what was removed.
    """
    removed = {}
    for parent, folders, files in os.walk(folder, followlinks=False):
        for name in folders + files:
            path = os.path.join(parent, name)
            problem = link_problem(path)
            if problem is None:
                continue
            log("%s is %s; removed, the link is never followed", path, problem)
            os.unlink(path)
            removed[path] = problem
            if name.endswith(".ipynb"):
                Path(path).write_bytes(refusal_note(problem))
        folders[:] = [name for name in folders if os.path.isdir(os.path.join(parent, name))]
    return removed


def _read_plain(path: str) -> bytes | str:
    """The bytes of the regular file ``path``, opened without following a link; or why it was refused."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as error:
        return "a symbolic link" if error.errno == 40 else f"unreadable ({error.strerror})"  # ELOOP: a link
    with os.fdopen(fd, "rb") as handle:
        problem = _kind_problem(os.fstat(handle.fileno()))
        return problem if problem else handle.read()


def read_handin(folder: str, ignore: Callable | None = None, notebooks: tuple = (),
                within: str | None = None) -> tuple[dict[str, bytes], list[str]]:
    """The files of the hand-in ``folder``, read without following any link.

    Parameters
    ----------
    folder : str
        The hand-in.
    ignore : callable, optional
        ``ignore(folder, names) -> set of names`` to leave out, as for :func:`shutil.copytree`.
    notebooks : tuple of str
        The assignment's notebook names: if ``folder`` itself is refused, each gets a refusal note.
    within : str, optional
        A folder above ``folder`` (``submitted/``): a link anywhere in the path below it refuses the hand-in.

    Returns
    -------
    files : dict
        ``{path relative to folder: bytes}``; a refused ``.ipynb`` file is there as a refusal note of the
        same name, other refused files and folders are left out.
    refused : dict
        ``{relative path: reason}`` of everything refused (``"."`` for the folder itself).
    """
    link = linked_folder(folder, within) if within else Path(folder) if link_problem(folder) else None
    if link is not None:
        problem = link_problem(link)
        where = f" ({link.relative_to(within)})" if within else ""
        return {name: refusal_note(problem) for name in notebooks}, {".": problem + where}
    files, refused = {}, {}
    for parent, folders, names in os.walk(folder, followlinks=False):
        relative = os.path.relpath(parent, folder)
        skip = set(ignore(parent, folders + names)) if ignore else set()
        for name in list(folders):
            problem = link_problem(os.path.join(parent, name))
            if problem:
                refused[os.path.normpath(os.path.join(relative, name))] = problem
            if problem or name in skip:
                folders.remove(name)
        for name in names:
            if name in skip:
                continue
            path = os.path.normpath(os.path.join(relative, name))
            content = _read_plain(os.path.join(parent, name))
            if isinstance(content, str):
                refused[path] = content
                if name.endswith(".ipynb"):
                    files[path] = refusal_note(content)
            else:
                files[path] = content
    return files, refused


def copy_handin(src: str, dest: str, ignore: Callable | None = None, notebooks: tuple = ()) -> dict[str, str]:
    """Copy the hand-in folder ``src`` to ``dest`` (created) as :func:`read_handin` reads it.

    Returns
    -------
    dict
        ``{relative path: reason}`` of everything refused.
    """
    files, refused = read_handin(src, ignore=ignore, notebooks=notebooks)
    os.makedirs(dest, exist_ok=True)
    for relative, content in files.items():
        target = Path(dest, relative)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    return refused


class SafeCollect(ExchangeCollect):
    """nbgrader's ``collect``, copying each hand-in with :func:`copy_handin` (no link followed).

    Configure it with ``c.ExchangeFactory.collect = "course_grader.handin_files.SafeCollect"``.
    """

    def do_copy(self, src: str, dest: str, log: logging.Logger | None = None) -> None:
        if link_problem(src) is None and self.get_size(src) > 1000 * self.coursedir.max_dir_size:
            self.log.error("Directory size is too big")
            raise RuntimeError(f"Directory size is too big: {src}")
        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", self.coursedir.assignment_id))
        refused = copy_handin(src, dest, notebooks=tuple(p.name for p in sorted(release.glob("*.ipynb"))),
                              ignore=ignore_patterns(exclude=self.coursedir.ignore, include=self.coursedir.include,
                                                     max_file_size=self.coursedir.max_file_size, log=self.log))
        for path, reason in sorted(refused.items()):
            self.log.warning("%s: refused %s, which is %s; links are never followed", src, path, reason)


def _plain_archive(path: str) -> dict[str, str]:
    """Rewrite the zip or tar archive ``path`` without its links: ``{member: reason}`` of the members refused.

    Symbolic and hard link members (which the extractor would resolve to another member's content) and
    special files are dropped; a dropped ``.ipynb`` member is replaced by a refusal note of the same name.
    """
    refused = {}
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as source:
            members = [(info, source.read(info)) for info in source.infolist()]
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
            for info, content in members:
                kind = stat.S_IFMT(info.external_attr >> 16)  # 0: no Unix file type recorded
                if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
                    refused[info.filename] = "a symbolic link" if kind == stat.S_IFLNK else "not a regular file"
                    if info.filename.endswith(".ipynb"):
                        target.writestr(info.filename, refusal_note(refused[info.filename]))
                else:
                    target.writestr(info, content)
    elif tarfile.is_tarfile(path):
        with tarfile.open(path) as source:
            members = [(m, source.extractfile(m).read() if m.isreg() else None) for m in source.getmembers()]
        with tarfile.open(path, "w:gz") as target:
            for member, content in members:
                if member.isreg() or member.isdir():
                    target.addfile(member, io.BytesIO(content) if content is not None else None)
                    continue
                refused[member.name] = ("a symbolic link" if member.issym() else
                                        "a hard link (a second name of another file)" if member.islnk() else
                                        "not a regular file")
                if member.name.endswith(".ipynb"):
                    note = refusal_note(refused[member.name])
                    info = tarfile.TarInfo(member.name)
                    info.size, info.mtime = len(note), member.mtime
                    target.addfile(info, io.BytesIO(note))
    return refused


class SafeExtractor(ExtractorPlugin):
    """``zip_collect``'s extractor, refusing links in the archive folder and in the archives.

    The archive folder is copied with :func:`copy_handin`, each zip or tar archive in the copy rewritten
    without its link members (:func:`_plain_archive`), and the copy extracted by nbgrader's own extractor;
    anything that is still a link after extraction is removed (a notebook replaced by a refusal note).
    Configure it with ``c.ZipCollectApp.extractor_plugin = "course_grader.handin_files.SafeExtractor"``.
    """

    def extract(self, archive_path: str, extracted_path: str) -> None:
        with tempfile.TemporaryDirectory(prefix="nn-archives-") as copy:
            for path, reason in sorted(copy_handin(archive_path, copy).items()):
                self.log.warning("%s: refused %s, which is %s", archive_path, path, reason)
            for parent, _, names in os.walk(copy):
                for name in names:
                    if os.path.splitext(name)[1] in self.zip_ext:
                        for member, reason in sorted(_plain_archive(os.path.join(parent, name)).items()):
                            self.log.warning("%s: refused %s, which is %s", name, member, reason)
            super().extract(copy, extracted_path)
        remove_links(extracted_path, self.log.warning)

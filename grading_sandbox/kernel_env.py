"""The grading kernel's Python environment: staged once, on the host, under a neutral name.

The kernel runs in a virtual environment of its own, which it sees at
:data:`ENV` (``/opt/kernel``): ``bin/python`` (a link to this interpreter),
``pyvenv.cfg``, and a ``site-packages`` that holds only the distributions a
student notebook needs (:data:`KERNEL_DISTRIBUTIONS` and their requirements,
read from the installed metadata) and the kernel half of the grading engine
(the modules of :data:`KERNEL_PACKAGES`, not their subpackages, so not
``course_checks.judges``).

That environment is a folder on the host, :func:`staged_environment`: the
distributions' files hard-linked (copied where links cannot be made), the
engine's modules copied, and matplotlib's font list with its paths as the
kernel sees them. Its name (``nn-kernel-env-<uid>-<digest>`` in the
temporary folder) says nothing of the grader's checkout, virtual environment
or home, which a mount table would otherwise show to the kernel (the source
of a bind mount appears in ``/proc/self/mountinfo``). The digest covers
everything staged, so a changed package or engine module makes a new stage;
the stage is built in a private folder and renamed into place, and a stage
that is not the grader's own (owner, mode) is never used.
"""

import contextlib
import fcntl
import functools
import glob
import hashlib
import importlib.util
import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tempfile
from importlib import metadata
from pathlib import Path

from packaging.requirements import Requirement

#: What a student notebook may import (with their requirements): the kernel and the course's libraries.
KERNEL_DISTRIBUTIONS = ("ipykernel", "numpy", "scikit-learn", "matplotlib")
#: Packages of this project that the kernel needs, their own modules only (not their subpackages): the code
#: that makes cases and records outcomes, without its judges (``course_checks.judges``).
KERNEL_PACKAGES = ("course_checks",)
#: Where the kernel sees its environment.
ENV = "/opt/kernel"
#: The kernel's site-packages, inside :data:`ENV`.
SITE = f"lib/python{sys.version_info.major}.{sys.version_info.minor}/site-packages"
#: Folders of the stage's site-packages that are not byte-compiled: the distributions' own test suites.
NOT_COMPILED = r"/tests?/"
#: The folder of matplotlib's font list (``fontlist-v<version>.json``), inside :data:`ENV`.
FONT_CACHE = "matplotlib-cache"


class StagingError(RuntimeError):
    """The kernel's environment cannot be staged (a kernel package is not installed)."""


def _requirement_closure(names):
    """Installed distributions needed by ``names``, their requirements included (markers honoured, no extras)."""
    seen, stack, out = set(), list(names), []
    while stack:
        name = stack.pop()
        key = name.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        out.append(dist)
        for text in dist.requires or ():
            requirement = Requirement(text)
            if requirement.marker is None or requirement.marker.evaluate({"extra": ""}):
                stack.append(requirement.name)
    return out


@functools.lru_cache(maxsize=1)
def kernel_site_entries() -> tuple[tuple[str, str], ...]:
    """``(host path, name in site-packages)`` of everything the kernel may import, sorted."""
    entries = set()
    for dist in _requirement_closure(KERNEL_DISTRIBUTIONS):
        for file in dist.files or ():
            top = file.parts[0]
            if top in ("..", "") or top.endswith(".pth") or top == "__pycache__":
                continue
            path = Path(dist.locate_file(top))
            if path.exists():
                entries.add((str(path), top))
    for package in KERNEL_PACKAGES:
        spec = importlib.util.find_spec(package)
        if spec is None or not spec.submodule_search_locations:
            raise StagingError(f"the kernel package {package} is not installed")
        folder = Path(list(spec.submodule_search_locations)[0]).resolve()
        entries.update((str(module), f"{package}/{module.name}") for module in folder.glob("*.py"))
    return tuple(sorted(entries))


def _font_list():
    """The grader's matplotlib font list (so that the kernel does not rebuild and announce it), or None."""
    try:
        import matplotlib
        found = sorted(glob.glob(os.path.join(matplotlib.get_cachedir(), "fontlist-v*.json")))
    except Exception:  # noqa: BLE001 - no matplotlib or no cache yet: the kernel builds its own
        return None
    return found[-1] if found else None


def _digest(*parts):
    h = hashlib.sha256(f"{os.geteuid()}\0{os.path.realpath(sys._base_executable)}\0{sys.version}".encode())
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()[:16]


def _link_or_copy(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def _compile(folder, as_folder):
    """Byte-compile the ``.py`` files of ``folder`` (a stage) as if they were in ``as_folder`` (where the kernel
    sees them), on every core, quietly: a distribution's own syntax warnings are not the grader's to print.

    The distributions' test suites (:data:`NOT_COMPILED`) are left out: no notebook imports them, and one
    that did would only compile them in memory. ``compileall`` runs as a command of its own, so that its
    pool of processes starts from a fresh interpreter, whatever process is grading (a daemon process, for
    one, may not start children).
    """
    subprocess.run([sys.executable, "-W", "ignore", "-m", "compileall", "-qq", "-j", "0", "-s", str(folder),
                    "-p", as_folder, "-x", f"^{re.escape(str(folder))}/.+{NOT_COMPILED}", str(folder)],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


def _build_environment(folder, entries, font_list):
    site = Path(folder, SITE)
    site.mkdir(parents=True)
    (Path(folder) / "bin").mkdir()
    os.symlink(os.path.realpath(sys._base_executable), Path(folder, "bin", "python"))
    Path(folder, "pyvenv.cfg").write_text(
        f"home = {os.path.dirname(os.path.realpath(sys._base_executable))}\n"
        "include-system-site-packages = false\n"
        f"version = {'.'.join(map(str, sys.version_info[:3]))}\n")
    host_sites = set()
    for host, name in entries:
        target = site / name
        if os.path.isdir(host):  # compiled files are made again below: the grader's name the paths they came from
            shutil.copytree(host, target, symlinks=True, copy_function=_link_or_copy,
                            ignore=shutil.ignore_patterns("__pycache__"))
        else:
            _link_or_copy(host, target)
        host_sites.add(os.path.dirname(host))
    for package in KERNEL_PACKAGES:  # mount points of the engine's stage
        (site / package).mkdir()
    _compile(folder, ENV)
    if font_list:
        text = Path(font_list).read_text()
        for host_site in sorted(host_sites, key=len, reverse=True):
            text = text.replace(json.dumps(host_site + "/")[1:-1], f"{ENV}/{SITE}/")
        Path(folder, FONT_CACHE).mkdir()
        Path(folder, FONT_CACHE, os.path.basename(font_list)).write_text(text)


def _build_engine(folder, modules):
    for package, files in modules.items():
        Path(folder, package).mkdir()
        for source in files:
            shutil.copyfile(source, Path(folder, package, os.path.basename(source)))
    _compile(folder, f"{ENV}/{SITE}")


def _is_own(folder):
    """True if ``folder`` is a real folder of this user that nobody else may read or write."""
    try:
        info = os.lstat(folder)
    except OSError:
        return False
    return stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid() and not info.st_mode & 0o077


def _own_lock(path):
    """A descriptor of the lock file ``path``, or None if it is not this user's (then nobody else can make
    grading wait on it: building twice is harmless)."""
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    except OSError:
        return None
    if os.fstat(fd).st_uid != os.geteuid():
        os.close(fd)
        return None
    return fd


def _stage(name, build):
    """The folder ``<temporary folder>/<name>``, built by ``build(folder)`` unless this user already has it.

    It is built in a private folder and renamed into place, under a lock so that grading processes starting
    together build it once; if the name is held by another user, a private stage is kept instead.
    """
    parent = tempfile.gettempdir()
    final = os.path.join(parent, name)
    if _is_own(final):
        return final
    with contextlib.ExitStack() as stack:
        lock = _own_lock(f"{final}.lock")
        if lock is not None:
            stack.callback(os.close, lock)
            fcntl.flock(lock, fcntl.LOCK_EX)
        if _is_own(final):
            return final
        building = tempfile.mkdtemp(prefix=f"{name}.", dir=parent)
        try:
            build(building)
        except BaseException:
            shutil.rmtree(building, ignore_errors=True)
            raise
        try:
            os.rename(building, final)  # mode 0700, as made: the grader and its kernels (its uid, mapped) read it
            return final
        except OSError:
            if _is_own(final):
                shutil.rmtree(building, ignore_errors=True)
                return final
            return building


@functools.lru_cache(maxsize=1)
def staged_environment() -> str:
    """The host folder of the kernel's environment (see the module's description), staged if not yet there.

    Returns
    -------
    str
        A folder holding ``bin/python``, ``pyvenv.cfg``, :data:`SITE` (every distribution of
        :func:`kernel_site_entries`, and an empty folder for each of :data:`KERNEL_PACKAGES`) and, if the grader
        has a font list, :data:`FONT_CACHE`; the sandbox binds it read-only at :data:`ENV`.
    """
    entries = [(host, name) for host, name in kernel_site_entries() if "/" not in name]
    font_list = _font_list()
    listing = "\0".join(f"{host}\0{name}\0{os.stat(host).st_mtime_ns}" for host, name in entries)
    digest = _digest(listing.encode(), Path(font_list).read_bytes() if font_list else b"", NOT_COMPILED.encode())
    return _stage(f"nn-kernel-env-{os.geteuid()}-{digest}",
                  functools.partial(_build_environment, entries=entries, font_list=font_list))


@functools.lru_cache(maxsize=1)
def staged_engine() -> str:
    """The host folder of the kernel half of the engine: a folder per package of :data:`KERNEL_PACKAGES`, holding
    copies of its modules (compiled under the names the kernel sees); the sandbox binds each into
    :data:`SITE`."""
    modules = {}
    for host, name in kernel_site_entries():
        if "/" in name:
            modules.setdefault(name.split("/")[0], []).append(host)
    digest = _digest(*(f"{name}\0{host}".encode() + Path(host).read_bytes()
                       for name, hosts in sorted(modules.items()) for host in hosts))
    return _stage(f"nn-kernel-engine-{os.geteuid()}-{digest}", functools.partial(_build_engine, modules=modules))

#!/usr/bin/env bash
# Create (or update) the project's virtual environment in .venv and install the course into it.
# Needs Python 3.11 or newer and pip. Sourced by scripts/demo.sh and scripts/test.sh.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

pick_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
           "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

if [ ! -x .venv/bin/python ]; then
    py=$(pick_python)
    echo "Creating .venv with $($py --version)"
    "$py" -m venv .venv
fi
stamp=.venv/.installed-$(cat pyproject.toml scripts/setup.sh | cksum | cut -d' ' -f1)
if [ ! -f "$stamp" ]; then
    echo "Installing the course and its dependencies into .venv (a few minutes the first time) ..."
    .venv/bin/python -m pip install --quiet --upgrade pip
    .venv/bin/python -m pip install --quiet -e '.[dev]'
    # jsonschema imports rfc3987-syntax, which builds some 35 Earley parsers for the "iri" formats that no Jupyter
    # schema uses: 2 s of every process that imports nbformat (every nbgrader command). Without it, jsonschema
    # leaves those formats unchecked (python-jsonschema/jsonschema#1428).
    .venv/bin/python -m pip uninstall --quiet --yes rfc3987-syntax
    # Build matplotlib's font cache now, so that no notebook cell prints the notice to stderr.
    MPLBACKEND=Agg .venv/bin/python -c 'import matplotlib.pyplot' >/dev/null 2>&1
    rm -f .venv/.installed-*
    touch "$stamp"
fi
# nbgrader shells out to alembic and kernels start as "python": the venv's bin/ comes first.
export PATH="$PWD/.venv/bin:$PATH"
export VIRTUAL_ENV="$PWD/.venv"

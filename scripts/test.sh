#!/usr/bin/env bash
# Set up, then lint and run the whole test suite (fast tests and the real-nbgrader tests).
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not nbgrader" for the fast tests only.
# The PostgreSQL gradebook test starts a throwaway server from Debian's postgresql package, and the browser
# test drives Debian's chromium: as root on Debian or Ubuntu they are installed here if missing; elsewhere
# install them yourself (the browser test is skipped, saying so, without chromium).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
# apt_install PACKAGE WHY: install a Debian package as root with apt-get, or say what is missing and why.
apt_install() {
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's $1 ($2) ..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null 2>&1 ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$1" >/dev/null; }
    else
        echo "note: $1 is not installed ($2); install it with apt-get install $1" >&2
    fi
}
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    apt_install postgresql "the PostgreSQL gradebook test runs a server of its own; it fails without it"
fi
if ! command -v chromium >/dev/null 2>&1; then
    apt_install chromium "the browser test drives it with Playwright; it is skipped without it"
fi
# The JupyterHub test runs the deployment of deploy/hub/ (its environments under /opt/nn-course-hub, with this
# checkout's course in them, and configurable-http-proxy from npm); it needs root, and is skipped without it.
if [ "$(id -u)" = 0 ]; then
    echo "Installing the JupyterHub deployment's environments (deploy/hub/install.sh) ..."
    bash deploy/hub/install.sh >/dev/null
else
    echo "note: not root: the JupyterHub test (real Unix accounts) is skipped" >&2
fi
# The linter first (pyflakes, pycodestyle, import order and bugbear, configured in pyproject.toml): seconds.
ruff check .
# The suite must stay under 30 minutes on a 2-core machine; the slowest tests are listed at the end of each part.
if [ $# -eq 0 ]; then
    # the fast tests on both cores (pytest-xdist), then the real-nbgrader tests, which grade on both cores themselves
    python -m pytest -m "not nbgrader" -n 2 --durations=5
    python -m pytest -m nbgrader --durations=15
else
    python -m pytest --durations=15 "$@"
fi

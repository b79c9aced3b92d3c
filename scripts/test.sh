#!/usr/bin/env bash
# Set up, then run the whole test suite (fast tests and the real-nbgrader tests).
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not nbgrader" for the fast tests only.
# The PostgreSQL gradebook test starts a throwaway server from Debian's postgresql package, and the browser
# test drives Debian's chromium: as root on Debian or Ubuntu they are installed here if missing; elsewhere
# install them yourself (the browser test is skipped, saying so, without chromium).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if ! command -v initdb >/dev/null 2>&1 && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's postgresql (the PostgreSQL gradebook test runs a server of its own) ..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null 2>&1 ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null; }
    else
        echo "note: PostgreSQL's initdb is not installed; the PostgreSQL gradebook test will fail (apt-get install postgresql)" >&2
    fi
fi
if ! command -v chromium >/dev/null 2>&1; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
        echo "Installing Debian's chromium (the browser test drives it with Playwright) ..."
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null 2>&1 ||
            { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
    else
        echo "note: chromium is not installed; the browser test will be skipped (apt-get install chromium)" >&2
    fi
fi
python -m pytest "$@"

#!/usr/bin/env bash
# Set up, then run the whole test suite (fast tests and the real-nbgrader tests).
# Extra arguments go to pytest, e.g. scripts/test.sh -m "not nbgrader" for the fast tests only.
# The PostgreSQL gradebook test starts a throwaway server from Debian's postgresql package: as root on
# Debian or Ubuntu it is installed here if missing, elsewhere install it yourself.
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
python -m pytest "$@"

#!/usr/bin/env bash
# Set up, then run the demo: generate the release, autograde a sample class with real nbgrader,
# print the grade table and where the feedback is. Extra arguments go to `python -m classroom.demo`.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
python -m classroom.demo "$@"

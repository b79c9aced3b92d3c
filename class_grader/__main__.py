"""``python -m class_grader``: the class command (:mod:`class_grader.cli`)."""

import sys

from class_grader.cli import main

sys.exit(main())

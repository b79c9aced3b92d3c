"""Student answers for every graded function: correct alternatives and realistic bugs.

Each answer is the full source of a solution cell (``numpy`` is imported as
``np`` by the notebook). Correct alternatives are written differently from the
reference and must score full marks; every bug must lose points on its
function's cells with a message that contains :attr:`Answer.expect`. Bugs
marked ``seed NNN`` are mistakes found in real student notebooks.

One module per topic, mirroring :mod:`solutions_lib` and :mod:`course_checks`,
each with ``ALTERNATIVES`` and ``BUGS`` (``{function: [Answer, ...]}``); the
course list comes from :mod:`course_checks.manifest`.
"""

import importlib

from classroom.answer import Answer, load
from course_checks import manifest

__all__ = ["ALTERNATIVES", "BUGS", "FUNCTIONS", "Answer", "load"]

#: The graded functions of each assignment, in course order.
FUNCTIONS = manifest.functions()

_MODULES = [importlib.import_module(f"classroom.catalogue.{topic}") for topic in manifest.topics()]
#: ``{function: [Answer, ...]}``: correct answers written differently from the reference, in course order.
ALTERNATIVES = {f: m.ALTERNATIVES[f] for m in _MODULES for f in m.ALTERNATIVES}
#: ``{function: [Answer, ...]}``: realistic bugs, each with the fragment its failing message must contain.
BUGS = {f: m.BUGS[f] for m in _MODULES for f in m.BUGS}

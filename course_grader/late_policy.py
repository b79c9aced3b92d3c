"""The course's late policy: nbgrader's ``LateSubmissionPlugin`` with a per-hour penalty and extensions.

nbgrader's ``AssignLatePenalties`` (in the course's autograde pipeline) asks
the plug-in for each notebook's penalty when the submission's timestamp is
past the assignment's due date. :class:`CourseLatePolicy` first takes away
the student's extension (:mod:`course_grader.extensions`), then applies the
method chosen in ``nbgrader_config.py``::

    c.AssignLatePenalties.plugin_class = "course_grader.late_policy.CourseLatePolicy"
    c.CourseLatePolicy.penalty_method = "per_hour"     # or "none", "zero"
    c.CourseLatePolicy.percent_per_hour = 5            # of the notebook's score, per started hour
    c.CourseLatePolicy.max_percent = 50                # at most

:func:`lateness` says the same in words, for the feedback and the report.
"""

import math
from dataclasses import dataclass
from datetime import datetime

from nbgrader.coursedir import CourseDirectory
from nbgrader.plugins import LateSubmissionPlugin
from traitlets import Enum, Float
from traitlets.config import Config

from course_grader import extensions


@dataclass(frozen=True)
class Lateness:
    """How late one submission was, after its extension.

    Attributes
    ----------
    seconds_late : float
        Past the student's own due date (0 if on time).
    extension_hours : float
        The student's extension.
    percent : float
        Of each notebook's score taken away.
    """

    seconds_late: float
    extension_hours: float
    percent: float

    def describe(self) -> str:
        """``submitted 1 h 30 min late: −10 %`` (with the extension, if any), or ``submitted on time``."""
        extension = f" (with an extension of {extensions.format_hours(self.extension_hours)})" \
            if self.extension_hours else ""
        if self.seconds_late <= 0:
            return f"submitted on time{extension}"
        late = extensions.format_hours(math.ceil(self.seconds_late / 60) / 60)
        penalty = f"−{self.percent:g} %" if self.percent else "no penalty"
        return f"submitted {late} late{extension}: {penalty}"


class CourseLatePolicy(LateSubmissionPlugin):
    """Late penalties per started hour, with a cap, after each student's extension."""

    penalty_method = Enum(("none", "zero", "per_hour"), default_value="none",
                          help="'none': no penalty; 'zero': a late notebook scores zero; 'per_hour': "
                               "percent_per_hour of its score per started hour late, at most max_percent.").tag(
        config=True)
    percent_per_hour = Float(5.0, help="per_hour: percent of a notebook's score lost per started hour late.").tag(
        config=True)
    max_percent = Float(50.0, help="per_hour: the most a late notebook loses, in percent of its score.").tag(
        config=True)

    def percent(self, seconds_late: float) -> float:
        """Percent of the score taken away for ``seconds_late`` past the student's own due date."""
        if seconds_late <= 0 or self.penalty_method == "none":
            return 0.0
        if self.penalty_method == "zero":
            return 100.0
        return min(self.max_percent, math.ceil(seconds_late / 3600) * self.percent_per_hour)

    def lateness(self, assignment: str, student: str, seconds_past_due: float) -> Lateness:
        """:class:`Lateness` of a submission ``seconds_past_due`` after the assignment's due date."""
        root = CourseDirectory(config=self.config).root
        extra = extensions.hours(root, assignment, student)
        late = max(0.0, seconds_past_due - extra * 3600)
        return Lateness(late, extra, self.percent(late))

    def late_submission_penalty(self, student_id: str, score: float, total_seconds_late: float) -> float | None:
        assignment = getattr(self.parent, "assignment_id", None) or ""
        late = self.lateness(assignment, student_id, total_seconds_late)
        self.log.info("Late policy %s: %s", self.penalty_method, late.describe())
        return score * late.percent / 100 if late.percent else None


def lateness(config: Config, assignment: str, student: str, timestamp: datetime | None,
             duedate: datetime | None) -> Lateness | None:
    """The :class:`Lateness` of a submission under the course's policy, or None without a due date or time.

    Parameters
    ----------
    config : traitlets.config.Config
        The course's configuration (the policy's settings and the course root).
    assignment, student : str
    timestamp, duedate : datetime or None
        nbgrader's submission time and the assignment's due date (naive UTC, as nbgrader stores them).
    """
    if timestamp is None or duedate is None:
        return None
    policy = CourseLatePolicy(config=config)
    return policy.lateness(assignment, student, (timestamp - duedate).total_seconds())

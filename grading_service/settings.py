"""What the instructor configures of the grading service, in the course's ``nbgrader_config.py``.

Example::

    c.GradingService.feedback_policy = {"04_conv": "score", "05_gradcheck": "after_due"}
    c.GradingService.default_policy = "immediate"
    c.GradingService.max_per_hour = 6

Policies (with nbgrader's own due dates and the course's per-student extensions):

- ``immediate``: the full feedback page (every hidden test's message) right after grading;
- ``score``: at once, a page with the points per exercise only; the full page after the due date;
- ``after_due``: nothing until the due date, then the full page.
"""

from traitlets import Bool, Dict, Enum, Float, Int
from traitlets.config import Configurable

POLICIES = ("immediate", "score", "after_due")


class GradingService(Configurable):
    """The grading service's settings (configure them as ``c.GradingService.<name>``)."""

    feedback_policy = Dict(
        value_trait=Enum(POLICIES), key_trait=None,
        help="{assignment: policy} for the assignments whose policy is not default_policy; a policy is "
             "'immediate', 'score' or 'after_due'.").tag(config=True)
    default_policy = Enum(
        POLICIES, default_value="immediate",
        help="The feedback policy of an assignment that feedback_policy does not name.").tag(config=True)
    max_per_hour = Int(
        0, help="At most this many graded submissions of one assignment per student in any hour (0: no limit). "
                "A submission over the limit waits, the student is told when it will be graded, and only the "
                "newest waiting one is graded. Grading the same hand-in again (after a crash, or because a test "
                "was fixed) does not count.").tag(config=True)
    poll_seconds = Float(1.0, help="Seconds between two looks at the exchange's inbound folder.").tag(config=True)
    rescan_seconds = Float(
        60.0, help="Seconds between two full comparisons of every submission with the ledger (catches a changed "
                   "due date, extension, hidden test or grading code).").tag(config=True)
    require_owner = Bool(
        True, help="Grade a submission only if its folder in the inbound belongs to the Unix account it names "
                   "(on a shared server, a student could otherwise submit in a classmate's name). Turn it off "
                   "only where every student submits through the same account.").tag(config=True)
    worker_deaths = Int(
        2, help="Times a job may take its worker down (the worker dies, Dask starts another) before it is "
                "recorded as failed. Applies to the local cluster the service starts; a scheduler of your own "
                "uses its distributed.scheduler.allowed-failures.").tag(config=True)

    def policy(self, assignment: str) -> str:
        """The feedback policy of ``assignment``."""
        return self.feedback_policy.get(assignment, self.default_policy)

"""A Content-Security-Policy for nbgrader's formgrader pages: a Jupyter server extension.

The formgrader shows students' notebooks in the instructor's browser. What a
notebook holds goes through the course's sanitizers first (Markdown, outputs,
MathML: :mod:`.outputs`, :mod:`.maths`); this policy is the second line, for
anything that got past them. Unlike a feedback page (:mod:`.page_policy`),
the formgrader is an application: it needs nbgrader's own scripts (served
by the same server, some inline in its templates) and calls the server's
API. So every formgrader page may load scripts, styles, images and fonts
from the server itself only, images also as ``data:``, and talk only to the
server: nothing is loaded from anywhere else (not even the MathJax of
nbconvert's template, which the course's MathML does not need), nothing is
sent anywhere else, no plug-in runs and no other site may frame it.

Enable it where the formgrader runs (``jupyter server extension enable
course_grader.formgrader_policy``, or
``c.ServerApp.jpserver_extensions = {"course_grader.formgrader_policy": True}``);
the local trial does.
"""

import functools

from jupyter_server.utils import url_path_join
from tornado.web import OutputTransform

#: The policy of every formgrader page.
FORMGRADER_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                     "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                     "connect-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; "
                     "form-action 'self'; base-uri 'self'")


class FormgraderPolicy(OutputTransform):
    """Sets :data:`FORMGRADER_POLICY` on every HTML response under ``prefix`` (the formgrader's URLs)."""

    def __init__(self, request, prefix="/formgrader"):
        super().__init__(request)
        self._applies = request.path == prefix or request.path.startswith(prefix + "/")

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self._applies and headers.get("Content-Type", "").startswith("text/html"):
            headers["Content-Security-Policy"] = FORMGRADER_POLICY
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course_grader.formgrader_policy"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Add the policy to the server's responses (every formgrader page, under the server's base URL)."""
    prefix = url_path_join(serverapp.base_url, "formgrader")
    serverapp.web_app.add_transform(functools.partial(FormgraderPolicy, prefix=prefix))
    serverapp.log.info("course_grader.formgrader_policy: formgrader pages carry a Content-Security-Policy")

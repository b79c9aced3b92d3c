"""A Content-Security-Policy for nbgrader's formgrader pages: a Jupyter server extension.

The formgrader shows students' notebooks in the instructor's browser. What a
notebook holds goes through the course's sanitizers first (Markdown, outputs,
MathML: :mod:`.outputs`, :mod:`.maths`); this policy is the second line, for
anything that got past them. Unlike a feedback page (:mod:`.page_policy`),
the formgrader is an application: it needs nbgrader's own scripts (served
by the same server, some inline in its templates) and calls the server's
API. So every formgrader page may load scripts, styles, images and fonts
from the server itself only, images also as ``data:``, and talk only to the
server: nothing is loaded from anywhere else, nothing is sent anywhere else,
no plug-in runs and no other site may frame it.

nbgrader's page of a submission loads MathJax from a CDN and does not work
without it (its script waits for MathJax's start-up), so offline, or under
any such policy, the instructor could not grade there. The course's formulas
are MathML already; the page gets a stand-in from the server instead, which
only signals that start-up.

Enable it where the formgrader runs (``jupyter server extension enable
course_grader.formgrader_policy``, or
``c.ServerApp.jpserver_extensions = {"course_grader.formgrader_policy": True}``);
the local trial does.
"""

import functools
import re

from jupyter_server.utils import url_path_join
from tornado.web import OutputTransform, RequestHandler

#: The policy of every formgrader page.
FORMGRADER_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; "
                     "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                     "connect-src 'self'; object-src 'none'; frame-src 'self'; frame-ancestors 'self'; "
                     "form-action 'self'; base-uri 'self'")


#: nbconvert's MathJax, which nbgrader's page of a submission loads from a CDN and whose start-up it waits for.
CDN_MATHJAX = re.compile(rb"https://cdnjs\.cloudflare\.com/ajax/libs/mathjax/[^\"']*")
#: What that page gets instead, from the server itself: the start-up signal only (the course's formulas are
#: MathML already, which browsers draw), so that the page works offline and under the policy.
MATHJAX_STAND_IN = """window.MathJax = {
  Hub: {Startup: {signal: {Interest: function (listener) { listener("End"); }}},
        Queue: function () {}, Config: function () {}, Typeset: function () {}}
};
"""


class MathJaxStandIn(RequestHandler):
    """Serves :data:`MATHJAX_STAND_IN`."""

    def get(self):
        self.set_header("Content-Type", "application/javascript; charset=UTF-8")
        self.write(MATHJAX_STAND_IN)


class FormgraderPolicy(OutputTransform):
    """Sets :data:`FORMGRADER_POLICY` on every HTML response under ``prefix`` (the formgrader's URLs), and points
    their MathJax at ``stand_in`` (see :data:`MATHJAX_STAND_IN`)."""

    def __init__(self, request, prefix="/formgrader", stand_in="/course_grader/mathjax_stand_in.js"):
        super().__init__(request)
        self._applies = request.path == prefix or request.path.startswith(prefix + "/")
        self._stand_in = stand_in.encode()

    def transform_first_chunk(self, status_code, headers, chunk, finishing):
        if self._applies and headers.get("Content-Type", "").startswith("text/html"):
            headers["Content-Security-Policy"] = FORMGRADER_POLICY
            chunk = CDN_MATHJAX.sub(self._stand_in, chunk)
            if "Content-Length" in headers:
                headers["Content-Length"] = str(len(chunk))
        return status_code, headers, chunk


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "course_grader.formgrader_policy"}]


def _load_jupyter_server_extension(serverapp) -> None:
    """Add the policy to the server's responses (every formgrader page, under the server's base URL)."""
    prefix = url_path_join(serverapp.base_url, "formgrader")
    stand_in = url_path_join(serverapp.base_url, "course_grader", "mathjax_stand_in.js")
    serverapp.web_app.add_handlers(".*$", [(stand_in, MathJaxStandIn)])
    serverapp.web_app.add_transform(functools.partial(FormgraderPolicy, prefix=prefix, stand_in=stand_in))
    serverapp.log.info("course_grader.formgrader_policy: formgrader pages carry a Content-Security-Policy")

"""The formgrader's Content-Security-Policy (course_grader.formgrader_policy); tested in Chromium in test_browser."""

from tornado.httputil import HTTPHeaders, HTTPServerRequest, RequestStartLine

from course_grader.formgrader_policy import FORMGRADER_POLICY, FormgraderPolicy

PAGE = b'<html><script src="https://cdnjs.cloudflare.com/ajax/libs/mathjax/2.7.7/latest.js?config=TeX"></script>'


def respond(path, content_type="text/html; charset=UTF-8", prefix="/base/formgrader"):
    transform = FormgraderPolicy(HTTPServerRequest(start_line=RequestStartLine("GET", path, "HTTP/1.1"),
                                                   headers=HTTPHeaders({"Host": "127.0.0.1"})),
                                 prefix=prefix, stand_in="/base/course_grader/mathjax_stand_in.js")
    headers = HTTPHeaders({"Content-Type": content_type, "Content-Security-Policy": "frame-ancestors 'self'",
                           "Content-Length": str(len(PAGE))})
    _, headers, body = transform.transform_first_chunk(200, headers, PAGE, True)
    return headers, body


def policy_of(path, content_type="text/html; charset=UTF-8"):
    return respond(path, content_type)[0]["Content-Security-Policy"]


def test_every_formgrader_page_gets_the_policy_and_nothing_else_does():
    assert policy_of("/base/formgrader") == FORMGRADER_POLICY
    assert policy_of("/base/formgrader/submissions/abc/?index=0") == FORMGRADER_POLICY
    for other in ("/base/lab", "/base/formgraders/x", "/formgrader/manage_assignments", "/base/api/formgrader"):
        assert policy_of(other) == "frame-ancestors 'self'", other
    assert policy_of("/base/formgrader/api/assignments", "application/json") == "frame-ancestors 'self'"


def test_a_formgrader_page_gets_the_mathjax_stand_in_from_its_server():
    headers, body = respond("/base/formgrader/submissions/abc/")
    assert body == b'<html><script src="/base/course_grader/mathjax_stand_in.js"></script>'
    assert headers["Content-Length"] == str(len(body))
    assert respond("/base/lab")[1] == PAGE


def test_the_policy_keeps_everything_on_the_server():
    directives = dict(d.strip().split(" ", 1) for d in FORMGRADER_POLICY.split(";"))
    assert directives["default-src"] == directives["connect-src"] == "'self'"
    assert "http" not in FORMGRADER_POLICY and "*" not in FORMGRADER_POLICY
    assert directives["object-src"] == "'none'" and directives["frame-ancestors"] == "'self'"

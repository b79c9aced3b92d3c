"""What a page the course generates may hold: no script, nothing loaded from anywhere.

Feedback pages and the class report are opened from disk, in JupyterLab or
straight in a browser, by students and instructors. Everything on them is
inline: styles in ``<style>``, figures as ``data:`` images, formulas as
MathML. :data:`CONTENT_SECURITY_POLICY` says exactly that to the browser,
so that even markup that got past the sanitizers could neither run nor call
out: no script, no frame, no request, only inline styles and ``data:``
images and fonts. :func:`with_policy` puts it at the top of a page's
``<head>``.

The URLs a student's Markdown may keep follow the same rule
(:func:`allowed_url`): images only as ``data:`` raster images, links only to
``http``, ``https``, ``mailto`` or a place on the page.
"""

import re
from html.parser import HTMLParser

#: The Content-Security-Policy of every generated page.
CONTENT_SECURITY_POLICY = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
                           "form-action 'none'; base-uri 'none'")
#: The policy as the first element of ``<head>``.
POLICY_META = f'<meta http-equiv="Content-Security-Policy" content="{CONTENT_SECURITY_POLICY}">'
#: Images a page may show: raster data, never a URL the browser would fetch.
DATA_IMAGE = re.compile(r"data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
#: Where a link may lead.
LINK_SCHEMES = ("http:", "https:", "mailto:")


def allowed_url(tag: str, attribute: str, value: str) -> bool:
    """Whether ``value`` may stay as the ``attribute`` of a ``tag`` in a student's Markdown.

    ``img`` ``src`` must be a ``data:`` raster image; ``a`` ``href`` an
    ``http``, ``https`` or ``mailto`` URL or a fragment (``#...``); no other
    attribute is a URL here.
    """
    value = value.strip()
    if tag == "img" and attribute == "src":
        return bool(DATA_IMAGE.match(value))
    if tag == "a" and attribute == "href":
        return value.startswith("#") or value.lower().startswith(LINK_SCHEMES)
    return True


def with_policy(page: str) -> str:
    """``page`` (a whole HTML document) with :data:`POLICY_META` as the first element of its ``<head>``.

    Raises
    ------
    ValueError
        If ``page`` has no ``<head>`` element.
    """
    match = re.search(r"<head(\s[^>]*)?>", page, re.IGNORECASE)
    if match is None:
        raise ValueError(f"page: got a document without <head> (starts {page[:60]!r}), wanted a whole HTML page")
    return page[:match.end()] + POLICY_META + page[match.end():]


#: Elements that run, embed or fetch something, or change where the page's links and forms lead.
ACTIVE_ELEMENTS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "link", "base", "form",
                   "portal", "audio", "video", "source", "track"}
#: Attributes holding a URL the browser may load or follow.
URL_ATTRIBUTES = {"src", "href", "action", "formaction", "srcset", "poster", "background", "data", "xlink:href",
                  "ping", "cite", "longdesc", "manifest", "codebase"}
_CSS_URL = re.compile(r"url\(\s*['\"]?\s*(?!data:)([^)'\"]*)", re.IGNORECASE)


class _Audit(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems, self.first_in_head, self._in_head, self._style = [], None, False, False

    def handle_starttag(self, tag, attrs):
        if self._in_head and self.first_in_head is None:
            self.first_in_head = (tag, dict(attrs))
        self._in_head = self._in_head or tag == "head"
        self._style = tag == "style"
        if tag in ACTIVE_ELEMENTS:
            self.problems.append(f"<{tag}> element")
        for name, value in attrs:
            value = value or ""
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            elif name == "http-equiv" and value.lower() == "refresh":
                self.problems.append("<meta http-equiv=refresh>")
            elif name in URL_ATTRIBUTES and not _passive_url(tag, name, value):
                self.problems.append(f"<{tag} {name}={value[:60]!r}>")
            elif name == "style" and _CSS_URL.search(value):
                self.problems.append(f"<{tag} style=...url({_CSS_URL.search(value).group(1)[:60]})>")

    def handle_endtag(self, tag):
        self._style = False if tag == "style" else self._style

    def handle_data(self, data):
        if self._style:
            self.problems += [f"url({found[:60]}) in a style sheet" for found in _CSS_URL.findall(data)]


def _passive_url(tag, name, value):
    """A URL that loads nothing: a ``data:`` image, or a link a reader may follow (not script, not data)."""
    value = value.strip().lower()
    if tag == "a" and name == "href":
        return not value.startswith(("javascript:", "vbscript:", "data:"))
    return tag == "img" and name == "src" and bool(DATA_IMAGE.match(value))


def active_content(page: str) -> list[str]:
    """What in the HTML ``page`` could run or load something, or breaks the course's rule for pages.

    Lists script and embedding elements, event-handler attributes, URLs that
    would be fetched or run (anything but ``data:`` images and ordinary links),
    ``url(...)`` in styles other than ``data:``, and a ``<head>`` that does not
    start with :data:`POLICY_META`. An empty list means the page is passive.
    """
    audit = _Audit()
    audit.feed(page)
    audit.close()
    first = audit.first_in_head or ("", {})
    if first[0] != "meta" or first[1].get("content") != CONTENT_SECURITY_POLICY:
        audit.problems.append(f"<head> does not start with the Content-Security-Policy (starts with <{first[0]}>)")
    return audit.problems

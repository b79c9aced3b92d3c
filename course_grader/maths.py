"""Markdown to HTML with the maths as MathML, for HTML that must read offline.

nbconvert leaves ``$...$`` in its HTML for MathJax, which it loads from a
CDN; a feedback file opened offline, or in JupyterLab's sandboxed HTML viewer
(no script), then shows raw TeX. :func:`markdown2html_mathml` renders the same
Markdown (nbconvert's parser and renderer) but turns every formula into
MathML, which browsers draw without any script. The course configures it as
``HTMLExporter``'s ``markdown2html`` filter, so feedback and the formgrader
both use it.
"""

import html
import secrets
import xml.etree.ElementTree as ET

from latex2mathml.converter import convert
from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
#: Presentation elements a formula keeps; any other element (``<script>`` or ``<img>`` written inside
#: ``\\text{...}``, ``annotation-xml``, ``mglyph``) becomes an ``mtext`` holding its text, escaped.
MATHML_ELEMENTS = {"math", "mrow", "mi", "mn", "mo", "mtext", "ms", "mspace", "mfrac", "msqrt", "mroot", "mstyle",
                   "merror", "mpadded", "mphantom", "mfenced", "menclose", "msub", "msup", "msubsup", "munder",
                   "mover", "munderover", "mmultiscripts", "mprescripts", "none", "mtable", "mtr", "mtd",
                   "mlabeledtr", "maligngroup", "malignmark", "semantics", "annotation"}
#: Presentation attributes a formula keeps; any other (``href`` from ``\\href``, ``style``, ``class``,
#: event handlers) is dropped, since a student's Markdown may hold TeX too.
MATHML_ATTRIBUTES = {"display", "mathvariant", "stretchy", "fence", "separator", "lspace", "rspace", "largeop",
                     "movablelimits", "accent", "accentunder", "symmetric", "minsize", "maxsize", "width",
                     "height", "depth", "linethickness", "displaystyle", "scriptlevel", "columnalign",
                     "columnspacing", "rowspacing", "rowalign", "columnlines", "rowlines", "frame", "notation",
                     "mathcolor", "mathbackground", "mathsize"}


#: Elements whose content is text.
_TOKENS = {"mi", "mn", "mo", "mtext", "ms"}


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _safe_mathml(mathml):
    """``mathml`` with only the elements of :data:`MATHML_ELEMENTS` and the attributes of :data:`MATHML_ATTRIBUTES`.

    Raises
    ------
    ValueError
        If the root is not a ``math`` element.
    """
    root = ET.fromstring(mathml)
    if _local(root.tag) != "math":
        raise ValueError(f"mathml: got a <{_local(root.tag)}> root, wanted <math>")
    for parent in list(root.iter()):
        for index, child in enumerate(list(parent)):
            if _local(child.tag) in MATHML_ELEMENTS:
                continue
            words = "".join(child.itertext()) + (child.tail or "")
            parent.remove(child)
            if _local(parent.tag) in _TOKENS:  # text in a token element stays text there
                previous = parent[index - 1] if index else None
                if previous is None:
                    parent.text = (parent.text or "") + words
                else:
                    previous.tail = (previous.tail or "") + words
            else:
                text = ET.Element(f"{{{MATHML_NAMESPACE}}}mtext")
                text.text = words
                parent.insert(index, text)
    for element in root.iter():
        for name in list(element.attrib):
            if name not in MATHML_ATTRIBUTES:
                del element.attrib[name]
    ET.register_namespace("", MATHML_NAMESPACE)
    return ET.tostring(root, encoding="unicode", short_empty_elements=False)


def tex_to_mathml(tex: str, display: bool = False) -> str:
    """MathML for the TeX formula ``tex`` (``display`` for a formula on its own line).

    A formula the converter cannot read is shown as its TeX, in ``<code>``.
    """
    try:
        return _safe_mathml(convert(tex, display="block" if display else "inline"))
    except Exception:  # noqa: BLE001 - any TeX the converter rejects is shown as text
        return f"<code>{html.escape(tex)}</code>"


class _MathsRenderer(IPythonRenderer):
    """nbconvert's renderer, with each formula replaced by a placeholder filled in after rendering."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.formulas = []
        self.nonce = secrets.token_hex(8)

    def _keep(self, tex, display):
        self.formulas.append((tex, display))
        return f"MATHML{self.nonce}N{len(self.formulas) - 1}E"

    def inline_math(self, body):
        return self._keep(body, display=False)

    def block_math(self, body):
        return self._keep(body, display=True)

    def latex_environment(self, name, body):
        return self._keep(f"\\begin{{{name}}}{body}\\end{{{name}}}", display=True)


def markdown2html_mathml(source: str) -> str:
    """HTML for the Markdown ``source``, its ``$...$`` and ``$$...$$`` formulas as MathML.

    Parameters
    ----------
    source : str
        A Markdown cell's source.

    Returns
    -------
    str
        The HTML nbconvert's ``markdown2html`` gives, with ``<math>`` elements
        in place of the formulas.
    """
    renderer = _MathsRenderer(escape=False)
    rendered = MarkdownWithMath(renderer=renderer).render(source)
    for number, (tex, display) in enumerate(renderer.formulas):
        rendered = rendered.replace(f"MATHML{renderer.nonce}N{number}E", tex_to_mathml(tex, display))
    return rendered

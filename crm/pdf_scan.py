"""Reading an uploaded PDF with a real PDF library (pikepdf, on qpdf) for the upload check: the one place that
touches a PDF's bytes. It only gathers facts — whether the file opens, and every name its object graph uses, object
streams decompressed — and ``crm/rules/uploads.py`` decides on them."""

import io
from collections.abc import Iterator

import pikepdf
from pikepdf import ObjectType

from crm.rules.uploads import PdfContent

# A graph larger than this is not checked but refused as unreadable (no scanned document comes near it).
MAX_PDF_NODES = 2_000_000


class _TooLarge(Exception):
    pass


def _is_direct_object(value: object) -> bool:
    """pikepdf gives numbers and booleans as Python values; names, strings, arrays and dictionaries as objects."""
    return isinstance(value, pikepdf.Object) and not value.is_indirect


def _direct_nodes(root: pikepdf.Object) -> Iterator[pikepdf.Object]:
    """The object and the direct objects inside it; indirect ones are visited as objects of their own."""
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        code = node._type_code
        if code == ObjectType.stream:
            node = node.stream_dict
            code = ObjectType.dictionary
        if code == ObjectType.dictionary:
            yield from (pikepdf.Name(key) for key in node)
            stack.extend(value for value in node.values() if _is_direct_object(value))
        elif code == ObjectType.array:
            stack.extend(item for item in node if _is_direct_object(item))


def _names_in(pdf: pikepdf.Pdf) -> set[str]:
    names: set[str] = set()
    visited = 0
    for root in (pdf.trailer, *pdf.objects):
        for node in _direct_nodes(root):
            visited += 1
            if visited > MAX_PDF_NODES:
                raise _TooLarge
            if node._type_code == ObjectType.name_:
                names.add(str(node)[1:])
    return names


def pdf_content(body: bytes) -> PdfContent:
    """Open the PDF (damaged cross-references are repaired as a viewer would) and list the names it uses; a file
    that does not open, asks for a password or is too large a graph comes back as not opened."""
    try:
        with pikepdf.open(io.BytesIO(body)) as pdf:
            return PdfContent(opened=True, names=frozenset(_names_in(pdf)))
    except (pikepdf.PdfError, pikepdf.PasswordError, _TooLarge, ValueError, RuntimeError):
        return PdfContent(opened=False)

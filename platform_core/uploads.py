"""The one check every uploaded document passes (challenge attachments, bid proposals, milestone deliverables,
evaluation reports, call templates): a size limit, an allow-list of office, PDF, image, text and archive
types, and the file's first bytes agreeing with its extension, so that nothing executable or active (a program,
HTML, SVG, a script) is kept under a harmless name. Stored files are served only by permission-checked views,
as attachments with an inert content type (platform_core.exports.file_response)."""
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word / Excel / PowerPoint 97–2003
ZIP = b"PK\x03\x04"  # OOXML, OpenDocument and zip archives
SIGNATURES = {
    ".pdf": (b"%PDF-",), ".doc": (OLE,), ".xls": (OLE,), ".ppt": (OLE,),
    ".docx": (ZIP,), ".xlsx": (ZIP,), ".pptx": (ZIP,), ".odt": (ZIP,), ".ods": (ZIP,), ".odp": (ZIP,),
    ".zip": (ZIP,), ".png": (b"\x89PNG\r\n\x1a\n",), ".jpg": (b"\xff\xd8\xff",), ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None, ".csv": None, ".md": None,  # text: checked below
}
ACTIVE_TEXT = (b"<!doctype", b"<html", b"<script", b"<svg", b"<?xml", b"<?php", b"#!")


def allowed_extensions() -> str:
    return " ".join(sorted(SIGNATURES))


def validate_document(file) -> None:
    """Refuse, with the reason, a missing or empty file, one over MAX_DOCUMENT_SIZE, a type not on the list, or
    contents that are not what the extension says."""
    if file is None or not getattr(file, "size", 0):
        raise ValidationError({"file": _("Choose a non-empty file.")})
    limit = settings.MAX_DOCUMENT_SIZE
    if file.size > limit:
        raise ValidationError({"file": _("A file may be at most %(limit)s MB; this one is %(size).1f MB.")
                               % {"limit": limit // (1024 * 1024), "size": file.size / (1024 * 1024)}})
    name = getattr(file, "name", "") or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SIGNATURES:
        raise ValidationError({"file": _("Files of type “%(type)s” are not accepted; upload one of: %(allowed)s.")
                               % {"type": suffix or _("without extension"), "allowed": allowed_extensions()}})
    file.seek(0)
    head = file.read(512)
    file.seek(0)
    signatures = SIGNATURES[suffix]
    if signatures is None:
        text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
        if b"\x00" in head or text.startswith(ACTIVE_TEXT):
            raise ValidationError({"file": _("The file is not plain text although its name ends in %(type)s.")
                                   % {"type": suffix}})
    elif not head.startswith(signatures):
        raise ValidationError({"file": _("The file's contents are not a %(type)s file; it may be another kind of "
                                         "file renamed.") % {"type": suffix}})

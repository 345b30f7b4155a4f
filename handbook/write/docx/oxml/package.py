"""The package written as a reproducible zip: fixed dates, sorted parts, stable names."""

from __future__ import annotations

import datetime as dt
import zipfile

from lxml import etree

_IMAGE_EXTENSIONS = {"png", "jpeg", "jpg", "gif", "bmp", "tiff", "svg", "emf", "wmf"}


def write_package(package, target, when: dt.datetime,
                  replacements: dict[str, bytes] | None = None) -> None:
    """Save ``package`` as a zip whose bytes depend on its content only.

    Entries are written in a fixed order with one fixed date (``when``, the Document's
    creation time), so identical input gives identical files.
    """
    replacements = replacements or {}
    parts = sorted(package.iter_parts(), key=lambda part: str(part.partname))
    defaults = {"rels": "application/vnd.openxmlformats-package.relationships+xml",
                "xml": "application/xml"}
    overrides = {}
    for part in parts:
        ext = part.partname.ext.lower()
        if ext in _IMAGE_EXTENSIONS:
            defaults[ext] = part.content_type
        else:
            overrides[str(part.partname)] = part.content_type
    types = etree.Element("{http://schemas.openxmlformats.org/package/2006/content-types}Types",
                          nsmap={None: "http://schemas.openxmlformats.org/package/2006/"
                                       "content-types"})
    for ext, content_type in sorted(defaults.items()):
        etree.SubElement(types, "Default", Extension=ext, ContentType=content_type)
    for name, content_type in sorted(overrides.items()):
        etree.SubElement(types, "Override", PartName=name, ContentType=content_type)
    entries = [("[Content_Types].xml", etree.tostring(types, xml_declaration=True,
                                                       encoding="UTF-8", standalone=True)),
               ("_rels/.rels", package.rels.xml)]
    for part in parts:
        name = str(part.partname)
        entries.append((name.lstrip("/"), replacements.get(name) or part.blob))
        if len(part.rels):
            entries.append((part.partname.rels_uri.lstrip("/"), part.rels.xml))
    stamp = when.astimezone(dt.timezone.utc).timetuple()[:6]
    stamp = max(stamp, (1980, 1, 1, 0, 0, 0))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)

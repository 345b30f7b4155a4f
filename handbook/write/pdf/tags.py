"""One structure tree for a tagged PDF joined from parts printed tagged in parallel.

WeasyPrint tags each part as if it were the whole book: one StructTreeRoot whose Document
element holds the part's elements, a ParentTree keyed by the part's own page indexes
(``/StructParents`` 0, 1, …) and then its annotations, marked-content ids (MCIDs) counted per
page, and table-header ids made from its own object numbers. The join copies the pages as
they are, so the MCIDs stay consistent with each page's content; what changes is what spans
parts:

- the parts' Document children go, in order, under one Document element;
- the ParentTree is rebuilt for the whole book: the pages keep their order (key = page
  index), then every annotation that has a structure parent, each renumbered on the object;
- element ids get their part's prefix (two parts may make the same one), the cells' Headers
  follow, and an IDTree indexes them (WeasyPrint writes ids but no IDTree);
- the role maps and class maps are merged; MarkInfo, the title shown in the window and the
  namespaces of PDF 2.0 are set once.

The running headers and footers are printed untagged and drawn over the pages inside
``/Artifact BMC … EMC`` (join.py), so no content is left outside the tree or the artifacts.
Each part also ends in the invisible stub anchors of split.py (a Div of empty Spans), which
the book does not have: they are left out.

WeasyPrint's single tagged pass has two faults of its own that ``finish_single_pass``
mends: the running headers and footers are marked content whose elements hang outside the
tree (its comment says so), and the ids have no IDTree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pikepdf

__all__ = ["finish_single_pass", "join_structure", "struct_elements"]

_MERGED_MAPS = ("/RoleMap", "/ClassMap")
_MARKED = re.compile(rb"/[A-Za-z0-9]+\s*<<\s*/MCID\s+(\d+)\s*>>\s*BDC")


def join_structure(out: pikepdf.Pdf, sources: list[pikepdf.Pdf]) -> None:
    """Give ``out`` (whose pages are the ``sources``' pages, in order) one structure tree."""
    document = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructElem, S=pikepdf.Name.Document, K=pikepdf.Array()))
    root = out.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.StructTreeRoot, K=pikepdf.Array([document])))
    document.P = root
    page_entries: list = []
    annotation_entries: list = []
    offset = 0
    for number, source in enumerate(sources):
        if "/StructTreeRoot" not in source.Root:
            raise RuntimeError(f"part {number} of a tagged PDF was printed without tags")
        tree = out.copy_foreign(source.Root.StructTreeRoot)
        pages = out.pages[offset:offset + len(source.pages)]
        _adopt(document, tree)
        _renumber(tree, pages, page_entries, annotation_entries)
        _prefix_ids(document, tree, f"p{number}-")
        _merge_maps(root, tree, number == 0)
        offset += len(source.pages)
    keys = len(page_entries)
    for key, (annotation, _) in enumerate(annotation_entries, start=keys):
        annotation.StructParent = key
    nums = pikepdf.Array()
    for key, entry in enumerate(page_entries + [entry for _, entry in annotation_entries]):
        nums.append(key)
        nums.append(entry)
    root.ParentTree = out.make_indirect(pikepdf.Dictionary(Nums=nums))
    root.ParentTreeNextKey = len(nums) // 2
    _add_id_tree(out, root)
    out.Root.StructTreeRoot = root
    out.Root.MarkInfo = pikepdf.Dictionary(Marked=True)
    viewer = out.Root.get("/ViewerPreferences", pikepdf.Dictionary())
    viewer.DisplayDocTitle = True
    out.Root.ViewerPreferences = viewer


def finish_single_pass(target: Path) -> None:
    """Mark the running headers and footers of WeasyPrint's single tagged pass as artifacts
    (their MCIDs belong to no element of the tree) and add the IDTree."""
    with pikepdf.open(target, allow_overwriting_input=True) as pdf:
        root = pdf.Root.get("/StructTreeRoot")
        if root is None:
            return
        in_tree = {element.objgen for element in struct_elements(root)}
        entries = _number_tree(root.ParentTree)
        for page in pdf.pages:
            owners = entries.get(int(page.obj.get("/StructParents", -1)))
            if not isinstance(owners, pikepdf.Array):
                continue
            orphans = {mcid for mcid, owner in enumerate(owners)
                       if isinstance(owner, pikepdf.Dictionary) and owner.objgen not in in_tree}
            if orphans:
                _as_artifacts(pdf, page, orphans)
                for mcid in orphans:
                    owners[mcid] = None
        _add_id_tree(pdf, root)
        pdf.save(target, compress_streams=True, deterministic_id=True,
                 object_stream_mode=pikepdf.ObjectStreamMode.generate,
                 min_version=pdf.pdf_version)


def _as_artifacts(pdf: pikepdf.Pdf, page: pikepdf.Page, mcids: set[int]) -> None:
    """The page's marked content with these MCIDs made artifacts (same EMC, no id)."""
    page.contents_coalesce()
    content = _MARKED.sub(lambda match: b"/Artifact BMC" if int(match[1]) in mcids
                          else match[0], page.obj.Contents.read_bytes())
    page.obj.Contents = pdf.make_stream(content)


def struct_elements(root) -> list:
    """Every structure element under ``root`` (a StructTreeRoot or an element), in reading
    order (depth first), skipping marked-content ids and object references."""
    found = []
    stack = list(reversed(_kids(root)))
    while stack:
        kid = stack.pop()
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
            continue  # an MCID, a marked-content or an object reference
        found.append(kid)
        stack.extend(reversed(_kids(kid)))
    return found


def _kids(element) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _adopt(document, tree) -> None:
    """The part's Document children, moved under the book's Document element."""
    for part_document in _kids(tree):
        children = _kids(part_document)
        if children and children[-1].get("/S") == pikepdf.Name.Div and \
                not _marks_content(children[-1]):
            children.pop()  # split.py's stub anchors
        for kid in children:
            if isinstance(kid, pikepdf.Dictionary) and "/S" in kid:
                kid.P = document
            document.K.append(kid)


def _marks_content(element) -> bool:
    """Whether anything under ``element`` is marked content or an annotation."""
    stack = _kids(element)
    while stack:
        kid = stack.pop()
        if not isinstance(kid, pikepdf.Dictionary) or "/S" not in kid:
            return True
        stack.extend(_kids(kid))
    return False


def _renumber(tree, pages, page_entries: list, annotation_entries: list) -> None:
    """The part's ParentTree entries for its pages and annotations, by new key, each object
    given its new key (annotations get theirs once all pages are counted)."""
    entries = _number_tree(tree.ParentTree)
    for page in pages:
        old = int(page.obj.StructParents)
        page.obj.StructParents = len(page_entries)
        page_entries.append(entries[old])
        for annotation in page.obj.get("/Annots", []):
            if "/StructParent" in annotation:
                annotation_entries.append((annotation,
                                           entries[int(annotation.StructParent)]))


def _number_tree(node) -> dict[int, object]:
    """A number tree's entries, from its leaves (WeasyPrint writes one flat /Nums)."""
    entries: dict[int, object] = {}
    stack = [node]
    while stack:
        node = stack.pop()
        nums = node.get("/Nums", [])
        for index in range(0, len(nums), 2):
            entries[int(nums[index])] = nums[index + 1]
        stack.extend(node.get("/Kids", []))
    return entries


def _prefix_ids(document, tree, prefix: str) -> None:
    """Give the part's element ids ``prefix`` and point the table cells' Headers at them."""
    for element in _part_elements(document, tree):
        if "/ID" in element:
            element.ID = pikepdf.String(prefix + str(element.ID))
        for attributes in _attributes(element):
            headers = attributes.get("/Headers")
            if isinstance(headers, pikepdf.Array):
                attributes.Headers = pikepdf.Array(
                    [pikepdf.String(prefix + str(header)) for header in headers])


def _part_elements(document, tree) -> list:
    """The elements the part brought (its Document's children, now under ``document``)."""
    found = []
    for part_document in _kids(tree):
        found.extend(struct_elements(part_document))
    return found


def _attributes(element) -> list:
    attributes = element.get("/A")
    if isinstance(attributes, pikepdf.Dictionary):
        return [attributes]
    if isinstance(attributes, pikepdf.Array):
        return [entry for entry in attributes if isinstance(entry, pikepdf.Dictionary)]
    return []


def _merge_maps(root, tree, first: bool) -> None:
    """The part's role and class maps into the book's; the first part's namespaces."""
    for key in _MERGED_MAPS:
        if key in tree:
            merged = root.get(key, pikepdf.Dictionary())
            for name, value in tree[key].items():
                if name not in merged:
                    merged[name] = value
            root[key] = merged
    if first and "/Namespaces" in tree:
        root.Namespaces = tree.Namespaces
        documents = _kids(tree)
        if documents and "/NS" in documents[0]:
            _kids(root)[0].NS = documents[0].NS


def _add_id_tree(pdf: pikepdf.Pdf, root) -> bool:
    """An IDTree for the elements that have an ID; whether there was any."""
    ids = {str(element.ID): element for element in struct_elements(root) if "/ID" in element}
    if not ids:
        return False
    names = pikepdf.Array()
    for name in sorted(ids):
        names.append(pikepdf.String(name))
        names.append(ids[name])
    root.IDTree = pdf.make_indirect(pikepdf.Dictionary(Names=names))
    return True

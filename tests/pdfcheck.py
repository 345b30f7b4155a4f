"""The checks veraPDF makes for the rules of a tagged, archival PDF, written with pikepdf.

There is no veraPDF (or PAC) on these machines; each function returns the problems it finds
as readable strings (an empty list when the file passes), so a failing test says what is
wrong where. They follow the Matterhorn protocol and ISO 19005 clauses that apply to what
WeasyPrint writes: the structure tree and its ParentTree, marked content against the page
content, artifacts, headings, tables, figures, XMP identification, output intent, fonts.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field

import pikepdf
from fontTools.ttLib import TTFont

_PAINTING = {"Tj", "TJ", "'", '"', "S", "s", "f", "F", "f*", "B", "B*", "b", "b*", "sh",
             "Do", "INLINE IMAGE"}
_SCOPES = {"/Column", "/Row", "/Both"}
_XMP = {"pdfaid": "http://www.aiim.org/pdfa/ns/id/",
        "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


@dataclass
class Tree:
    """The structure elements in reading order, with what they hold."""

    elements: list = field(default_factory=list)       # depth first, in reading order
    parents: dict = field(default_factory=dict)        # objgen -> the parent's objgen
    marked: Counter = field(default_factory=Counter)   # (page objgen, MCID) -> elements
    owner: dict = field(default_factory=dict)          # (page objgen, MCID) -> element
    objects: dict = field(default_factory=dict)        # annotation objgen -> element


def kids(node) -> list:
    value = node.get("/K")
    if value is None:
        return []
    return list(value) if isinstance(value, pikepdf.Array) else [value]


def walk(pdf: pikepdf.Pdf) -> Tree:
    """Every element reachable from the StructTreeRoot, and the content each one marks."""
    root = pdf.Root.StructTreeRoot
    tree = Tree()
    stack = [(kid, root) for kid in reversed(kids(root))]
    while stack:
        node, parent = stack.pop()
        if isinstance(node, int):
            key = (parent.Pg.objgen, node)
            tree.marked[key] += 1
            tree.owner[key] = parent
            continue
        page, kind = node.get("/Pg"), node.get("/Type")
        if kind == pikepdf.Name.MCR:
            key = ((page or parent.Pg).objgen, int(node.MCID))
            tree.marked[key] += 1
            tree.owner[key] = parent
            continue
        if kind == pikepdf.Name.OBJR:
            tree.objects[node.Obj.objgen] = parent
            continue
        tree.elements.append(node)
        tree.parents[node.objgen] = parent.objgen
        stack.extend((kid, node) for kid in reversed(kids(node)))
    return tree


def structure_problems(pdf: pikepdf.Pdf) -> list[str]:
    """The tree, its parent links, the ParentTree against the pages' and annotations'
    keys, and each page's marked content against the elements (both ways)."""
    problems = []
    catalog = pdf.Root
    if "/StructTreeRoot" not in catalog:
        return ["no StructTreeRoot"]
    if catalog.get("/MarkInfo", {}).get("/Marked") is not True:
        problems.append("MarkInfo /Marked is not true")
    if not str(catalog.get("/Lang", "")):
        problems.append("no /Lang in the catalog")
    if catalog.get("/ViewerPreferences", {}).get("/DisplayDocTitle") is not True:
        problems.append("ViewerPreferences /DisplayDocTitle is not true")
    root = catalog.StructTreeRoot
    documents = [kid for kid in kids(root) if isinstance(kid, pikepdf.Dictionary)]
    if [str(d.get("/S")) for d in documents] != ["/Document"]:
        problems.append(f"the root holds {[str(d.get('/S')) for d in documents]}, "
                        "not one Document")
    tree = walk(pdf)
    for element in tree.elements:
        parent = element.get("/P")
        if parent is None or parent.objgen != tree.parents[element.objgen]:
            problems.append(f"{element.get('/S')} {element.objgen}: /P is not its parent")
    doubles = [key for key, count in tree.marked.items() if count > 1]
    if doubles:
        problems.append(f"MCIDs claimed by several elements: {doubles[:5]}")
    numbers = _number_tree(root.ParentTree)
    pages = {page.objgen: index for index, page in enumerate(pdf.pages)}
    content_marks = set()
    for index, page in enumerate(pdf.pages):
        mcids, unmarked = _page_marks(page)
        if unmarked:
            problems.append(f"page {index + 1}: {unmarked} painting operators outside "
                            "marked content and artifacts")
        key = page.obj.get("/StructParents")
        if mcids and key is None:
            problems.append(f"page {index + 1}: marked content but no /StructParents")
            continue
        entry = numbers.get(int(key)) if key is not None else None
        for mcid in mcids:
            content_marks.add((page.objgen, mcid))
            owner = tree.owner.get((page.objgen, mcid))
            if owner is None:
                problems.append(f"page {index + 1}: MCID {mcid} has no structure element")
            elif entry is None or mcid >= len(entry) or entry[mcid].objgen != owner.objgen:
                problems.append(f"page {index + 1}: the ParentTree does not give MCID {mcid} "
                                "the element that holds it")
        for annotation in page.obj.get("/Annots", []):
            if annotation.get("/Subtype") == pikepdf.Name.Link:
                owner = tree.objects.get(annotation.objgen)
                parent_key = annotation.get("/StructParent")
                if owner is None or parent_key is None:
                    problems.append(f"page {index + 1}: a link annotation outside the tree")
                elif numbers.get(int(parent_key)) is None or \
                        numbers[int(parent_key)].objgen != owner.objgen:
                    problems.append(f"page {index + 1}: the ParentTree does not give a link "
                                    "annotation its Link element")
    orphans = [key for key in tree.marked if key not in content_marks]
    if orphans:
        shown = [(pages.get(objgen, "?"), mcid) for objgen, mcid in orphans[:5]]
        problems.append(f"elements mark content that no page has: {shown}")
    keys = [int(page.obj.StructParents) for page in pdf.pages if "/StructParents" in page.obj]
    keys += [int(a.StructParent) for page in pdf.pages for a in page.obj.get("/Annots", [])
             if "/StructParent" in a]
    if len(keys) != len(set(keys)):
        problems.append("two objects share a StructParents key")
    if keys and int(root.get("/ParentTreeNextKey", max(keys) + 1)) <= max(keys):
        problems.append("ParentTreeNextKey is not above every key")
    problems += _id_problems(root, tree)
    return problems


def _number_tree(node) -> dict[int, object]:
    entries: dict[int, object] = {}
    stack = [node]
    while stack:
        node = stack.pop()
        nums = node.get("/Nums", [])
        for index in range(0, len(nums), 2):
            entries[int(nums[index])] = nums[index + 1]
        stack.extend(node.get("/Kids", []))
    return entries


def _page_marks(page: pikepdf.Page) -> tuple[list[int], int]:
    """The page's MCIDs in content order, and how many painting operators are outside any
    marked content (neither tagged content nor an artifact)."""
    mcids, unmarked, depth = [], 0, 0
    for instruction in pikepdf.parse_content_stream(page):
        operator = str(instruction.operator)
        if operator in ("BDC", "BMC"):
            depth += 1
            if operator == "BDC":
                properties = instruction.operands[1]
                if isinstance(properties, pikepdf.Dictionary) and "/MCID" in properties:
                    mcids.append(int(properties.MCID))
        elif operator == "EMC":
            depth -= 1
        elif operator in _PAINTING and depth == 0:
            unmarked += 1
    return mcids, unmarked


def _id_problems(root, tree: Tree) -> list[str]:
    """Element ids are unique and in the IDTree; every cell's Headers names one."""
    ids = Counter(str(e.ID) for e in tree.elements if "/ID" in e)
    problems = [f"id {name} is used {count} times" for name, count in ids.items() if count > 1]
    if ids:
        tree_ids = _name_tree(root.IDTree) if "/IDTree" in root else {}
        missing = set(ids) - set(tree_ids)
        if missing:
            problems.append(f"{len(missing)} ids are not in the IDTree, e.g. {min(missing)}")
    for element in tree.elements:
        attributes = element.get("/A")
        for entry in attributes if isinstance(attributes, pikepdf.Array) else [attributes]:
            if isinstance(entry, pikepdf.Dictionary):
                for header in entry.get("/Headers", []):
                    if str(header) not in ids:
                        problems.append(f"a cell's Headers names {header}, which is no id")
    return problems


def _name_tree(node) -> dict[str, object]:
    entries: dict[str, object] = {}
    stack = [node]
    while stack:
        node = stack.pop()
        names = node.get("/Names", [])
        for index in range(0, len(names), 2):
            entries[str(names[index])] = names[index + 1]
        stack.extend(node.get("/Kids", []))
    return entries


def element_types(pdf: pikepdf.Pdf) -> list[str]:
    """The structure types in reading order ("Document" omitted)."""
    return [str(e.S)[1:] for e in walk(pdf).elements if str(e.S) != "/Document"]


def heading_problems(pdf: pikepdf.Pdf) -> list[str]:
    """H1–H6 in reading order start at H1 and never skip a level going down."""
    problems, level = [], 0
    for kind in element_types(pdf):
        if len(kind) == 2 and kind[0] == "H" and kind[1].isdigit():
            new = int(kind[1])
            if new > level + 1:
                problems.append(f"H{new} follows H{level}" if level else f"the first heading "
                                f"is H{new}")
            level = new
    return problems


def table_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every Table has header cells (TH), and every TH says what it heads (a Table
    attribute /Scope of Column, Row or Both)."""
    tree = walk(pdf)
    problems = []
    for element in tree.elements:
        kind = str(element.S)
        if kind == "/Table" and "/TH" not in _descendants(element):
            problems.append(f"a Table {element.objgen} without TH")
        elif kind == "/TH" and _scope(element) not in _SCOPES:
            problems.append(f"a TH {element.objgen} without /Scope")
    return problems


def _scope(cell) -> str | None:
    attributes = cell.get("/A")
    if attributes is None or attributes.get("/O") != pikepdf.Name.Table:
        return None
    return str(attributes.get("/Scope", ""))


def languages(pdf: pikepdf.Pdf) -> list[tuple[str, str]]:
    """(structure type, /Lang) of every element that names its own language, in reading
    order: the text a screen reader must speak in another voice than the document's."""
    return [(str(e.S)[1:], str(e.Lang)) for e in walk(pdf).elements if "/Lang" in e]


def _descendants(element) -> set[str]:
    found, stack = set(), kids(element)
    while stack:
        node = stack.pop()
        if isinstance(node, pikepdf.Dictionary) and "/S" in node:
            found.add(str(node.S))
            stack.extend(kids(node))
    return found


def figures(pdf: pikepdf.Pdf) -> list[str]:
    """The /Alt of every Figure, in reading order ("" where it has none)."""
    return [str(e.get("/Alt", "")) for e in walk(pdf).elements if str(e.S) == "/Figure"]


def xmp_ids(pdf: pikepdf.Pdf) -> dict[str, str]:
    """pdfaid:part, pdfaid:conformance and pdfuaid:part as the XMP packet gives them."""
    found = {}
    if "/Metadata" not in pdf.Root:
        return found
    from xml.etree import ElementTree

    packet = ElementTree.fromstring(pdf.Root.Metadata.read_bytes().split(b"?>", 1)[1]
                                    .rsplit(b"<?xpacket", 1)[0])
    for element in packet.iter():
        for name, value in element.attrib.items():
            for prefix, namespace in _XMP.items():
                if name.startswith("{" + namespace + "}"):
                    found[f"{prefix}:{name.split('}')[1]}"] = value
    return found


def output_intent_problems(pdf: pikepdf.Pdf) -> list[str]:
    """One PDF/A output intent with an embedded RGB ICC profile."""
    intents = pdf.Root.get("/OutputIntents", [])
    archival = [i for i in intents if i.get("/S") == pikepdf.Name.GTS_PDFA1]
    if len(archival) != 1:
        return [f"{len(archival)} GTS_PDFA1 output intents"]
    profile = archival[0].get("/DestOutputProfile")
    if not isinstance(profile, pikepdf.Stream) or int(profile.get("/N", 0)) != 3:
        return ["the output intent has no RGB ICC profile"]
    if profile.read_bytes()[36:40] != b"acsp":
        return ["the output intent's profile is no ICC profile"]
    return []


def font_problems(pdf: pikepdf.Pdf) -> list[str]:
    """Every font embedded; a CIDSet, where there is one, lists the glyphs of its program."""
    problems, seen = [], set()
    for font in _fonts(pdf):
        if font.objgen in seen:
            continue
        seen.add(font.objgen)
        name = str(font.get("/BaseFont", "?"))
        if font.get("/Subtype") == pikepdf.Name.Type3:
            continue
        described = font.DescendantFonts[0] if "/DescendantFonts" in font else font
        descriptor = described.get("/FontDescriptor")
        files = [k for k in ("/FontFile", "/FontFile2", "/FontFile3")
                 if descriptor is not None and k in descriptor]
        if not files:
            problems.append(f"font {name} is not embedded")
            continue
        if "/CIDSet" in descriptor and files[0] == "/FontFile2":
            problems += _cid_set_problems(name, descriptor)
    return problems


def _cid_set_problems(name: str, descriptor) -> list[str]:
    """A CIDSet must identify every glyph that the (RETAIN_GIDS) subset program holds."""
    program = TTFont(io.BytesIO(descriptor.FontFile2.read_bytes()))
    glyf = program["glyf"]
    present = {gid for gid, glyph in enumerate(program.getGlyphOrder())
               if gid and glyf[glyph].numberOfContours != 0}
    bits = descriptor.CIDSet.read_bytes()
    listed = {index for index in range(len(bits) * 8)
              if bits[index // 8] & (0x80 >> (index % 8))}
    missing = present - listed
    return [f"font {name}: CIDSet misses glyphs {sorted(missing)[:5]}"] if missing else []


def _fonts(pdf: pikepdf.Pdf):
    """Every font of the pages, their forms and their Type 3 fonts."""
    stack = [page.obj for page in pdf.pages]
    seen = set()
    while stack:
        owner = stack.pop()
        if owner.is_indirect:
            if owner.objgen in seen:
                continue
            seen.add(owner.objgen)
        resources = owner.get("/Resources", {})
        for font in resources.get("/Font", {}).values():
            yield font
            if font.get("/Subtype") == pikepdf.Name.Type3:
                stack.append(font)
        for xobject in resources.get("/XObject", {}).values():
            if xobject.get("/Subtype") == pikepdf.Name.Form:
                stack.append(xobject)


def archival_problems(pdf: pikepdf.Pdf, part: int) -> list[str]:
    """What PDF/A forbids and WeasyPrint might write: encryption, transparency in part 1,
    annotations that do not print."""
    problems = []
    if pdf.is_encrypted:
        problems.append("encrypted")
    for index, page in enumerate(pdf.pages):
        for annotation in page.obj.get("/Annots", []):
            if not int(annotation.get("/F", 0)) & 4:
                problems.append(f"page {index + 1}: an annotation without the Print flag")
        if part == 1 and "/Group" in page.obj:
            problems.append(f"page {index + 1}: a transparency group (PDF/A-1)")
    return problems

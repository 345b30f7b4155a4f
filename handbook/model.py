"""The content model: what a handbook and its roles are, as CONTENT.md defines them.

Pydantic models give three things from one declaration: type checking with readable
errors, defaults, and the JSON Schema that editors use (``handbook schema``). Every model
object also knows where it came from (``where()``), so the cross-file checks in
``validate.py`` can point at the exact line of a dangling reference.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    WithJsonSchema,
    model_validator,
)
from pydantic_core import PydanticCustomError

from .errors import Location
from .load import LoadedFile, RawFloat, RawInt
from .locales import LANGUAGE_TAGS, Locale, infer_locale, inference_notice, parse_tag
from .pdfvariants import PDF_VARIANTS, variant_problem
from .style import PAGE_SIZES, page_size_name, parse_margins

__all__ = [
    "ID_PATTERN",
    "Department",
    "DocumentControl",
    "Duty",
    "Handbook",
    "Kpi",
    "Language",
    "Page",
    "Requirements",
    "Revision",
    "Role",
]

ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"


def _as_text(value: Any) -> Any:
    """Numbers are text as written in the file: ``version: 2.10`` is "2.10", not 2.1."""
    if isinstance(value, (RawInt, RawFloat)):
        return value.raw
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    return value


def _as_list(value: Any) -> Any:
    """A single string where a list is expected is a list of one (``skills: Excel``)."""
    return [value] if isinstance(value, str) else value


Text = Annotated[
    str,
    BeforeValidator(_as_text),
    WithJsonSchema({"type": ["string", "number"]}),
]
Markdown = Annotated[str, WithJsonSchema({"type": "string", "description": "CommonMark"})]
Id = Annotated[str, Field(pattern=ID_PATTERN)]
TextList = Annotated[list[Text], BeforeValidator(_as_list)]
IdList = Annotated[list[Id], BeforeValidator(_as_list)]
Percent = Annotated[float, Field(ge=0, le=100)]

_PERIOD = re.compile(r"^\s*(\d+)\s*(months?|years?|个月|個月|年)\s*$", re.IGNORECASE)


def period_months(text: str) -> int:
    """``12 months``, ``1 year``, ``18 个月`` as a number of months (for review currency)."""
    match = _PERIOD.match(text)
    if match is None or int(match[1]) == 0:
        raise PydanticCustomError(
            "review_period", "write a period such as `12 months` or `1 year`, not `{value}`",
            {"value": text})
    return int(match[1]) * (1 if match[2].lower().startswith("month") or "月" in match[2]
                            else 12)


def _check_period(value: Any) -> Any:
    if isinstance(value, str):
        period_months(value)
    return value


Period = Annotated[Text, AfterValidator(_check_period)]


def _language_tag(value: Any) -> Any:
    """A BCP 47 tag in any case ("EN-gb") is stored as the contract spells it ("en-GB")."""
    if not isinstance(value, str):
        return value
    try:
        return parse_tag(value).tag
    except ValueError as exc:
        raise PydanticCustomError("handbook_language", str(exc)) from None


def _page_size(value: Any) -> Any:
    value = _as_text(value)
    if not isinstance(value, str):
        return value
    name = page_size_name(value)
    if name is None:
        raise PydanticCustomError(
            "handbook_page_size", f"page size `{value}` is not one of {', '.join(PAGE_SIZES)}")
    return name


def _pdf_variant(value: Any) -> Any:
    value = _as_text(value)
    if not isinstance(value, str):
        return value
    problem = variant_problem(value)
    if problem:
        raise PydanticCustomError("handbook_pdf_variant", problem)
    return value.strip().lower()


def _margins(value: Any) -> Any:
    """One length or four (a list or space-separated), as written; checked, not converted."""
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        value = " ".join(value)
    if isinstance(value, (int, float, RawInt, RawFloat)) and not isinstance(value, bool):
        raise PydanticCustomError(
            "handbook_margins", f"margins need a unit: write `{_as_text(value)}mm`")
    if isinstance(value, str) and parse_margins(value) is None:
        raise PydanticCustomError(
            "handbook_margins", f"margins `{value}` must be lengths in mm, cm, in or pt: one "
            "value (20mm), or top right bottom left (20mm 18mm 20mm 18mm)")
    return value


Language = Annotated[str, BeforeValidator(_language_tag),
                     WithJsonSchema({"type": "string", "enum": list(LANGUAGE_TAGS)})]
PageSize = Annotated[str, BeforeValidator(_page_size),
                     WithJsonSchema({"type": "string", "enum": list(PAGE_SIZES)})]
PdfVariant = Annotated[str, BeforeValidator(_pdf_variant),
                       WithJsonSchema({"type": "string", "enum": list(PDF_VARIANTS)})]
Margins = Annotated[str, BeforeValidator(_margins),
                    WithJsonSchema({"anyOf": [{"type": "string"},
                                              {"type": "array", "items": {"type": "string"},
                                               "minItems": 1, "maxItems": 4}]})]


class _Model(BaseModel):
    """Base for content models: unknown keys are errors, and positions are attached."""

    model_config = ConfigDict(extra="forbid", strict=False, validate_default=True)
    _source: LoadedFile | None = PrivateAttr(default=None)
    _path: tuple = PrivateAttr(default=())

    def where(self, *keys: str | int, at_key: bool = False) -> Location:
        """Where this object, or the value under ``keys`` inside it, is written."""
        if self._source is None:
            return Location(Path("<unknown>"))
        return self._source.at(self._path + keys, key=at_key)

    def attach(self, source: LoadedFile, path: tuple = ()) -> None:
        """Record the file and path of this object and of every nested model."""
        self._source = source
        self._path = path
        for name in type(self).model_fields:
            _attach_value(getattr(self, name), source, path + (name,))


def _attach_value(value: Any, source: LoadedFile, path: tuple) -> None:
    if isinstance(value, _Model):
        value.attach(source, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _attach_value(item, source, path + (index,))


# --- handbook.yml ------------------------------------------------------------------------


class DocumentControl(_Model):
    """Document control block shown on the cover."""

    number: Text = Field(description="Document number.", examples=["HR-OPS-2026-01"])
    version: Text = Field(
        description="Current version; must equal the newest revision's version.",
        examples=["2.1"],
    )
    effective: dt.date = Field(description="Effective date (YYYY-MM-DD).", examples=["2026-03-01"])
    owner: Text | None = Field(None, description="Owning department.", examples=["人力资源部"])
    prepared_by: Text | None = Field(None, description="Prepared by (编制).", examples=["王敏"])
    reviewed_by: Text | None = Field(None, description="Reviewed by (审核).", examples=["李强"])
    approved_by: Text | None = Field(None, description="Approved by (批准).", examples=["陈立"])
    confidentiality: Text | None = Field(
        None, description="Confidentiality marking.", examples=["内部资料"]
    )


class Revision(_Model):
    """One entry of the revision history, oldest first."""

    version: Text = Field(description="Version this revision produced.", examples=["1.0"])
    date: dt.date = Field(description="Date of the revision (YYYY-MM-DD).", examples=["2025-06-01"])
    author: Text | None = Field(None, description="Who made the change.", examples=["王敏"])
    approved_by: Text | None = Field(None, description="Who approved it.", examples=["陈立"])
    changes: Markdown | None = Field(
        None, description="What changed (markdown).", examples=["初版发布"]
    )


class Department(_Model):
    """A department; the order in handbook.yml is the order in print."""

    id: Id = Field(description="Department id ([a-z0-9][a-z0-9-]*).", examples=["promotion"])
    name: Text = Field(description="Department name.", examples=["推广部"])
    parent: Id | None = Field(
        None, description="Parent department id; none = top level.", examples=["ops-center"]
    )
    head: Id | None = Field(
        None, description="Role id of the role that leads this department.", examples=["promo-lead"]
    )
    function: Markdown | None = Field(
        None, description="What the department is for (部门职能), markdown.",
        examples=["负责店铺流量的获取与转化。"],
    )


class Page(_Model):
    """Page size and margins: they override the language's default; a brand overrides both."""

    size: PageSize | None = Field(
        None, description=f"Paper size: {', '.join(PAGE_SIZES)} (default: A4, Letter for en-US).",
        examples=["A4"])
    margins: Margins | None = Field(
        None, description="Margins in mm, cm, in or pt: one length, or top right bottom left.",
        examples=["20mm"])


class Handbook(_Model):
    """handbook.yml: the handbook as a whole. Roles are attached after loading."""

    model_config = ConfigDict(title="handbook.yml")

    title: Text = Field(description="Handbook title.", examples=["电商运营中心组织架构及岗位职责"])
    subtitle: Text | None = Field(None, description="Subtitle.", examples=["2026 版"])
    organization: Text = Field(description="Organization name.", examples=["星河电子商务有限公司"])
    language: Language | None = Field(
        None, description="BCP 47 tag of the content's language: labels, fonts, dates and the "
        "default page size (en = en-US: Letter; en-GB and Chinese: A4). Inferred from the "
        "content when absent.",
        examples=["zh-Hans"],
    )
    page: Page | None = Field(
        None, description="Page size and margins; override the language's default.",
        examples=[{"size": "A4", "margins": "20mm"}],
    )
    pdf_variant: PdfVariant | None = Field(
        None, description="The PDF variant built by default (WeasyPrint's names): pdf/ua-1 "
        "for an accessible, tagged PDF, pdf/a-2u or pdf/a-2a for the archive; "
        "`build --pdf-variant` wins.", examples=["pdf/ua-1"],
    )
    logo: Text | None = Field(
        None, description="Logo image, a path inside the handbook directory.",
        examples=["assets/logo.svg"],
    )
    document: DocumentControl = Field(
        description="Document control, shown on the cover.",
        examples=[{"number": "HR-OPS-2026-01", "version": "2.1", "effective": "2026-03-01",
                   "prepared_by": "王敏", "approved_by": "陈立"}],
    )
    revisions: list[Revision] = Field(
        min_length=1, description="Revision history, oldest first (at least one).",
        examples=[[{"version": "1.0", "date": "2025-06-01", "author": "王敏",
                    "changes": "初版发布"}]],
    )
    intro: Markdown | None = Field(
        None, description="Foreword / how to read this handbook (markdown).",
        examples=["本手册说明运营中心各岗位的职责与要求。"],
    )
    review_every: Period | None = Field(
        None, description="How often each position is reviewed; `check` warns on positions "
        "whose `reviewed` date is older (months or years).", examples=["12 months"],
    )
    departments: list[Department] = Field(
        min_length=1, description="Departments in print order (at least one).",
        examples=[[{"id": "ops-center", "name": "运营中心", "head": "ops-director"},
                   {"id": "promotion", "name": "推广部", "parent": "ops-center"}]],
    )

    _name: str = PrivateAttr(default="")
    _root: Path = PrivateAttr(default=Path("."))
    _roles: dict[str, Role] = PrivateAttr(default_factory=dict)
    _inferred: tuple[Locale, str] | None = PrivateAttr(default=None)

    @property
    def name(self) -> str:
        """The handbook's name: its directory's name."""
        return self._name

    @property
    def root(self) -> Path:
        return self._root

    @property
    def roles(self) -> dict[str, Role]:
        """Roles by id, in file-name order."""
        return self._roles

    def content_locale(self) -> tuple[Locale, str | None]:
        """The locale of the content: ``language`` as written, or else the language its
        titles and duties are written in, with the notice that says it was chosen."""
        if self.language is not None:
            return parse_tag(self.language), None
        if self._inferred is None:
            roles = [role for role in self._roles.values() if role is not None]
            texts = [self.title, self.organization, *(d.name for d in self.departments),
                     *(role.title for role in roles),
                     *(duty.text for role in roles for duty in role.duties)]
            locale = infer_locale(texts)
            self._inferred = (locale, inference_notice(locale))
        return self._inferred

    def bind(self, root: Path, roles: dict[str, Role]) -> None:
        self._root = root
        self._name = root.resolve().name
        self._roles = roles
        self._inferred = None


# --- roles/<id>.yml ----------------------------------------------------------------------


class Duty(_Model):
    """One line of the duty table. A plain string is a duty with only text."""

    text: Markdown = Field(
        description="The duty (inline markdown).", examples=["根据店铺销售指标制定推广计划方案"]
    )
    share: Percent | None = Field(None, description="% of working time.", examples=[30])
    essential: bool = Field(True, description="Essential function of the role.",
                            examples=[True])
    frequency: Text | None = Field(None, description="How often.", examples=["每月"])

    @model_validator(mode="before")
    @classmethod
    def _from_string(cls, value: Any) -> Any:
        return {"text": value} if isinstance(value, str) else value

    @classmethod
    def __get_pydantic_json_schema__(cls, core_schema, handler):
        """Editors must accept the short form too: a plain string is a duty."""
        schema = handler(core_schema)
        return {"anyOf": [{"type": "string", "description": "A duty with only text."}, schema]}


class Requirements(_Model):
    """任职要求: what a person needs to hold the role."""

    education: Text | None = Field(None, description="Education.", examples=["大专及以上学历"])
    experience: Text | None = Field(
        None, description="Work experience.", examples=["3 年以上天猫店铺推广经验"]
    )
    skills: TextList = Field(
        default_factory=list, description="Skills.", examples=[["熟悉直通车、钻展等推广工具"]]
    )
    certifications: TextList = Field(
        default_factory=list, description="Certificates or licences.", examples=[["电子商务师"]]
    )
    other: TextList = Field(
        default_factory=list, description="Other requirements.",
        examples=[["具备良好的沟通协调能力"]],
    )

    def is_empty(self) -> bool:
        return not (self.education or self.experience or self.skills or self.certifications
                    or self.other)


class Kpi(_Model):
    """绩效考核: one measure of the role."""

    name: Text = Field(description="What is measured.", examples=["推广投入产出比"])
    target: Text | None = Field(None, description="Target, as text.", examples=["≥ 3.0"])
    weight: Percent | None = Field(None, description="Weight in %.", examples=[30])


class Role(_Model):
    """roles/<id>.yml: one position; the role id is the file's stem."""

    model_config = ConfigDict(title="role file")

    title: Text = Field(description="Position title.", examples=["推广主管"])
    code: Text | None = Field(
        None, description="Job code, unique across the handbook.", examples=["OPS-PR-01"]
    )
    department: Id = Field(description="Department id.", examples=["promotion"])
    reports_to: Id | None = Field(
        None, description="Role id of the manager; omitted only at the top.",
        examples=["ops-director"],
    )
    dotted_line_to: IdList = Field(
        default_factory=list, description="Matrix / functional reporting lines (role ids).",
        examples=[["marketing-lead"]],
    )
    assistant: bool = Field(False, description="A staff role drawn beside its manager.",
                            examples=[False])
    reviewed: dt.date | None = Field(
        None, description="When the position was last reviewed (YYYY-MM-DD).",
        examples=["2026-02-15"],
    )
    headcount: int = Field(1, ge=0, description="Planned seats (编制).", examples=[1])
    filled: int | None = Field(
        None, ge=0, description="Seats filled, 0..headcount; default = headcount.", examples=[1]
    )
    grade: Text | None = Field(None, description="Grade.", examples=["M1"])
    location: Text | None = Field(None, description="Work location.", examples=["杭州"])
    employment_type: Text | None = Field(None, description="Employment type.", examples=["全职"])
    summary: Markdown | None = Field(
        None, description="Purpose of the role (markdown).", examples=["负责店铺整体推广。"]
    )
    duties: list[Duty] = Field(
        min_length=1, description="The duty table (at least one).",
        examples=[[{"text": "根据店铺销售指标制定推广计划方案", "share": 60, "frequency": "每月"},
                   "定期组织人员培训交流"]],
    )
    requirements: Requirements | None = Field(
        None, description="Requirements to hold the role (任职要求).",
        examples=[{"education": "大专及以上学历", "skills": ["熟悉直通车、钻展等推广工具"]}],
    )
    kpis: list[Kpi] = Field(
        default_factory=list, description="Measures of the role (绩效考核).",
        examples=[[{"name": "推广投入产出比", "target": "≥ 3.0", "weight": 100}]],
    )
    competencies: TextList = Field(
        default_factory=list, description="Competencies.", examples=[["数据分析", "团队管理"]]
    )
    working_conditions: Markdown | None = Field(
        None, description="Working conditions (markdown).", examples=["需适应大促期间加班。"]
    )

    _id: str = PrivateAttr(default="")

    @property
    def id(self) -> str:
        """The role id: the file's stem."""
        return self._id

    @property
    def seats_filled(self) -> int:
        return self.headcount if self.filled is None else self.filled

    @property
    def vacancies(self) -> int:
        return max(self.headcount - self.seats_filled, 0)

"""JSON Schema of the two file kinds, generated from the model, for editors and CI.

yaml-language-server (VS Code's YAML extension) reads a ``# yaml-language-server:
$schema=...`` modeline at the top of a file, so each file kind gets its own schema.
Editors show its examples while one types, so they come in the handbook's language: the
model's are Simplified Chinese, Traditional is made from them with OpenCC (as the starter
is), and English ones are in ``templates/init/en/schema-examples.yml``.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Literal

import yaml

from .convert import converter

__all__ = ["SCHEMA_FILES", "schema_for", "schema_json"]

Kind = Literal["handbook", "role"]
SCHEMA_FILES: dict[str, str] = {"handbook": "handbook.schema.json", "role": "role.schema.json"}
_KINDS = ("handbook", "role")
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: Kind, lang: str = "zh-Hans") -> dict:
    """The JSON Schema of one file kind: ``handbook`` (handbook.yml) or ``role``, its
    examples in ``lang`` (a labels language: zh-Hans, zh-Hant or en)."""
    model = _model(kind)
    schema = model.model_json_schema(mode="validation")
    if lang == "en":
        _english(schema, model.__name__)
        for name, definition in schema.get("$defs", {}).items():
            _english(definition, name)
    schema = {"$schema": _DRAFT, **schema}
    if lang == "zh-Hant":
        traditional, _ = converter("zh-Hans", "zh-Hant")
        schema = json.loads(traditional(json.dumps(schema, ensure_ascii=False)))
    return schema


def _model(kind: Kind):
    """The model of a file kind, imported on use: the CLI reads SCHEMA_FILES for its help."""
    from .model import Handbook, Role

    return {"handbook": Handbook, "role": Role}[kind]


def _english(node, model: str) -> None:
    """Replace the examples of ``model``'s keys, wherever its properties sit (a duty's are
    inside the ``anyOf`` that also accepts a plain string)."""
    if isinstance(node, list):
        for item in node:
            _english(item, model)
    if not isinstance(node, dict):
        return
    examples = _english_examples().get(model, {})
    for key, prop in node.get("properties", {}).items():
        if key in examples:
            prop["examples"] = [examples[key]]
    for key, value in node.items():
        if key != "properties":
            _english(value, model)


@functools.cache
def _english_examples() -> dict[str, dict]:
    source = resources.files("handbook.templates") / "init" / "en" / "schema-examples.yml"
    return yaml.safe_load(source.read_text(encoding="utf-8"))


def schema_json(kind: Kind | None = None, lang: str = "zh-Hans") -> str:
    """One kind's schema, or both under ``$defs`` with a top level that accepts either."""
    if kind is not None:
        return json.dumps(schema_for(kind, lang), ensure_ascii=False, indent=2)
    combined = {
        "$schema": _DRAFT,
        "title": "handbook content (handbook.yml or roles/<id>.yml)",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in _KINDS],
        "$defs": {},
    }
    for name in _KINDS:
        schema = schema_for(name, lang)
        schema.pop("$schema")
        combined["$defs"].update(schema.pop("$defs", {}))
        combined["$defs"][name] = schema
    return json.dumps(combined, ensure_ascii=False, indent=2)

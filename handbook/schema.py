"""JSON Schema of the two file kinds, generated from the model, for editors and CI.

yaml-language-server (VS Code's YAML extension) reads a ``# yaml-language-server:
$schema=...`` modeline at the top of a file, so each file kind gets its own schema.
"""

from __future__ import annotations

import json
from typing import Literal

from pydantic import BaseModel

from .model import Handbook, Role

__all__ = ["SCHEMA_FILES", "schema_for", "schema_json"]

Kind = Literal["handbook", "role"]
SCHEMA_FILES: dict[str, str] = {"handbook": "handbook.schema.json", "role": "role.schema.json"}
_MODELS: dict[str, type[BaseModel]] = {"handbook": Handbook, "role": Role}
_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def schema_for(kind: Kind) -> dict:
    """The JSON Schema of one file kind: ``handbook`` (handbook.yml) or ``role``."""
    schema = _MODELS[kind].model_json_schema(mode="validation")
    return {"$schema": _DRAFT, **schema}


def schema_json(kind: Kind | None = None) -> str:
    """One kind's schema, or both under ``$defs`` with a top level that accepts either."""
    if kind is not None:
        return json.dumps(schema_for(kind), ensure_ascii=False, indent=2)
    combined = {
        "$schema": _DRAFT,
        "title": "handbook content (handbook.yml or roles/<id>.yml)",
        "anyOf": [{"$ref": f"#/$defs/{name}"} for name in _MODELS],
        "$defs": {},
    }
    for name in _MODELS:
        schema = schema_for(name)
        schema.pop("$schema")
        combined["$defs"].update(schema.pop("$defs", {}))
        combined["$defs"][name] = schema
    return json.dumps(combined, ensure_ascii=False, indent=2)

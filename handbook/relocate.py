"""A position validated once serves every file with the same bytes under the same name.

``diff`` loads two versions in which most role files are the same: ``validate`` shares their
YAML loads, and this shares the validation. The twin is not handed out as it is: a Role
knows the file it came from (every error and warning is placed with it), so the second file
gets a copy of the model tree whose every model points at its own file. Copying the models
takes a fraction of what validating them again takes; the values inside are shared, as nothing
changes a validated model.
"""

from __future__ import annotations

from typing import Any

from .load import LoadedFile
from .model import Role, _Model

__all__ = ["TwinRoles"]

_NESTING = (_Model, list)  # values that may hold models; the others are shared as they are


class TwinRoles:
    """Roles that validated without a problem, by role id and the load's data."""

    def __init__(self) -> None:
        self._known: dict[tuple[str, int], tuple[Any, Role]] = {}

    def get(self, role_id: str, loaded: LoadedFile) -> Role | None:
        """The Role of a twin of ``loaded`` (same data, same role id), placed in ``loaded``."""
        known = self._known.get((role_id, id(loaded.data)))
        if known is None or known[0] is not loaded.data:
            return None
        return relocated(known[1], loaded)

    def put(self, role_id: str, loaded: LoadedFile, role: Role) -> None:
        self._known[(role_id, id(loaded.data))] = (loaded.data, role)

    def clear(self) -> None:
        self._known.clear()


def relocated(model: _Model, source: LoadedFile, path: tuple = ()) -> Any:
    """A copy of ``model`` and of the models in it, attached to ``source`` as
    ``_Model.attach`` attaches them.

    Made as pydantic's ``BaseModel.__copy__`` makes a copy, without its generic ``copy()``
    calls and per-attribute ``__setattr__``: those took as long as validating anew.
    """
    cls = type(model)
    copy = cls.__new__(cls)
    values = {name: _relocated_value(value, source, path + (name,))
              if isinstance(value, _NESTING) else value for name, value in model.__dict__.items()}
    object.__setattr__(copy, "__dict__", values)
    object.__setattr__(copy, "__pydantic_extra__", model.__pydantic_extra__)
    object.__setattr__(copy, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    object.__setattr__(copy, "__pydantic_private__",
                       {**model.__pydantic_private__, "_source": source, "_path": path})
    return copy


def _relocated_value(value: Any, source: LoadedFile, path: tuple) -> Any:
    if isinstance(value, _Model):
        return relocated(value, source, path)
    if isinstance(value, list):
        return [_relocated_value(item, source, path + (index,)) if isinstance(item, _NESTING)
                else item for index, item in enumerate(value)]
    return value

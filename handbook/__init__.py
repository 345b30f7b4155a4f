"""handbook: turn structured role content (YAML) into job-description handbooks.

The pipeline reads like its stages: ``load`` YAML with positions, ``validate`` it into the
``model``, ``resolve`` it into one ``Document``, and hand that to each writer (HTML, PDF,
DOCX). The command line in ``handbook.cli`` is a thin layer over these functions.
"""

from .errors import ContentError, HandbookError, Location, Problem, UsageError

__all__ = [
    "ContentError",
    "Handbook",
    "HandbookError",
    "Location",
    "Problem",
    "Role",
    "UsageError",
    "__version__",
    "check_handbook",
    "load_handbook",
]

__version__ = "0.1.0"

# The model and the validator import pydantic (a third of a second): they are imported on
# first use, so `python -m handbook --help` does not wait for them.
_LAZY = {"Handbook": "model", "Role": "model", "check_handbook": "validate",
         "load_handbook": "validate"}


def __getattr__(name: str):
    if name not in _LAZY:
        raise AttributeError(f"module 'handbook' has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f".{_LAZY[name]}", __name__), name)

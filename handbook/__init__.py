"""handbook: turn structured role content (YAML) into job-description handbooks.

The pipeline reads like its stages: ``load`` YAML with positions, ``validate`` it into the
``model``, ``resolve`` it into one ``Document``, and hand that to each writer (HTML, PDF,
DOCX). The command line in ``handbook.cli`` is a thin layer over these functions.
"""

from .errors import ContentError, HandbookError, Location, Problem, UsageError
from .model import Handbook, Role
from .validate import check_handbook, load_handbook

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

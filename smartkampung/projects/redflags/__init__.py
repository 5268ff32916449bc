"""The red-flag engine: rules (``rules``), their findings and idempotent storage
(``findings``), and running them (``engine``): ``screen_project`` and ``detect_all``; what
changed since the last run (``incremental``): ``detect_changed``."""

from .engine import detect_all, screen_project
from .incremental import detect_changed

__all__ = ["detect_all", "detect_changed", "screen_project"]

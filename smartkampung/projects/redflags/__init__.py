"""The red-flag engine: rules (``rules``), their findings and idempotent storage
(``findings``), and running them (``engine``): ``screen_project`` and ``detect_all``."""

from .engine import detect_all, screen_project

__all__ = ["detect_all", "screen_project"]

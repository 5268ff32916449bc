"""Masking of personal identifiers (UU 27/2022): NIK and KK numbers outside the full view."""

from __future__ import annotations

MASK_CHAR = "•"


def mask_identifier(value: str | None, *, keep_start: int = 4, keep_end: int = 4) -> str:
    """``3510014507900003`` → ``3510••••••••0003``. Short or empty values are fully masked."""
    if not value:
        return ""
    text = str(value)
    if len(text) <= keep_start + keep_end:
        return MASK_CHAR * len(text)
    hidden = len(text) - keep_start - keep_end
    return text[:keep_start] + MASK_CHAR * hidden + text[len(text) - keep_end :]


def mask_name(name: str | None) -> str:
    """``Siti Aminah`` → ``S*** A*****``: enough to recognise, not enough to identify."""
    if not name:
        return ""
    return " ".join(word[0] + "*" * (len(word) - 1) for word in str(name).split())

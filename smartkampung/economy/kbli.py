"""KBLI 2020 sections by two-digit division (Peraturan BPS 2/2020): a code's sector."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SECTION_DIVISIONS: dict[str, tuple[int, ...]] = {
    "A": (1, 2, 3),
    "B": (5, 6, 7, 8, 9),
    "C": tuple(range(10, 34)),
    "D": (35,),
    "E": (36, 37, 38, 39),
    "F": (41, 42, 43),
    "G": (45, 46, 47),
    "H": (49, 50, 51, 52, 53),
    "I": (55, 56),
    "J": (58, 59, 60, 61, 62, 63),
    "K": (64, 65, 66),
    "L": (68,),
    "M": (69, 70, 71, 72, 73, 74, 75),
    "N": (77, 78, 79, 80, 81, 82),
    "O": (84,),
    "P": (85,),
    "Q": (86, 87, 88),
    "R": (90, 91, 92, 93),
    "S": (94, 95, 96),
    "T": (97, 98),
    "U": (99,),
}
SECTION_OF_DIVISION = {d: s for s, divisions in SECTION_DIVISIONS.items() for d in divisions}

SECTION_NAMES = {
    "A": _("Agriculture, forestry and fishing"),
    "B": _("Mining and quarrying"),
    "C": _("Manufacturing"),
    "D": _("Electricity and gas"),
    "E": _("Water supply and waste"),
    "F": _("Construction"),
    "G": _("Trade and repair"),
    "H": _("Transport and storage"),
    "I": _("Accommodation and food"),
    "J": _("Information and communication"),
    "K": _("Finance and insurance"),
    "L": _("Real estate"),
    "M": _("Professional and technical services"),
    "N": _("Rental and support services"),
    "O": _("Public administration"),
    "P": _("Education"),
    "Q": _("Health and social work"),
    "R": _("Arts and recreation"),
    "S": _("Other services"),
    "T": _("Households as employers"),
    "U": _("Extraterritorial organisations"),
}


def sector_of(code: str) -> str | None:
    """The KBLI section of a five-digit code, or None if the code is not well formed."""
    if len(code) != 5 or not code.isdigit():
        return None
    return SECTION_OF_DIVISION.get(int(code[:2]))

"""Dukcapil (SIAK) code lists, stored as their official numeric codes.

The codes and English labels mirror ``data/reference/dukcapil_codes.csv`` (see its README for
sources and uncertainties); a test keeps the two in step. The Indonesian labels shown in the UI
are the translations of the English ones in this app's catalogue; imports also accept the SIAK
upper-case Indonesian labels from the CSV (``siak_label_index``).
"""

from __future__ import annotations

import csv
import unicodedata
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Sex(models.IntegerChoices):
    """SIAK list ``jenis_kelamin``."""

    MALE = 1, _("Male")
    FEMALE = 2, _("Female")


class Religion(models.IntegerChoices):
    """SIAK list ``agama``."""

    ISLAM = 1, _("Islam")
    CHRISTIANITY = 2, _("Christianity (Protestant)")
    CATHOLICISM = 3, _("Catholicism")
    HINDUISM = 4, _("Hinduism")
    BUDDHISM = 5, _("Buddhism")
    CONFUCIANISM = 6, _("Confucianism (Khonghucu)")
    KEPERCAYAAN = 7, _("Indigenous belief in One Almighty God (Kepercayaan)")


class Education(models.IntegerChoices):
    """SIAK list ``pendidikan_kk``."""

    NO_SCHOOLING = 1, _("No schooling / not yet in school")
    PRIMARY_NOT_COMPLETED = 2, _("Primary school not completed")
    PRIMARY_COMPLETED = 3, _("Primary school completed")
    JUNIOR_SECONDARY = 4, _("Junior secondary school or equivalent")
    SENIOR_SECONDARY = 5, _("Senior secondary school or equivalent")
    DIPLOMA_I_II = 6, _("Diploma I/II")
    DIPLOMA_III = 7, _("Academy / Diploma III / Sarjana Muda")
    BACHELOR = 8, _("Diploma IV / Bachelor's degree (S1)")
    MASTER = 9, _("Master's degree (S2)")
    DOCTORATE = 10, _("Doctoral degree (S3)")


class Occupation(models.IntegerChoices):
    """SIAK list ``pekerjaan``."""

    NOT_WORKING = 1, _("Not yet working / not working")
    HOMEMAKER = 2, _("Homemaker")
    PUPIL_STUDENT = 3, _("Pupil / student")
    RETIREE = 4, _("Retiree")
    CIVIL_SERVANT = 5, _("Civil servant (PNS)")
    TNI = 6, _("Indonesian armed forces (TNI)")
    POLRI = 7, _("Indonesian national police (POLRI)")
    TRADE = 8, _("Trade")
    FARMER_PLANTER = 9, _("Farmer / planter")
    LIVESTOCK_FARMER = 10, _("Livestock farmer")
    FISHER_FISHERIES = 11, _("Fisher / fisheries")
    INDUSTRY = 12, _("Industry")
    CONSTRUCTION = 13, _("Construction")
    TRANSPORTATION = 14, _("Transportation")
    PRIVATE_SECTOR_EMPLOYEE = 15, _("Private-sector employee")
    BUMN_EMPLOYEE = 16, _("State-owned enterprise employee (BUMN)")
    BUMD_EMPLOYEE = 17, _("Regional government-owned enterprise employee (BUMD)")
    HONORARY_EMPLOYEE = 18, _("Honorary (non-permanent) public employee")
    CASUAL_DAILY_LABOURER = 19, _("Casual daily labourer")
    FARM_PLANTATION_LABOURER = 20, _("Farm / plantation labourer")
    FISHERY_LABOURER = 21, _("Fishery labourer")
    LIVESTOCK_LABOURER = 22, _("Livestock labourer")
    DOMESTIC_WORKER = 23, _("Domestic worker")
    BARBER = 24, _("Barber")
    ELECTRICIAN = 25, _("Electrician")
    MASON_BRICKLAYER = 26, _("Mason / bricklayer")
    CARPENTER = 27, _("Carpenter")
    SHOE_REPAIRER = 28, _("Shoe repairer")
    WELDER_BLACKSMITH = 29, _("Welder / blacksmith")
    TAILOR = 30, _("Tailor")
    DENTAL_TECHNICIAN = 31, _("Dental technician (tukang gigi)")
    MAKE_UP_ARTIST = 32, _("Make-up artist")
    FASHION_STYLIST = 33, _("Fashion stylist")
    HAIRDRESSER = 34, _("Hairdresser")
    MECHANIC = 35, _("Mechanic")
    ARTIST = 36, _("Artist")
    TRADITIONAL_HEALER = 37, _("Traditional healer")
    TRADITIONAL_BIRTH_ATTENDANT = 38, _("Traditional birth attendant")
    FASHION_DESIGNER = 39, _("Fashion designer")
    TRANSLATOR = 40, _("Translator")
    MOSQUE_IMAM = 41, _("Mosque imam")
    PROTESTANT_MINISTER = 42, _("Protestant minister")
    CATHOLIC_PRIEST = 43, _("Catholic priest")
    JOURNALIST = 44, _("Journalist")
    ISLAMIC_TEACHER_PREACHER = 45, _("Islamic teacher / preacher")
    COOK = 46, _("Cook")
    EVENT_PROMOTER = 47, _("Event promoter")
    MEMBER_DPR = 48, _("Member of the House of Representatives (DPR RI)")
    MEMBER_DPD = 49, _("Member of the Regional Representative Council (DPD)")
    MEMBER_BPK = 50, _("Member of the Supreme Audit Board (BPK)")
    PRESIDENT = 51, _("President")
    VICE_PRESIDENT = 52, _("Vice President")
    CONSTITUTIONAL_COURT_JUSTICE = 53, _("Constitutional Court justice")
    CABINET_MINISTER = 54, _("Cabinet minister")
    AMBASSADOR = 55, _("Ambassador")
    GOVERNOR = 56, _("Governor")
    VICE_GOVERNOR = 57, _("Vice Governor")
    REGENT = 58, _("Regent (Bupati)")
    VICE_REGENT = 59, _("Vice Regent")
    MAYOR = 60, _("Mayor")
    VICE_MAYOR = 61, _("Vice Mayor")
    MEMBER_DPRD_PROVINCE = 62, _("Member of a provincial legislative council (DPRD)")
    MEMBER_DPRD_REGENCY = 63, _("Member of a regency/city legislative council (DPRD)")
    LECTURER = 64, _("Lecturer")
    TEACHER = 65, _("Teacher")
    PILOT = 66, _("Pilot")
    LAWYER = 67, _("Lawyer")
    NOTARY = 68, _("Notary")
    ARCHITECT = 69, _("Architect")
    ACCOUNTANT = 70, _("Accountant")
    CONSULTANT = 71, _("Consultant")
    MEDICAL_DOCTOR = 72, _("Medical doctor")
    MIDWIFE = 73, _("Midwife")
    NURSE = 74, _("Nurse")
    PHARMACIST = 75, _("Pharmacist")
    PSYCHIATRIST_PSYCHOLOGIST = 76, _("Psychiatrist / psychologist")
    TELEVISION_BROADCASTER = 77, _("Television broadcaster")
    RADIO_BROADCASTER = 78, _("Radio broadcaster")
    SEAFARER = 79, _("Seafarer")
    RESEARCHER = 80, _("Researcher")
    DRIVER = 81, _("Driver")
    BROKER = 82, _("Broker")
    PARANORMAL = 83, _("Paranormal practitioner")
    TRADER_MERCHANT = 84, _("Trader / merchant")
    VILLAGE_OFFICIAL = 85, _("Village official (perangkat desa)")
    VILLAGE_HEAD = 86, _("Village head")
    NUN = 87, _("Nun / member of a religious order")
    SELF_EMPLOYED = 88, _("Self-employed / entrepreneur")
    OTHER = 89, _("Other")


class MaritalStatus(models.IntegerChoices):
    """SIAK list ``status_perkawinan``."""

    NOT_MARRIED = 1, _("Not married")
    MARRIED = 2, _("Married")
    DIVORCED = 3, _("Divorced")
    WIDOWED = 4, _("Widowed")


class FamilyRole(models.IntegerChoices):
    """SIAK list ``shdk``."""

    HEAD_OF_FAMILY = 1, _("Head of family")
    HUSBAND = 2, _("Husband")
    WIFE = 3, _("Wife")
    CHILD = 4, _("Child")
    SON_DAUGHTER_IN_LAW = 5, _("Son-/daughter-in-law")
    GRANDCHILD = 6, _("Grandchild")
    PARENT = 7, _("Parent")
    PARENT_IN_LAW = 8, _("Parent-in-law")
    OTHER_RELATIVE = 9, _("Other relative")
    DOMESTIC_HELPER = 10, _("Domestic helper")
    OTHER = 11, _("Other")


class BloodType(models.IntegerChoices):
    """SIAK list ``golongan_darah``."""

    A = 1, "A"
    B = 2, "B"
    AB = 3, "AB"
    O = 4, "O"  # noqa: E741 - the blood group's name
    A_POS = 5, "A+"
    A_NEG = 6, "A-"
    B_POS = 7, "B+"
    B_NEG = 8, "B-"
    AB_POS = 9, "AB+"
    AB_NEG = 10, "AB-"
    O_POS = 11, "O+"
    O_NEG = 12, "O-"
    UNKNOWN = 13, _("Unknown")


class Citizenship(models.IntegerChoices):
    """SIAK list ``kewarganegaraan``."""

    WNI = 1, _("Indonesian citizen (WNI)")
    WNA = 2, _("Foreign national (WNA)")


class Disability(models.IntegerChoices):
    """SIAK list ``penyandang_cacat``."""

    PHYSICAL = 1, _("Physical disability")
    VISUAL = 2, _("Visual impairment / blind")
    HEARING_SPEECH = 3, _("Hearing / speech impairment")
    MENTAL = 4, _("Mental / psychosocial disability")
    PHYSICAL_AND_MENTAL = 5, _("Physical and mental disability")
    OTHER = 6, _("Other disability")


# SIAK list name → choices class (the names used in data/reference/dukcapil_codes.csv).
SIAK_LISTS: dict[str, type[models.IntegerChoices]] = {
    "jenis_kelamin": Sex,
    "agama": Religion,
    "pendidikan_kk": Education,
    "pekerjaan": Occupation,
    "status_perkawinan": MaritalStatus,
    "shdk": FamilyRole,
    "golongan_darah": BloodType,
    "kewarganegaraan": Citizenship,
    "penyandang_cacat": Disability,
}

REFERENCE_CSV = Path(settings.BASE_DIR) / "data" / "reference" / "dukcapil_codes.csv"


def label_key(list_name: str, text: str) -> str:
    """Compare labels ignoring case, accents, spaces and punctuation (``Laki-laki`` =
    ``LAKI LAKI``); blood groups keep their rhesus sign (``A+`` ≠ ``A``)."""
    decomposed = unicodedata.normalize("NFKD", text).casefold()
    if list_name == "golongan_darah":
        decomposed = decomposed.replace("rh", "")
        return "".join(ch for ch in decomposed if ch.isalnum() or ch in "+-")
    return "".join(ch for ch in decomposed if ch.isalnum())


@cache
def siak_label_index() -> dict[str, dict[str, int]]:
    """For each SIAK list, every accepted spelling (code, SIAK label, English label) → code."""
    index: dict[str, dict[str, int]] = {name: {} for name in SIAK_LISTS}
    for name, choices in SIAK_LISTS.items():
        for value, label in choices.choices:
            index[name][str(value)] = int(value)
            with translation.override("en"):
                index[name][label_key(name, str(label))] = int(value)
    with REFERENCE_CSV.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["list"] in index:
                index[row["list"]][label_key(row["list"], row["name_id"])] = int(row["code"])
    # Short forms found on KK cards and SIAK exports.
    index["jenis_kelamin"].update(
        {"l": Sex.MALE, "lk": Sex.MALE, "p": Sex.FEMALE, "pr": Sex.FEMALE}
    )
    return index


def code_for(list_name: str, text: str) -> int | None:
    """The code of ``text`` (a code number or a label) in a SIAK list, or None."""
    text = text.strip()
    if text.isdigit():
        text = str(int(text))
        return siak_label_index()[list_name].get(text)
    return siak_label_index()[list_name].get(label_key(list_name, text))

"""Synthetic but plausible residents of Banyuwangi villages (demo data, tests, benchmark).

Names mix the Javanese and Osing names common in Banyuwangi with Madurese-influenced Islamic
names and a Balinese (Hindu) minority; households follow the usual KK shape (head, spouse,
children, sometimes a parent). Everything is drawn from a seeded ``random.Random``, so the
same seed gives the same people. Nobody here is a real person; NIKs are well formed but
invented.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from .codes import (
    BloodType,
    Education,
    FamilyRole,
    MaritalStatus,
    Occupation,
    Religion,
    Sex,
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


MALE_NAMES = _words(
    "Slamet Sugeng Supriyadi Budi Agus Bambang Joko Eko Hadi Suroso Sutrisno Wahyu Rudi Hendra "
    "Imam Ahmad Muhammad Abdul Nur Ali Hasan Yusuf Rizky Dimas Bayu Fajar Galih Arif Teguh "
    "Sholeh Samsul Mukhlis Kusnadi Paiman Sukarno Sumarto Ponidi Darsono Mulyono Suyono Gatot "
    "Ilham Andi Hari Nanang Wawan Herman Didik Totok Sanusi Sahlan Asnawi Jumadi Mistar Mahfud "
    "Sunardi Senari Misrawi Sukirno Haryanto Rahmat Syaiful Khoirul Nurhadi Sapari Untung "
    "Sugiono Kholik Bahrul Taufik Anang Purwanto Sucipto Marsudi Yanto Mujiono Ma'ruf"
)
FEMALE_NAMES = _words(
    "Siti Sri Sumiati Suminah Kasiyani Wahyuni Dewi Ratna Indah Yuliana Aminah Fatimah "
    "Khusnul Lilik Endang Tutik Sulastri Suprapti Rukmini Murtini Painem Sumirah Ayu Putri "
    "Anisa Rina Lestari Wulan Ika Sanah Misnah Suhartatik Sahriyah Nurhasanah Mesiyah Juwariyah "
    "Sulistyowati Kartini Umi Zulaikha Nurul Laili Faridah Hartini Puji Sumarni Mariyam "
    "Ni'mah Rohmah Sholikhah Tri Eni Yayuk Rini Susanti Novita Ernawati Mujiati Rusmini"
)
SECOND_NAMES = _words(
    "Wibowo Santoso Prasetyo Hidayat Setiawan Susanto Kurniawan Saputra Wijaya Hartono "
    "Purnomo Sugiarto Wahyudi Hermawan Nugroho Pratama Firmansyah Maulana Hakim Hidayatullah "
    "Efendi Rohman Syafi'i Arifin Mustofa Anshori Subekti Utomo Cahyono Ramadhan"
)
FEMALE_SECOND_NAMES = _words(
    "Rahayu Lestari Handayani Wulandari Fitriani Anggraini Puspitasari Safitri Rahmawati "
    "Ningsih Astuti Kusumawati Maharani Oktaviani Nurjanah Sholihah Yuliani Hasanah"
)
BALINESE_MALE = ("I Wayan", "I Made", "I Nyoman", "I Ketut", "I Putu", "I Gede")
BALINESE_FEMALE = ("Ni Wayan", "Ni Made", "Ni Nyoman", "Ni Ketut", "Ni Putu", "Ni Luh")
BALINESE_NAMES = _words("Sudarsana Artawan Sukadana Suweta Arsana Mertayasa Sriani Sukerti Suarni")
DUSUN_NAMES = _words(
    "Krajan Sumbersari Kedungrejo Sidomulyo Tegalsari Rejoagung Kampunganyar Ringinsari "
    "Pancer Sumberagung Curahjati Karangrejo Gumukmas Wonorejo Sukomade"
)
STREETS = ("Jl. Raya", "Jl. Pantai", "Jl. Kenanga", "Jl. Melati", "Jl. Masjid", "Gang Mawar")
BIRTH_PLACES = (
    ["Banyuwangi"] * 14
    + ["Genteng", "Rogojampi", "Muncar", "Pesanggaran", "Bangorejo", "Srono", "Glenmore"] * 2
    + ["Jember", "Situbondo", "Bondowoso", "Surabaya", "Denpasar", "Malang", "Lumajang"]
)
# Rough shares in Banyuwangi (BPS): overwhelmingly Muslim, Hindu and Christian minorities.
RELIGION_WEIGHTS = (
    (Religion.ISLAM, 955),
    (Religion.HINDUISM, 18),
    (Religion.CHRISTIANITY, 15),
    (Religion.CATHOLICISM, 7),
    (Religion.BUDDHISM, 4),
    (Religion.KEPERCAYAAN, 1),
)
ADULT_OCCUPATIONS = (
    (Occupation.FARMER_PLANTER, 22),
    (Occupation.FARM_PLANTATION_LABOURER, 14),
    (Occupation.SELF_EMPLOYED, 12),
    (Occupation.PRIVATE_SECTOR_EMPLOYEE, 10),
    (Occupation.TRADE, 6),
    (Occupation.FISHER_FISHERIES, 5),
    (Occupation.CASUAL_DAILY_LABOURER, 8),
    (Occupation.TRADER_MERCHANT, 4),
    (Occupation.CIVIL_SERVANT, 2),
    (Occupation.TEACHER, 2),
    (Occupation.DRIVER, 2),
    (Occupation.CONSTRUCTION, 2),
    (Occupation.MASON_BRICKLAYER, 2),
    (Occupation.NOT_WORKING, 3),
)
ADULT_EDUCATION = (
    (Education.NO_SCHOOLING, 6),
    (Education.PRIMARY_NOT_COMPLETED, 12),
    (Education.PRIMARY_COMPLETED, 30),
    (Education.JUNIOR_SECONDARY, 20),
    (Education.SENIOR_SECONDARY, 24),
    (Education.DIPLOMA_I_II, 1),
    (Education.DIPLOMA_III, 2),
    (Education.BACHELOR, 5),
)
BLOOD = (
    (BloodType.UNKNOWN, 50),
    (BloodType.O, 18),
    (BloodType.A, 12),
    (BloodType.B, 14),
    (BloodType.AB, 4),
    (BloodType.O_POS, 2),
)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


class NumberBook:
    """Hands out unique NIK and KK serials per region + date prefix (the first serial of a
    prefix is drawn at random, as real serials are not all 0001)."""

    def __init__(self, seed: str = "numbers") -> None:
        self._next: dict[str, int] = {}
        self._rng = random.Random(seed)  # noqa: S311 - synthetic data

    def _serial(self, prefix: str) -> str:
        n = self._next.get(prefix) or self._rng.randint(1, 3000)
        n += 1
        if n > 9999:
            raise ValueError(f"serials exhausted for {prefix}")
        self._next[prefix] = n
        return f"{prefix}{n:04d}"

    def nik(self, region: str, sex: int, birth: date) -> str:
        day = birth.day + (40 if sex == Sex.FEMALE else 0)
        return self._serial(f"{region}{day:02d}{birth:%m%y}")

    def kk(self, region: str, issued: date) -> str:
        return self._serial(f"{region}{issued:%d%m%y}")


def _birth(rng: random.Random, today: date, low: int, high: int) -> date:
    return today - timedelta(days=rng.randint(low * 365 + 1, high * 365 + 300))


def _name(rng: random.Random, sex: int, religion: int) -> str:
    if religion == Religion.HINDUISM:
        first = rng.choice(BALINESE_MALE if sex == Sex.MALE else BALINESE_FEMALE)
        return f"{first} {rng.choice(BALINESE_NAMES)}"
    first = rng.choice(MALE_NAMES if sex == Sex.MALE else FEMALE_NAMES)
    if first in ("Muhammad", "Ahmad", "Abdul", "Nur") or rng.random() < 0.55:
        second = rng.choice(SECOND_NAMES if sex == Sex.MALE else FEMALE_SECOND_NAMES)
        return f"{first} {second}"
    return first


def _person(
    rng: random.Random,
    *,
    sex: int,
    birth: date,
    role: int,
    religion: int,
    today: date,
    married: bool,
) -> dict[str, Any]:
    age = (today - birth).days // 365
    if age < 5:
        education, occupation = Education.NO_SCHOOLING, Occupation.NOT_WORKING
    elif age < 19:
        education = Education.PRIMARY_NOT_COMPLETED if age < 13 else Education.PRIMARY_COMPLETED
        occupation = Occupation.PUPIL_STUDENT
    else:
        education = _pick(rng, ADULT_EDUCATION)
        occupation = _pick(rng, ADULT_OCCUPATIONS)
        if sex == Sex.FEMALE and married and rng.random() < 0.45:
            occupation = Occupation.HOMEMAKER
        if age >= 65 and rng.random() < 0.5:
            occupation = Occupation.NOT_WORKING
    status = MaritalStatus.MARRIED if married else MaritalStatus.NOT_MARRIED
    return {
        "full_name": _name(rng, sex, religion),
        "sex": sex,
        "birth_place": rng.choice(BIRTH_PLACES),
        "birth_date": birth,
        "religion": religion,
        "education": education,
        "occupation": occupation,
        "marital_status": status,
        "family_role": role,
        "blood_type": _pick(rng, BLOOD),
        "citizenship": 1,
        "disability": None,
    }


def households(
    rng: random.Random,
    *,
    village_code: str,
    people: int,
    numbers: NumberBook,
    today: date,
    rw_count: int = 4,
) -> Iterator[list[dict[str, Any]]]:
    """Yield households (lists of resident records, head first) until ``people`` are made."""
    region = village_code.replace(".", "")[:6]
    dusuns = rng.sample(DUSUN_NAMES, k=min(len(DUSUN_NAMES), max(2, rw_count // 2)))
    made = 0
    while made < people:
        rw = rng.randint(1, rw_count)
        place = {
            "rt": f"{rng.randint(1, 6):03d}",
            "rw": f"{rw:03d}",
            "dusun": dusuns[(rw - 1) % len(dusuns)],
            "address": f"{rng.choice(STREETS)} No. {rng.randint(1, 120)}",
        }
        religion = _pick(rng, RELIGION_WEIGHTS)
        issued = today - timedelta(days=rng.randint(30, 6000))
        kk = numbers.kk(region, issued)
        members: list[dict[str, Any]] = []
        head_sex = Sex.MALE if rng.random() < 0.86 else Sex.FEMALE
        head_birth = _birth(rng, today, 22, 78)
        couple = head_sex == Sex.MALE and rng.random() < 0.85
        head = _person(
            rng,
            sex=head_sex,
            birth=head_birth,
            role=FamilyRole.HEAD_OF_FAMILY,
            religion=religion,
            today=today,
            married=couple,
        )
        if head_sex == Sex.FEMALE:
            head["marital_status"] = rng.choice(
                [MaritalStatus.WIDOWED, MaritalStatus.DIVORCED, MaritalStatus.NOT_MARRIED]
            )
        members.append(head)
        head_age = (today - head_birth).days // 365
        if couple:
            wife_age = max(18, head_age - rng.randint(0, 8))
            members.append(
                _person(
                    rng,
                    sex=Sex.FEMALE,
                    birth=_birth(rng, today, wife_age, wife_age),
                    role=FamilyRole.WIFE,
                    religion=religion,
                    today=today,
                    married=True,
                )
            )
        mother_age = head_age if not couple else head_age - 3
        children = rng.choice([0, 1, 1, 2, 2, 2, 3, 3, 4]) if mother_age > 19 else 0
        for _i in range(children):
            oldest = max(0, min(mother_age - 19, 30))
            child_age = rng.randint(0, oldest) if oldest else 0
            members.append(
                _person(
                    rng,
                    sex=rng.choice([Sex.MALE, Sex.FEMALE]),
                    birth=_birth(rng, today, child_age, child_age),
                    role=FamilyRole.CHILD,
                    religion=religion,
                    today=today,
                    married=child_age >= 22 and rng.random() < 0.3,
                )
            )
        if head_age < 50 and rng.random() < 0.08:
            parent_age = min(95, head_age + rng.randint(20, 30))
            members.append(
                _person(
                    rng,
                    sex=Sex.FEMALE,
                    birth=_birth(rng, today, parent_age, parent_age),
                    role=FamilyRole.PARENT,
                    religion=religion,
                    today=today,
                    married=False,
                )
            )
            members[-1]["marital_status"] = MaritalStatus.WIDOWED
        father = head["full_name"] if head_sex == Sex.MALE else ""
        mother = members[1]["full_name"] if couple else ""
        if head_sex == Sex.FEMALE:
            mother = head["full_name"]
        for member in members:
            member.update(place)
            member["kk_number"] = kk
            member["nik"] = numbers.nik(region, member["sex"], member["birth_date"])
            if member["family_role"] == FamilyRole.CHILD:
                member["father_name"] = father
                member["mother_name"] = mother
                if head_sex == Sex.MALE and rng.random() < 0.4 and religion != Religion.HINDUISM:
                    # Javanese children often carry the father's name as a second name.
                    first = member["full_name"].split()[0]
                    member["full_name"] = f"{first} {head['full_name'].split()[0]}"
        made += len(members)
        yield members

"""``python manage.py aid_check FILE.csv [--output OUT.csv] [--explain]``

Checks a file of proposed enrolments (columns ``programme_code,period,nik,kk_number,
village_code``; optional ``name,birth_date`` for rows without NIK) against every rule without
saving anything, and writes one CSV line per row: ``row,programme_code,period,village_code,
decision,rules`` where ``decision`` is ``accept``, ``refuse`` or ``review`` and ``rules`` the
codes of the rules that fired, separated by ``;`` (``--explain`` adds the messages).
"""

from __future__ import annotations

import csv
import io
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartkampung.core.exceptions import DomainError
from smartkampung.core.uploads import decode_text, read_limited
from smartkampung.population.validation import parse_date
from smartkampung.welfare import rules

REQUIRED = ("programme_code", "period", "nik", "kk_number", "village_code")
OPTIONAL = ("name", "birth_date")


def read_candidates(text: str) -> Iterator[tuple[int, rules.Candidate]]:
    """(row number, candidate) per data row; raises CommandError on a wrong header."""
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    unknown = [h for h in header if h and h not in REQUIRED + OPTIONAL]
    if missing or unknown:
        raise CommandError(
            "header must hold "
            + ",".join(REQUIRED)
            + (f"; missing: {', '.join(missing)}" if missing else "")
            + (f"; unknown: {', '.join(unknown)}" if unknown else "")
        )
    index = {name: header.index(name) for name in header if name}
    for number, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue

        def cell(name: str, cells: list[str] = cells) -> str:
            i = index.get(name)
            return cells[i].strip() if i is not None and i < len(cells) else ""

        yield (
            number,
            rules.Candidate(
                programme_code=cell("programme_code").upper(),
                period=cell("period"),
                nik=cell("nik"),
                kk_number=cell("kk_number"),
                village_code=cell("village_code"),
                name=cell("name"),
                birth_date=parse_date(cell("birth_date")) if cell("birth_date") else None,
            ),
        )


class Command(BaseCommand):
    help = (
        "Check proposed enrolments (programme_code,period,nik,kk_number,village_code) against "
        "every rule without saving; one CSV line per row with the decision and the rules fired."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--output", type=Path, help="write the result here (default: stdout)")
        parser.add_argument("--explain", action="store_true", help="add the rules' messages")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        limit = int(getattr(settings, "SK_WELFARE_IMPORT_MAX_BYTES", 400 * 1024 * 1024))
        try:
            with path.open("rb") as handle:
                text = decode_text(read_limited(handle, max_bytes=limit))
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if "\x00" in text:
            raise CommandError("the file is not a CSV text file")
        pairs = list(read_candidates(text))
        out = (
            options["output"].open("w", newline="", encoding="utf-8")
            if options["output"]
            else sys.stdout
        )
        writer = csv.writer(out, lineterminator="\n")
        header = ["row", "programme_code", "period", "village_code", "decision", "rules"]
        writer.writerow([*header, "messages"] if options["explain"] else header)
        decisions: Counter[str] = Counter()
        judged = rules.check(c for _n, c in pairs)
        for (number, candidate), judgement in zip(pairs, judged, strict=True):
            decisions[judgement.decision] += 1
            line = [
                number,
                candidate.programme_code,
                candidate.period,
                candidate.village_code,
                judgement.decision,
                ";".join(judgement.rules),
            ]
            if options["explain"]:
                line.append(" | ".join(f.message for f in judgement.findings))
            writer.writerow(line)
        if options["output"]:
            out.close()
        self.stderr.write(
            f"{len(pairs)} rows: {decisions['accept']} accept, {decisions['refuse']} refuse, "
            f"{decisions['review']} review"
        )

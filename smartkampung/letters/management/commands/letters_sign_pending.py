from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from smartkampung.letters.selectors import letters_awaiting_signature
from smartkampung.letters.services.letters import letter_sign


class Command(BaseCommand):
    help = (
        "Typeset and sign every approved letter whose signature failed earlier (e.g. while a "
        "remote signing service was down). Numbers are kept. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        signed = failed = 0
        for letter_id in letters_awaiting_signature():
            try:
                letter_sign(letter_id=letter_id)
                signed += 1
            except Exception as exc:  # report and go on with the next letter
                failed += 1
                self.stderr.write(f"letter {letter_id}: {exc}")
        self.stdout.write(f"signed {signed}, failed {failed}")
        if failed:
            raise SystemExit(1)

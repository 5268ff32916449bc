"""Small-cell suppression: publish population counts so that no person can be singled out.

Method (docs/portal.md, "Population statistics: small-cell suppression"):

1. **Primary suppression.** A count from 1 to ``threshold - 1`` (default 1–4) is hidden.
   Zeros are published: they say nothing about a person.
2. **Complementary (secondary) suppression.** A published total with a single hidden cell
   under it would give that cell away by subtraction (total − the other cells), and two hidden
   cells that add up to less than the threshold would still be small. So, for every
   *equation* "margin = sum of terms" whose margin is published, the hidden terms must be
   either none, or at least two that together count at least ``threshold`` people. While an
   equation breaks the rule, the smallest published non-zero term is hidden as well (ties by
   key, so the result is deterministic); if there is none, the margin itself is hidden.
   Hiding a cell can break another equation, so this repeats until nothing changes.

The equations are every table of a region against its total (sex, religion, education,
occupation, marital status against the population; the age pyramid's men and women against
the men and women) *and* every cell of a region against the same cell of its children
(regency = Σ kecamatan, kecamatan = Σ villages), so that a kecamatan or regency figure never
reveals a village's hidden cell by difference. The suppression is computed once for the
whole regency, so every page and every open-data file hides the same cells.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

Key = tuple[str, str, str]  # (region code, table, category)
Cell = tuple[str, str]  # (table, category)
Equation = tuple[Key, Sequence[Key]]


@dataclass(frozen=True)
class Suppression:
    threshold: int
    primary: frozenset[Key]
    hidden: frozenset[Key]  # primary and complementary

    def shown(self, key: Key, value: int) -> int | None:
        """The value to publish: None when the cell is hidden."""
        return None if key in self.hidden else value


def suppress(
    values: Mapping[Key, int], equations: Sequence[Equation], *, threshold: int
) -> Suppression:
    """Hide small cells and the cells that would reveal them (see the module docstring).
    ``values`` holds every cell; a key missing from it counts as a published 0."""
    primary = {key for key, value in values.items() if 0 < value < threshold}
    hidden = set(primary)
    changed = bool(hidden)
    while changed:
        changed = False
        for margin, terms in equations:
            if margin in hidden:
                continue
            hidden_terms = [t for t in terms if t in hidden]
            if not hidden_terms:
                continue
            hidden_sum = sum(values.get(t, 0) for t in hidden_terms)
            if len(hidden_terms) >= 2 and hidden_sum >= threshold:
                continue
            candidates = [t for t in terms if t not in hidden and values.get(t, 0) > 0]
            if candidates:
                hidden.add(min(candidates, key=lambda t: (values.get(t, 0), t)))
            else:
                hidden.add(margin)
            changed = True
    return Suppression(threshold=threshold, primary=frozenset(primary), hidden=frozenset(hidden))


@dataclass(frozen=True)
class RegionCounts:
    """Counts of every region of a tree after suppression."""

    values: dict[Key, int]
    cells: dict[str, set[Cell]]  # region code → the (table, category) cells it has
    suppression: Suppression

    def shown(self, region: str, table: str, category: str = "") -> int | None:
        key = (region, table, category)
        return self.suppression.shown(key, self.values.get(key, 0))

    @cached_property
    def _hidden_per_region(self) -> Counter[str]:
        return Counter(key[0] for key in self.suppression.hidden)

    def hidden_in(self, region: str) -> int:
        return self._hidden_per_region[region]


def suppress_regions(
    counts: Mapping[str, Mapping[Cell, int]],
    tree: Sequence[tuple[str, Sequence[str]]],
    margins: Callable[[str, set[Cell]], Iterable[Equation]],
    *,
    threshold: int,
) -> RegionCounts:
    """Suppress the counts of villages and of the regions above them at once.

    ``counts`` holds each village's cells; ``tree`` lists (parent, children) with children
    before their parents (kecamatan, then the regency): a parent's cell is the sum of its
    children's, and that sum is an equation. ``margins(region, cells)`` gives the equations
    inside one region (e.g. each table against the region's total)."""
    values: dict[Key, int] = {}
    cells: dict[str, set[Cell]] = defaultdict(set)
    for region, region_counts in counts.items():
        for (table, category), n in region_counts.items():
            values[(region, table, category)] = n
            cells[region].add((table, category))
    equations: list[Equation] = []
    for parent, children in tree:
        for child in children:
            cells[parent] |= cells[child]
        for table, category in sorted(cells[parent]):
            terms = [(c, table, category) for c in children if (table, category) in cells[c]]
            values[(parent, table, category)] = sum(values[t] for t in terms)
            equations.append(((parent, table, category), terms))
    for region, present in list(cells.items()):
        equations.extend(margins(region, present))
    return RegionCounts(
        values=values,
        cells=dict(cells),
        suppression=suppress(values, equations, threshold=threshold),
    )

"""Small-cell suppression: primary and complementary suppression on tables and hierarchies."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from smartkampung.portal.disclosure import Key, suppress


def k(region: str, table: str = "t", category: str = "") -> Key:
    return (region, table, category)


def table(values: dict[str, int], margin: int | None = None) -> tuple[dict[Key, int], list]:
    """One region's table: categories a, b, c… under the total."""
    cells = {k("r", "t", c): v for c, v in values.items()}
    cells[k("r", "total")] = sum(values.values()) if margin is None else margin
    return cells, [(k("r", "total"), [k("r", "t", c) for c in values])]


def test_small_counts_are_hidden_and_zeros_are_not() -> None:
    cells, equations = table({"a": 100, "b": 3, "c": 0, "d": 50, "e": 2})
    result = suppress(cells, equations, threshold=5)
    assert result.primary == {k("r", "t", "b"), k("r", "t", "e")}
    assert k("r", "t", "c") not in result.hidden
    assert result.shown(k("r", "t", "a"), 100) == 100
    assert result.shown(k("r", "t", "b"), 3) is None


def test_a_single_hidden_cell_under_a_published_total_gets_a_companion() -> None:
    # 100 + 3 + 50 = 153: with only "b" hidden, 153 - 100 - 50 gives 3 away.
    cells, equations = table({"a": 100, "b": 3, "d": 50})
    result = suppress(cells, equations, threshold=5)
    assert result.primary == {k("r", "t", "b")}
    # The smallest other non-zero cell is hidden too.
    assert result.hidden == {k("r", "t", "b"), k("r", "t", "d")}
    assert k("r", "total") not in result.hidden


def test_hidden_cells_that_add_up_to_a_small_number_get_another_companion() -> None:
    # 1 + 1 = 2 hidden: the difference would say "two people in two categories" → 1 and 1.
    cells, equations = table({"a": 100, "b": 1, "c": 1, "d": 50, "e": 40})
    result = suppress(cells, equations, threshold=5)
    hidden_terms = [key for key in result.hidden if key[1] == "t"]
    assert len(hidden_terms) == 3
    assert k("r", "t", "e") in result.hidden  # 40 is the smallest published cell
    assert sum(cells[key] for key in hidden_terms) >= 5


def test_when_nothing_else_can_be_hidden_the_total_is_hidden() -> None:
    cells, equations = table({"a": 2, "b": 1})
    result = suppress(cells, equations, threshold=5)
    assert k("r", "total") in result.hidden  # 3 people in all: the total is small itself


def test_a_hidden_village_cell_cannot_be_worked_out_from_the_kecamatan() -> None:
    # Kecamatan K = villages V1 + V2 + V3 for category "hindu".
    cells = {
        k("K", "religion", "4"): 23,
        k("V1", "religion", "4"): 2,
        k("V2", "religion", "4"): 9,
        k("V3", "religion", "4"): 12,
    }
    equations = [
        (k("K", "religion", "4"), [k(v, "religion", "4") for v in ("V1", "V2", "V3")]),
    ]
    result = suppress(cells, equations, threshold=5)
    assert k("V1", "religion", "4") in result.hidden
    assert k("V2", "religion", "4") in result.hidden  # the smallest other village
    assert k("V3", "religion", "4") not in result.hidden
    assert k("K", "religion", "4") not in result.hidden


def test_suppression_propagates_across_the_two_directions() -> None:
    # A village's table and the kecamatan's: hiding a companion in one may break the other.
    cells = {
        k("V1", "total"): 60,
        k("V1", "t", "a"): 57,
        k("V1", "t", "b"): 3,
        k("V2", "total"): 70,
        k("V2", "t", "a"): 40,
        k("V2", "t", "b"): 30,
        k("K", "total"): 130,
        k("K", "t", "a"): 97,
        k("K", "t", "b"): 33,
    }
    equations = (
        [(k(r, "total"), [k(r, "t", "a"), k(r, "t", "b")]) for r in ("V1", "V2", "K")]
        + [(k("K", "t", c), [k("V1", "t", c), k("V2", "t", c)]) for c in ("a", "b")]
        + [(k("K", "total"), [k("V1", "total"), k("V2", "total")])]
    )
    result = suppress(cells, equations, threshold=5)
    for margin, terms in equations:
        if margin in result.hidden:
            continue
        hidden = [t for t in terms if t in result.hidden]
        assert not hidden or (len(hidden) >= 2 and sum(cells[t] for t in hidden) >= 5), margin


def test_the_result_does_not_depend_on_the_order_of_the_cells() -> None:
    cells, equations = table({"a": 100, "b": 3, "c": 7, "d": 7, "e": 2})
    first = suppress(cells, equations, threshold=5)
    reversed_cells = dict(reversed(list(cells.items())))
    assert suppress(reversed_cells, equations, threshold=5).hidden == first.hidden


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=1, max_size=6),
        min_size=1,
        max_size=5,
    ),
    st.integers(min_value=2, max_value=10),
)
def test_no_published_total_ever_reveals_a_hidden_cell(
    villages: list[list[int]], threshold: int
) -> None:
    """Whatever the counts: every published total has no hidden term, or at least two hidden
    terms that together count at least the threshold; no small count is published."""
    width = max(len(v) for v in villages)
    cells: dict[Key, int] = {}
    equations = []
    for i, counts in enumerate(villages):
        region = f"V{i}"
        padded = counts + [0] * (width - len(counts))
        for c, n in enumerate(padded):
            cells[k(region, "t", str(c))] = n
        cells[k(region, "total")] = sum(padded)
        equations.append((k(region, "total"), [k(region, "t", str(c)) for c in range(width)]))
    for c in range(width):
        cells[k("K", "t", str(c))] = sum(
            cells[k(f"V{i}", "t", str(c))] for i in range(len(villages))
        )
        equations.append(
            (k("K", "t", str(c)), [k(f"V{i}", "t", str(c)) for i in range(len(villages))])
        )
    cells[k("K", "total")] = sum(cells[k(f"V{i}", "total")] for i in range(len(villages)))
    equations.append((k("K", "total"), [k("K", "t", str(c)) for c in range(width)]))
    equations.append((k("K", "total"), [k(f"V{i}", "total") for i in range(len(villages))]))

    result = suppress(cells, equations, threshold=threshold)

    for key, value in cells.items():
        if 0 < value < threshold:
            assert key in result.hidden
    for margin, terms in equations:
        if margin in result.hidden:
            continue
        hidden = [t for t in terms if t in result.hidden]
        assert not hidden or (len(hidden) >= 2 and sum(cells[t] for t in hidden) >= threshold)

"""Small-cell protection of published counts (docs/reports.md), one rule for every table.

Primary suppression shows a count from 1 to k-1 as "<k"; secondary suppression then hides, in
every breakdown left with exactly one hidden cell, the next smallest shown cell ("x"), or the
total when no cell is left, so no hidden value follows from the total and the other cells; a
hidden total makes every breakdown hide at least two cells. Pure: no Flask, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

#: Counts from 1 to DEFAULT_THRESHOLD - 1 are hidden.
DEFAULT_THRESHOLD = 5
#: A cell hidden so that a hidden small cell cannot be worked out from the total and the rest.
SECONDARY = "x"

#: (breakdown, cell code); (None, None) is the total.
Key = tuple[str | None, str | None]
TOTAL: Key = (None, None)


def hidden_cells(
    values: Mapping[Key, float], groups: Sequence[Sequence[Key]], threshold: int
) -> dict[Key, str]:
    """The text of every cell to hide ("<k" or "x"), keyed like `values` (which holds the total
    and every breakdown's cells; `groups` lists each breakdown's keys)."""
    hidden = {key: f"<{threshold}" for key, value in values.items() if 0 < value < threshold}
    changed = True
    while changed:
        changed = False
        for keys in groups:
            if sum(1 for key in keys if key in hidden) != 1:
                continue
            rest = sorted(
                (key for key in keys if key not in hidden and values[key] > 0),
                key=lambda key: values[key],
            )
            extra = rest[0] if rest else TOTAL
            if extra not in hidden:
                hidden[extra] = SECONDARY
                changed = True
        # A hidden total: every breakdown could give it back, so each needs two hidden cells.
        if TOTAL in hidden:
            for keys in groups:
                if not any(key in hidden for key in keys):
                    smallest = sorted((k for k in keys if values[k] > 0), key=lambda k: values[k])
                    for key in smallest[:2]:
                        hidden[key] = SECONDARY
                        changed = True
    return hidden

"""Small-cell suppression for /coach/bereik, over every figure the page publishes at once.

Each figure (a count, or a total that other counts add up to) is a variable; a `line` says that some
variables add up to another (a row of a table and its total, the weeks of a column and the column total,
the languages bg + sk + ro and that target group). Then:

1. Primary: every figure from 1 to 4 is shown as "<5" (`SMALL`).
2. Complementary: an attacker knows every shown figure exactly, that a "<5" is 1 to 4 and that a hidden
   figure ("x", `HIDDEN`, only ever a figure of 5 or more) is at least 5. Interval propagation over all lines
   bounds every suppressed figure; while one is pinned to a single value, the smallest shown figure of 5 or
   more in one of its lines is hidden too (or, when none is left, the line's total). Intervals miss what
   several lines give away together, so once none is pinned by them, each "<5" must also have a second value in
   a whole assignment that adds up on every line (`unprotected`); one that has none is treated as pinned.

tests/coach/test_reach_suppression.py attacks the result by brute force (every assignment consistent with
what is shown) and finds at least two values for every suppressed figure.
"""

from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field

SHOWN = "shown"
SMALL = "small"  # 1 to 4, shown as "<5"
HIDDEN = "hidden"  # 5 or more, hidden so that a small figure cannot be computed back
# Last resort, any value (also 0 to 4), shown as "x" too: when a small figure is pinned and no figure of 5 or more
# is left anywhere near it (four teams with 1 each under a total of 4 pin each to 1), a total is hidden instead.
HIDDEN_ANY = "hidden_any"
UNBOUNDED = 10**12
MAX_ROUNDS = 10_000
# How many steps the search for a second possible value of a "<5" may take before that figure counts as pinned
# (and a figure near it is hidden): enough for the pages of the tests, short enough for the page's 1 s.
WITNESS_STEPS = 60
# How far from a "<5" (in lines) the search for its witness lets figures change; at last, anywhere (None).
WITNESS_RADII = (1, 2, 3, 4, None)


@dataclass
class Suppression:
    """The figures of one page and the lines between them; `solve()` decides what each shows."""

    values: dict[Hashable, int] = field(default_factory=dict)
    lines: list[tuple[tuple[Hashable, ...], Hashable]] = field(default_factory=list)
    states: dict[Hashable, str] = field(default_factory=dict)

    def add(self, key: Hashable, value: int) -> None:
        if key in self.values and self.values[key] != value:
            raise ValueError(f"{key!r} published twice with different values")
        self.values[key] = value

    def line(self, cells: list[Hashable], total: Hashable) -> None:
        """`cells` add up to `total` (all already added)."""
        if sum(self.values[cell] for cell in cells) != self.values[total]:
            raise ValueError(f"the cells of {total!r} do not add up to it")
        self.lines.append((tuple(cells), total))

    def state(self, key: Hashable) -> str:
        return self.states.get(key, SHOWN)

    def solve(self) -> dict[Hashable, str]:
        self.states = {key: SMALL for key, value in self.values.items() if 1 <= value <= 4}
        lines_of: dict[Hashable, list[int]] = defaultdict(list)
        for index, (cells, total) in enumerate(self.lines):
            for key in (*cells, total):
                lines_of[key].append(index)
        for _ in range(MAX_ROUNDS):
            pinned = self.pinned() or self.unprotected()
            if not pinned:
                return self.states
            # One more hidden figure near each pinned one in this round, unless a figure hidden this round
            # already shares a line with it (then the next round looks again): fewer rounds on a big page.
            touched: set[int] = set()
            for key in pinned:
                if touched & set(lines_of[key]):
                    continue
                hidden = self._hide_near(key, lines_of) or self._hide_anything_near(key, lines_of)
                if hidden is None:
                    raise RuntimeError(f"suppression found nothing left to hide around {key!r}")
                touched |= set(lines_of[hidden])
        raise RuntimeError("suppression did not settle")

    def bounds(self) -> dict[Hashable, tuple[int, int]]:
        """What an attacker can bound each figure to from what is shown (interval propagation to a fixpoint;
        only the lines of figures whose bounds changed are looked at again)."""
        low, high = self._known()
        self._propagate(low, high, range(len(self.lines)), self._lines_of())
        return {key: (low[key], high[key]) for key in self.values}

    def _known(self) -> tuple[dict[Hashable, int], dict[Hashable, int]]:
        """The bounds of each figure from its own state alone."""
        low: dict[Hashable, int] = {}
        high: dict[Hashable, int] = {}
        for key, value in self.values.items():
            state = self.state(key)
            if state == SHOWN:
                low[key], high[key] = value, value
            elif state == SMALL:
                low[key], high[key] = 1, 4
            else:
                low[key], high[key] = (5, UNBOUNDED) if state == HIDDEN else (0, UNBOUNDED)
        return low, high

    def _lines_of(self) -> dict[Hashable, list[int]]:
        lines_of: dict[Hashable, list[int]] = defaultdict(list)
        for index, (cells, total) in enumerate(self.lines):
            for key in (*cells, total):
                lines_of[key].append(index)
        return lines_of

    def _propagate(
        self,
        low: dict[Hashable, int],
        high: dict[Hashable, int],
        start: Iterable[int],
        lines_of: dict[Hashable, list[int]],
    ) -> bool:
        """Narrow `low` and `high` in place through the lines, starting from the lines `start`; False when some
        line can no longer add up (no assignment within these bounds exists)."""
        pending = list(start)
        queued = set(pending)
        while pending:
            index = pending.pop()
            queued.discard(index)
            cells, total = self.lines[index]
            low_sum = sum(low[cell] for cell in cells)
            high_sum = sum(high[cell] for cell in cells)
            changed = []
            if low_sum > low[total] or high_sum < high[total]:
                low[total], high[total] = max(low[total], low_sum), min(high[total], high_sum)
                if low[total] > high[total]:
                    return False
                changed.append(total)
            for cell in cells:
                new_low = max(low[cell], low[total] - (high_sum - high[cell]))
                new_high = min(high[cell], high[total] - (low_sum - low[cell]))
                if new_low > new_high:
                    return False
                if new_low != low[cell] or new_high != high[cell]:
                    low_sum += new_low - low[cell]
                    high_sum += new_high - high[cell]
                    low[cell], high[cell] = new_low, new_high
                    changed.append(cell)
            for key in changed:
                for other in lines_of[key]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
        return True

    def pinned(self) -> list[Hashable]:
        """Small figures the attacker can pin to one value (a hidden figure may be computed back: it is 5 or more,
        and what it gives away about small ones is in the bounds already)."""
        bounds = self.bounds()
        return [key for key, state in self.states.items() if state == SMALL and bounds[key][0] >= bounds[key][1]]

    def unprotected(self, steps: int = WITNESS_STEPS) -> list[Hashable]:
        """Small figures for which no second possible value is found: interval propagation misses what sums taken
        together give away (three "<5" under a total of 3 and a hidden figure bounded by another line), an
        attacker who tries every assignment does not. So for each "<5" look for a whole assignment of the hidden
        figures, consistent with every line, in which it has another value than its own; one found frees every
        "<5" it changes. A search that finds none near it, in `steps` steps, finds nothing (it counts as pinned)."""
        low, high = self._known()
        lines_of = self._lines_of()
        if not self._propagate(low, high, range(len(self.lines)), lines_of):
            raise RuntimeError("the figures do not add up")
        smalls = sorted((key for key, state in self.states.items() if state == SMALL), key=str)
        free: set[Hashable] = set()
        found = []
        for key in smalls:
            if key in free:
                continue
            witness = None
            for value in _nearest_first(self.values[key], low[key], high[key]):
                if value != self.values[key]:
                    witness = self._witness(key, value, low, high, lines_of, steps)
                    if witness is not None:
                        break
            if witness is None:
                found.append(key)
            else:
                free.update(other for other in smalls if witness.get(other, self.values[other]) != self.values[other])
        return found

    def _witness(
        self,
        key: Hashable,
        value: int,
        low: dict[Hashable, int],
        high: dict[Hashable, int],
        lines_of: dict[Hashable, list[int]],
        steps: int,
    ) -> dict[Hashable, int] | None:
        """Values of the figures not shown near `key` that add up on every line with `key` at `value` and every
        other figure at its own value; None when the search finds none within `steps` steps per radius. The page's
        own figures add up, so a witness is a change of a few figures near `key` (a rectangle in one table, a
        chain through two): the figures within one line of `key` may change first, then within two, and so on."""
        for radius in WITNESS_RADII:
            free = self._not_shown_around(key, lines_of, radius)
            near = {index for other in free for index in lines_of[other]}
            members = {member for index in near for member in (*self.lines[index][0], self.lines[index][1])}
            local_low = {member: self.values[member] for member in members}
            local_high = dict(local_low)
            for other in free:
                local_low[other], local_high[other] = low[other], high[other]
            local_low[key] = local_high[key] = value
            found = self._search(free, local_low, local_high, near, lines_of, [steps if radius else 10 * steps])
            if found is not None:
                return found
        return None

    def _search(
        self,
        free: list[Hashable],
        low: dict[Hashable, int],
        high: dict[Hashable, int],
        start: Iterable[int],
        lines_of: dict[Hashable, list[int]],
        left: list[int],
    ) -> dict[Hashable, int] | None:
        """Depth first over the `free` figures, each trying its own value first, narrowing through the lines."""
        left[0] -= 1
        if left[0] < 0 or not self._propagate(low, high, start, lines_of):
            return None
        open_keys = [other for other in free if low[other] != high[other]]
        if not open_keys:
            return {other: low[other] for other in free}
        chosen = min(open_keys, key=lambda other: high[other] - low[other])
        for candidate in _nearest_first(self.values[chosen], low[chosen], high[chosen]):
            if left[0] < 0:
                return None
            found = self._search(
                free, {**low, chosen: candidate}, {**high, chosen: candidate}, lines_of[chosen], lines_of, left
            )
            if found is not None:
                return found
        return None

    def _not_shown_around(
        self, key: Hashable, lines_of: dict[Hashable, list[int]], radius: int | None = None
    ) -> list[Hashable]:
        """The figures not shown that `key` reaches through lines and other figures not shown, in at most `radius`
        lines (all when None)."""
        seen = {key}
        frontier = [key]
        distance = 0
        while frontier and (radius is None or distance < radius):
            distance += 1
            frontier = self._next_not_shown(frontier, lines_of, seen)
        return sorted(seen, key=str)

    def _next_not_shown(
        self, frontier: list[Hashable], lines_of: dict[Hashable, list[int]], seen: set[Hashable]
    ) -> list[Hashable]:
        """One step outwards: the figures not shown, not yet `seen`, in the lines of the figures of `frontier`
        (added to `seen`)."""
        found = []
        for current in frontier:
            for index in lines_of[current]:
                cells, total = self.lines[index]
                for other in (*cells, total):
                    if other not in seen and self.state(other) != SHOWN:
                        seen.add(other)
                        found.append(other)
        return found

    def _hide_near(self, key: Hashable, lines_of: dict[Hashable, list[int]]) -> Hashable | None:
        """Hide the smallest shown figure of 5 or more in a line of `key`; when its lines have none (all zero or
        suppressed), in the lines of the suppressed figures they hold, and so on outwards."""
        seen = {key}
        frontier = [key]
        while frontier:
            for current in frontier:
                hidden = self._hide_one_more(current, lines_of)
                if hidden is not None:
                    return hidden
            frontier = self._next_not_shown(frontier, lines_of, seen)
        return None

    def _hide_one_more(self, key: Hashable, lines_of: dict[Hashable, list[int]]) -> Hashable | None:
        candidates = []
        for index in lines_of[key]:
            cells, total = self.lines[index]
            for cell in cells:
                if self.state(cell) == SHOWN and self.values[cell] >= 5:
                    candidates.append((self.values[cell], 0, str(cell), cell))
            if self.state(total) == SHOWN and self.values[total] >= 5:
                candidates.append((self.values[total], 1, str(total), total))
        if not candidates:
            return None
        # The smallest cell first (least information lost); a total only when no cell is left.
        candidates.sort(key=lambda item: (item[1], item[0], item[2]))
        self.states[candidates[0][3]] = HIDDEN
        return candidates[0][3]

    def _hide_anything_near(self, key: Hashable, lines_of: dict[Hashable, list[int]]) -> Hashable | None:
        """The last resort (HIDDEN_ANY): the nearest figure through the lines of `key` (a total first), whatever
        its value, so that the sums that pin `key` can no longer be read."""
        seen = {key}
        frontier = [key]
        while frontier:
            next_frontier = []
            for current in frontier:
                for index in lines_of[current]:
                    cells, total = self.lines[index]
                    for other in (total, *cells):
                        if other in seen:
                            continue
                        seen.add(other)
                        if self.state(other) in (SHOWN, SMALL) and self.values[other] > 0:
                            self.states[other] = HIDDEN_ANY
                            return other
                        next_frontier.append(other)
            frontier = next_frontier
        return None


def _nearest_first(value: int, low: int, high: int) -> Iterator[int]:
    """The integers from `low` to `high`, the nearest to `value` first."""
    start = min(max(value, low), high)
    yield start
    for distance in range(1, high - low + 1):
        below, above = start - distance, start + distance
        if below < low and above > high:
            return
        if below >= low:
            yield below
        if above <= high:
            yield above


def shown_text(value: int, state: str) -> str:
    """How a figure reads on the page and in the CSV."""
    if state == SMALL:
        return "<5"
    if state in (HIDDEN, HIDDEN_ANY):
        return "x"
    return str(value)

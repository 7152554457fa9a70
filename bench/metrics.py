"""Scoring: per-sample results -> per-scene accuracy, latency and the list of failures.

Pure functions on plain data, so they are unit-tested on hand-made tables.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

#: Fields per side, in the API's precedence order; ``type`` (the side) is scored as well.
FRONT_FIELDS: Final = ("name", "gender", "race", "birth", "address", "id_no")
BACK_FIELDS: Final = ("issued_by", "valid_date")
FIELDS: Final = ("type", *FRONT_FIELDS, *BACK_FIELDS)
#: Never compared: the rectified card image.
IGNORED_FIELDS: Final = frozenset({"idcard_image"})


@dataclass(frozen=True)
class SampleResult:
    """One image's outcome: what was expected and what came back."""

    name: str
    scene: str
    expected_code: str  # "200" for cards, "201" for images without a card
    expected: dict[str, str]  # API fields incl. "type"; {} for negatives
    code: str  # the answer's code; "exception" when no answer could be decoded
    data: dict[str, Any] = field(default_factory=dict)
    latency_ms: float = 0.0
    http_status: int = 200
    message: str = ""
    meta: dict[str, Any] = field(default_factory=dict)
    #: How far the card's corners answered (``options=location``) lie from its true ones
    #: (:func:`outline_error`); None where not asked for or not answered.
    outline: float | None = None

    @property
    def is_card(self) -> bool:
        return bool(self.expected)

    def wrong_fields(self) -> list[str]:
        """Expected fields whose value differs from the answer (in ``FIELDS`` order)."""
        keys: list[str] = [f for f in FIELDS if f in self.expected]
        keys += sorted(k for k in self.expected if k not in FIELDS and k not in IGNORED_FIELDS)
        return [k for k in keys if self.data.get(k) != self.expected[k]]

    @property
    def code_ok(self) -> bool:
        return self.code == self.expected_code

    @property
    def exact(self) -> bool:
        """Whole-card exact: code 200, right side and every field equal (cards only)."""
        return self.is_card and self.code == "200" and not self.wrong_fields()

    @property
    def passed(self) -> bool:
        return self.exact if self.is_card else self.code_ok


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0-100) with linear interpolation (numpy's default).

    NaN for an empty sequence.
    """
    if not 0 <= q <= 100:
        raise ValueError("q must be in [0, 100]")
    if not values:
        return math.nan
    xs = sorted(values)
    pos = (len(xs) - 1) * q / 100
    lo = math.floor(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def latency_summary(latencies_ms: Sequence[float]) -> dict[str, float]:
    n = len(latencies_ms)
    return {
        "p50_ms": percentile(latencies_ms, 50),
        "p95_ms": percentile(latencies_ms, 95),
        "mean_ms": sum(latencies_ms) / n if n else math.nan,
        "max_ms": max(latencies_ms) if n else math.nan,
    }


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def score(results: Sequence[SampleResult]) -> dict[str, Any]:
    """Accuracy and latency of one scene (or any group of samples).

    - ``code_acc``: code equals the expected code (200 for cards, 201 without a card);
    - ``exact``: whole-card exact match over the card samples (None without cards);
    - ``fields[f]``: value equal, over the card samples that expect ``f`` (fronts for front
      fields, backs for back fields, all cards for ``type``);
    - ``answered_200``: the share of card samples answered with code 200 (right or wrong);
    - ``codes``: how often each answer code occurred.
    """
    cards = [r for r in results if r.is_card]
    fields: dict[str, dict[str, Any]] = {}
    for f in FIELDS:
        having = [r for r in cards if f in r.expected]
        if having:
            ok = sum(r.data.get(f) == r.expected[f] for r in having)
            fields[f] = {"correct": ok, "total": len(having), "acc": ok / len(having)}
    codes: dict[str, int] = {}
    for r in results:
        codes[r.code] = codes.get(r.code, 0) + 1
    code_ok = sum(r.code_ok for r in results)
    exact = sum(r.exact for r in cards)
    answered = sum(r.code == "200" for r in cards)
    return {
        "n": len(results),
        "cards": len(cards),
        "negatives": len(results) - len(cards),
        "code_correct": code_ok,
        "code_acc": _ratio(code_ok, len(results)),
        "exact_correct": exact,
        "exact": _ratio(exact, len(cards)),
        "answered_200": _ratio(answered, len(cards)),
        "fields": fields,
        "codes": dict(sorted(codes.items())),
        "latency": latency_summary([r.latency_ms for r in results]),
    }


#: Outline errors (shares of the card's diagonal) :func:`outline_summary` counts within.
OUTLINE_WITHIN: Final = (0.02, 0.04)
#: ... and the error from which the returned card image visibly shows what is not the card
#: (or leaves part of it out).
OUTLINE_OFF: Final = 0.08


def outline_error(found: Sequence[Sequence[float]], truth: Sequence[Sequence[float]]) -> float:
    """How far the four corners ``found`` lie from the card's ``truth`` corners: the mean
    distance of matched corners, under the cyclic pairing that fits best (a card read upside
    down answers its corners from its printed top-left), as a share of the truth's diagonal."""
    if len(found) != 4 or len(truth) != 4:
        raise ValueError("an outline has four corners")
    diagonal = math.dist(truth[0], truth[2])
    if diagonal <= 0:
        raise ValueError("the true outline has no size")
    return (
        min(sum(math.dist(found[(i + k) % 4], truth[i]) for i in range(4)) / 4 for k in range(4))
        / diagonal
    )


def outline_summary(results: Sequence[SampleResult]) -> dict[str, Any] | None:
    """Of the cards answered with their corners (:attr:`SampleResult.outline`): how many,
    the median error, the share within each of :data:`OUTLINE_WITHIN` and the share off by
    :data:`OUTLINE_OFF` or more. None where no card was."""
    errors = [r.outline for r in results if r.outline is not None]
    if not errors:
        return None
    n = len(errors)
    return {
        "n": n,
        "median": percentile(errors, 50),
        "within": {limit: sum(e < limit for e in errors) / n for limit in OUTLINE_WITHIN},
        "off": sum(e >= OUTLINE_OFF for e in errors) / n,
    }


def worst_fields(scores: Iterable[dict[str, Any]], n: int = 3) -> list[tuple[str, float, int]]:
    """The ``n`` fields with the lowest accuracy over several scored groups (pooled), as
    (field, accuracy, wrong count); ``type`` included, fields never expected left out."""
    correct: dict[str, int] = {}
    total: dict[str, int] = {}
    for sc in scores:
        for f, v in sc["fields"].items():
            correct[f] = correct.get(f, 0) + v["correct"]
            total[f] = total.get(f, 0) + v["total"]
    rows = [(f, correct[f] / total[f], total[f] - correct[f]) for f in FIELDS if total.get(f)]
    rows.sort(key=lambda r: (r[1], FIELDS.index(r[0])))
    return [r for r in rows if r[2] > 0][:n]


def accuracy_only(scored: dict[str, Any]) -> dict[str, Any]:
    """The timing-independent part of :func:`score` (for determinism checks)."""
    return {k: v for k, v in scored.items() if k != "latency"}


def failure(result: SampleResult) -> dict[str, Any]:
    """A failing sample as a record for results.json / the console."""
    wrong = result.wrong_fields()
    return {
        "name": result.name,
        "expected_code": result.expected_code,
        "code": result.code,
        "message": result.message,
        "expected_type": result.expected.get("type"),
        "got_type": result.data.get("type"),
        "fields": {
            f: {"expected": result.expected[f], "got": result.data.get(f)}
            for f in wrong
            if f != "type"
        },
        "meta": result.meta,
    }


def _severity(result: SampleResult) -> tuple[int, int]:
    """Higher is worse: a missed card or a false card first, then more wrong fields."""
    if not result.is_card:
        return (2, 1)
    missed = result.code in ("201", "-1", "exception")
    return (1 if missed else 0, len(result.wrong_fields()) + (0 if result.code_ok else 1))


def failures(results: Iterable[SampleResult], limit: int | None = None) -> list[dict[str, Any]]:
    """Failing samples, worst first (ties by name, so the order is stable)."""
    bad = [r for r in results if not r.passed]
    bad.sort(key=lambda r: (tuple(-x for x in _severity(r)), r.name))
    return [failure(r) for r in bad[:limit]]


def format_failure(rec: dict[str, Any]) -> str:
    """One failure as a console line (synthetic data only: fine to print)."""
    head = f"{rec['name']}: code {rec['code']} (expected {rec['expected_code']})"
    if rec["message"] and rec["code"] != rec["expected_code"]:
        head += f" {rec['message']!r}"
    parts = [head]
    if rec.get("expected_type") and rec.get("got_type") not in (None, rec["expected_type"]):
        parts.append(f"type {rec['expected_type']} -> {rec['got_type']}")
    for f, ev in rec["fields"].items():
        parts.append(f"{f}: {ev['expected']!r} -> {ev['got']!r}")
    return "; ".join(parts)

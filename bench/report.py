"""Rendering: the markdown report, machine and commit identification, the README block."""

from __future__ import annotations

import math
import os
import platform
import subprocess
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Final

from . import ROOT
from .metrics import FIELDS

README_START: Final = "<!-- bench:start -->"
README_END: Final = "<!-- bench:end -->"
DASH: Final = "–"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown CPU"


def machine() -> dict[str, Any]:
    return {
        "cpu": cpu_model(),
        "cores": os.cpu_count() or 0,
        "machine": platform.machine(),
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
    }


def _git(root: Path, *args: str) -> str:
    return subprocess.run(  # noqa: S603 - fixed git subcommands
        ["git", *args],  # noqa: S607
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=10,
    ).stdout.strip()


def git_commit(root: Path = ROOT) -> str:
    """``git rev-parse --short HEAD``, plus ``-dirty`` when tracked files are modified."""
    try:
        head = _git(root, "rev-parse", "--short", "HEAD")
        status = _git(root, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return head + ("-dirty" if status else "")


def utc_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def pct(value: float | None) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return DASH
    return f"{100 * value:.1f}%"


def ms(value: float | None) -> str:
    if value is None or math.isnan(value):
        return DASH
    return f"{value:.0f}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]], align: str = "") -> str:
    """A markdown table; ``align`` is one character per column, ``l`` or ``r`` (default r,
    first column l)."""
    align = align or "l" + "r" * (len(header) - 1)
    sep = ["---" if a == "l" else "--:" for a in align]
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(sep) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def _fields_present(scores: Mapping[str, Mapping[str, Any]]) -> list[str]:
    seen = {f for s in scores.values() for f in s["fields"]}
    return [f for f in FIELDS if f in seen]


def accuracy_table(
    scores: Mapping[str, Mapping[str, Any]], *, latency: bool = True, answered: bool = False
) -> str:
    """One row per scene: n, code accuracy, (answered 200,) whole-card exact, each field,
    latency."""
    fields = _fields_present(scores)
    header = ["scene", "n", "code acc", *(["answered 200"] if answered else []), "whole card"]
    header += fields
    if latency:
        header += ["p50 ms", "p95 ms", "mean ms"]
    rows = []
    for scene, s in scores.items():
        row = [scene, str(s["n"]), pct(s["code_acc"])]
        if answered:
            row.append(pct(s.get("answered_200")))
        row.append(pct(s["exact"]))
        row += [pct(s["fields"][f]["acc"]) if f in s["fields"] else DASH for f in fields]
        if latency:
            lat = s["latency"]
            row += [ms(lat["p50_ms"]), ms(lat["p95_ms"]), ms(lat["mean_ms"])]
        rows.append(row)
    return table(header, rows)


def points(a: float | None, b: float | None) -> str:
    """``a - b`` in percentage points, signed (a dash when either is missing)."""
    if a is None or b is None:
        return DASH
    return f"{100 * (a - b):+.1f}"


def gap_table(
    tuned: Mapping[str, Mapping[str, Any]], heldout: Mapping[str, Mapping[str, Any]]
) -> str:
    """Per scene present in both: whole card, answered 200 and code accuracy of the tuned and
    the held-out family, and the gap (tuned minus held-out, in points)."""
    rows = []
    for scene, t in tuned.items():
        h = heldout.get(scene)
        if h is None:
            continue
        rows.append(
            [
                scene,
                f"{t['n']} / {h['n']}",
                pct(t["exact"]),
                pct(h["exact"]),
                points(t["exact"], h["exact"]),
                f"{pct(t.get('answered_200'))} / {pct(h.get('answered_200'))}",
                f"{pct(t['code_acc'])} / {pct(h['code_acc'])}",
            ]
        )
    header = [
        "scene",
        "n (tuned / held-out)",
        "whole card, tuned",
        "whole card, held-out",
        "gap (points)",
        "answered 200 (tuned / held-out)",
        "code acc (tuned / held-out)",
    ]
    return table(header, rows)


def throughput_table(levels: Sequence[Mapping[str, Any]]) -> str:
    """HTTP levels (``clients``), then in-process ones (``path: in-process``: ``clients``
    threads calling one Recognizer, no HTTP)."""
    rows = [
        [
            f"{t['clients']} in-process" if t.get("path") == "in-process" else str(t["clients"]),
            str(t["images"]),
            f"{t['seconds']:.1f}",
            f"{t['cards_per_s']:.2f}",
            str(t["errors"]),
            ms(t["p50_ms"]),
            ms(t["p95_ms"]),
        ]
        for t in levels
    ]
    header = ["clients", "images", "seconds", "cards/s", "errors", "p50 ms", "p95 ms"]
    return table(header, rows, "r" * len(header))


def baseline_table(baseline: Mapping[str, Mapping[str, Any]]) -> str:
    """Per scene: baseline vs ours on the same images, and the latency ratio."""
    rows = []
    for scene, b in baseline.items():
        base, ours = b["baseline"], b["ours"]
        ratio = b["p50_ratio"]
        rows.append(
            [
                scene,
                str(base["n"]),
                f"{pct(base['code_acc'])} / {pct(ours['code_acc'])}",
                f"{pct(base['exact'])} / {pct(ours['exact'])}",
                ms(base["latency"]["p50_ms"]),
                ms(ours["latency"]["p50_ms"]),
                DASH if ratio is None else f"{ratio:.1f}×",
            ]
        )
    header = [
        "scene",
        "n",
        "code acc (baseline / ours)",
        "whole card (baseline / ours)",
        "baseline p50 ms",
        "our p50 ms",
        "baseline / ours",
    ]
    return table(header, rows)


def header_line(meta: Mapping[str, Any]) -> str:
    m = meta["machine"]
    return (
        f"**Benchmark** {meta['date']} · {m['cpu']}, {m['cores']} cores · commit `{meta['commit']}`"
    )


def render(results: Mapping[str, Any]) -> str:
    """The whole report as markdown (stdout, results.md and the README block)."""
    meta = results["meta"]
    svc = results["service"]
    out = [header_line(meta), ""]
    out.append(
        f"Seed {meta['seed']}, {meta['count']} images per scene; service: "
        f"{meta['worker_threads']} worker threads × {meta['intra_op_threads']} intra-op "
        "thread(s), one HTTP client on loopback (latency = encoded form sent → answer decoded). "
        "Field columns: exact match over the cards that carry the field."
    )
    out += ["", accuracy_table(svc["scenes"], answered=True), ""]
    held = svc.get("heldout") or {}
    if held:
        out.append(
            "Held-out style family (fonts, artwork and colours that no model, threshold or "
            "template was trained or tuned on; the same scenes and identities' distribution):"
        )
        out += ["", accuracy_table(held, answered=True), ""]
        out.append(
            "Generalisation gap (tuned minus held-out, whole-card exact, in points; "
            "issue 16 asks for at most 3 on every scene):"
        )
        out += ["", gap_table(svc["scenes"], held), ""]
    tp = results.get("throughput")
    if tp:
        out.append(
            f"Throughput, scene `{tp['scene']}`, {tp['levels'][0]['images']} images per level, "
            "each client a thread with its own connection; `in-process`: that many threads "
            "calling one `processor.Recognizer` with as many workers, no HTTP (what the server "
            "adds is the difference):"
        )
        out += ["", throughput_table(tp["levels"]), ""]
    facts = []
    if svc.get("cold_start_s") is not None:
        facts.append(
            f"cold start {svc['cold_start_s']:.1f} s (process start → first code 200; "
            f"/health after {svc['health_s']:.1f} s)"
        )
    if svc.get("peak_rss_mib") is not None:
        facts.append(f"peak RSS (VmHWM) {svc['peak_rss_mib']:.0f} MiB")
    if facts:
        out += ["Server: " + "; ".join(facts) + ".", ""]
    base = results.get("baseline")
    if base and base.get("scenes"):
        out.append(
            f"Baseline: RapidOCR {base['version']} default pipeline + regex field parsing, "
            f"in-process (no HTTP), first {base['count']} images per scene, each image sent to "
            "the service and then given to the baseline back to back, so that both are timed "
            "on the same machine state:"
        )
        out += ["", baseline_table(base["scenes"]), ""]
        out.append("Baseline accuracy per field:")
        out += [
            "",
            accuracy_table({s: b["baseline"] for s, b in base["scenes"].items()}, latency=False),
            "",
        ]
    return "\n".join(out).rstrip() + "\n"


def replace_block(text: str, block: str) -> str | None:
    """``text`` with the part between the bench markers replaced; None without markers."""
    start = text.find(README_START)
    if start < 0:
        return None
    end = text.find(README_END, start + len(README_START))
    if end < 0:
        return None
    return text[: start + len(README_START)] + "\n" + block.strip() + "\n" + text[end:]


def update_readme(path: Path, block: str) -> bool:
    """Replace the bench block of ``path``; False when the file or its markers are missing."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return False
    new = replace_block(text, block)
    if new is None:
        return False
    if new != text:
        path.write_text(new, encoding="utf-8")
    return True

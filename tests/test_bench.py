"""The benchmark harness: metrics, percentiles, the baseline parser, rendering, the README block,
the HTTP client helpers (against a tiny fake server) and the dataset cache."""

from __future__ import annotations

import base64
import dataclasses
import importlib.util
import json
import math
import threading
import urllib.parse
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
import requests

from bench.__main__ import parse_args, set_key, split_key, split_scores
from bench.baseline import parse_lines
from bench.dataset import BenchSample, load_dataset
from bench.metrics import (
    SampleResult,
    accuracy_only,
    failures,
    format_failure,
    outline_error,
    outline_summary,
    percentile,
    score,
    worst_fields,
)
from bench.quick import ask as quick_ask
from bench.quick import outline_table, request_body
from bench.report import (
    accuracy_table,
    gap_table,
    points,
    render,
    replace_block,
    table,
    update_readme,
)
from bench.service import (
    call,
    decode_answer,
    form_body,
    run_inprocess,
    run_paired,
    run_throughput,
)
from processor.serve.eas import IdCardProcessor

FRONT = {
    "type": "front",
    "name": "张三",
    "gender": "男",
    "race": "汉",
    "birth": "1990.01.02",
    "address": "北京市东城区景山前街4号",
    "id_no": "11010119900102001X",
}
BACK = {"type": "back", "issued_by": "北京市公安局东城分局", "valid_date": "2015.01.02-2025.01.02"}


def res(name: str, expected: dict[str, str], code: str, data: dict[str, Any]) -> SampleResult:
    return SampleResult(
        name=name,
        scene="photo",
        expected_code="200" if expected else "201",
        expected=expected,
        code=code,
        data=data,
        latency_ms=100.0,
    )


@pytest.fixture
def table_rows() -> list[SampleResult]:
    return [
        res("a-front-ok", FRONT, "200", {**FRONT, "idcard_image": "xxx"}),
        res("b-front-name", FRONT, "200", {**FRONT, "name": "张二"}),
        res("c-back-203", BACK, "203", {"type": "back", "issued_by": BACK["issued_by"]}),
        res("d-front-missed", FRONT, "201", {}),
        res("e-neg-ok", {}, "201", {}),
        res("f-neg-false", {}, "200", {"type": "back"}),
    ]


# --- metrics -------------------------------------------------------------------------------


def test_percentile_interpolates_like_numpy() -> None:
    xs = [4.0, 1.0, 3.0, 2.0]
    assert percentile(xs, 50) == 2.5
    assert percentile(xs, 0) == 1.0
    assert percentile(xs, 100) == 4.0
    assert percentile(xs, 95) == pytest.approx(3.85)
    assert percentile([7.0], 95) == 7.0
    assert math.isnan(percentile([], 50))
    with pytest.raises(ValueError):
        percentile(xs, 101)


def test_score_code_whole_card_and_fields(table_rows: list[SampleResult]) -> None:
    s = score(table_rows)
    assert (s["n"], s["cards"], s["negatives"]) == (6, 4, 2)
    # codes right: a, b (200), e (201); wrong: c (203), d (201 for a card), f (200 for no card)
    assert s["code_correct"] == 3
    assert s["code_acc"] == 0.5
    assert s["exact_correct"] == 1  # only a; b has a wrong name
    assert s["exact"] == 0.25
    f = s["fields"]
    assert f["type"] == {"correct": 3, "total": 4, "acc": 0.75}
    assert f["name"]["correct"] == 1 and f["name"]["total"] == 3
    assert f["gender"]["correct"] == 2 and f["gender"]["total"] == 3
    assert f["issued_by"] == {"correct": 1, "total": 1, "acc": 1.0}
    assert f["valid_date"] == {"correct": 0, "total": 1, "acc": 0.0}
    assert s["codes"] == {"200": 3, "201": 2, "203": 1}
    assert s["latency"]["p50_ms"] == 100.0
    assert "latency" not in accuracy_only(s)


def test_answered_200_counts_cards_answered_200_right_or_wrong(
    table_rows: list[SampleResult],
) -> None:
    # cards: a (200, right), b (200, wrong name), c (203), d (201): two of four answered 200
    assert score(table_rows)["answered_200"] == 0.5
    assert score([res("n", {}, "200", {"type": "back"})])["answered_200"] is None


def test_worst_fields_pools_groups_and_skips_perfect_fields(
    table_rows: list[SampleResult],
) -> None:
    a = score(table_rows)
    b = score([res("x", FRONT, "200", {**FRONT, "address": "北京市"})])
    worst = worst_fields([a, b], n=2)
    # valid_date 0/1; then name 2/4 and address 2/4 tie: FIELDS order breaks it (name first)
    assert worst == [("valid_date", 0.0, 1), ("name", 0.5, 2)]
    assert worst_fields([score([res("ok", FRONT, "200", dict(FRONT))])]) == []


def test_set_keys_and_split_scores(table_rows: list[SampleResult]) -> None:
    assert set_key("tuned", "scan") == "scan"
    assert set_key("heldout", "scan") == "heldout/scan"
    assert split_key("heldout/photo") == ("heldout", "photo")
    assert split_key("negative") == ("tuned", "negative")
    good = score([res("a", FRONT, "200", dict(FRONT))] * 4)
    half = score([res("a", FRONT, "200", dict(FRONT)), res("b", FRONT, "201", {})] * 2)
    neg = score([res("n", {}, "201", {})])
    tuned, held, gaps = split_scores(
        {"scan": good, "negative": neg, "heldout/scan": half, "heldout/photo": half}
    )
    assert list(tuned) == ["scan", "negative"] and list(held) == ["scan", "photo"]
    assert gaps == {"scan": 50.0}  # photo has no tuned counterpart


def test_gap_table_rows() -> None:
    good = score([res("a", FRONT, "200", dict(FRONT))] * 4)
    half = score([res("a", FRONT, "200", dict(FRONT)), res("b", FRONT, "201", {})] * 2)
    lines = gap_table({"scan": good, "photo": half}, {"scan": half}).splitlines()
    assert len(lines) == 3  # header, rule, scan only
    assert lines[2] == (
        "| scan | 4 / 4 | 100.0% | 50.0% | +50.0 | 100.0% / 50.0% | 100.0% / 50.0% |"
    )
    assert points(0.9, 0.95) == "-5.0" and points(None, 0.5) == "–"


def test_score_without_cards_has_no_whole_card_figure() -> None:
    s = score([res("n", {}, "201", {})])
    assert s["exact"] is None and s["fields"] == {} and s["code_acc"] == 1.0
    assert score([])["code_acc"] is None


def test_idcard_image_is_never_compared() -> None:
    r = res("x", {**FRONT, "idcard_image": "a"}, "200", {**FRONT, "idcard_image": "b"})
    assert r.exact and r.wrong_fields() == []


def test_failures_worst_first(table_rows: list[SampleResult]) -> None:
    recs = failures(table_rows)
    assert [r["name"] for r in recs] == [
        "f-neg-false",
        "d-front-missed",
        "c-back-203",
        "b-front-name",
    ]
    missed = recs[1]
    assert missed["fields"]["name"] == {"expected": "张三", "got": None}
    assert set(missed["fields"]) == set(FRONT) - {"type"}
    assert recs[3]["fields"] == {"name": {"expected": "张三", "got": "张二"}}
    assert failures(table_rows, 2) == recs[:2]
    line = format_failure(recs[3])
    assert "b-front-name" in line and "'张三' -> '张二'" in line


# --- baseline parser -----------------------------------------------------------------------


def test_baseline_parses_a_clean_front() -> None:
    lines = [
        "姓名张三",
        "性别男",
        "民族汉",
        "出生1990年1月2日",
        "住址北京市东城区景山",
        "前街4号",
        "公民身份号码",
        "11010119900102001x",
    ]
    code, fields = parse_lines(lines)
    assert code == "200"
    assert fields == FRONT


def test_baseline_parses_a_clean_back() -> None:
    lines = [
        "中华人民共和国",
        "居民身份证",
        "签发机关",
        "北京市公安局东城分局",
        "有效期限",
        "2015.01.02-2025.01.02",
    ]
    assert parse_lines(lines) == ("200", BACK)
    code, fields = parse_lines(["签发机关北京市公安局", "有效期限2015.01.02-长期"])
    assert code == "200" and fields["valid_date"] == "2015.01.02-长期"


def test_baseline_codes_for_missing_fields_and_no_card() -> None:
    assert parse_lines([]) == ("201", {})
    assert parse_lines(["会议纪要", "天气预报"]) == ("201", {})
    code, fields = parse_lines(["姓名张三", "民族汉", "出生1990年1月2日"])
    assert code == "209" and fields["name"] == "张三" and "gender" not in fields
    assert parse_lines(["签发机关", "有效期限", "2015.01.02-2025.01.02"])[0] == "202"
    # a bare 18-digit number is read as a front without labels
    code, fields = parse_lines(["11010119900102001X"])
    assert code == "204" and fields == {"type": "front", "id_no": "11010119900102001X"}


# --- rendering -----------------------------------------------------------------------------


def _results(table_rows: list[SampleResult]) -> dict[str, Any]:
    s = score(table_rows)
    neg = score([r for r in table_rows if not r.expected])
    return {
        "meta": {
            "date": "2026-01-02 03:04 UTC",
            "machine": {"cpu": "Test CPU", "cores": 2},
            "commit": "abc1234-dirty",
            "seed": 0,
            "count": 6,
            "worker_threads": 2,
            "intra_op_threads": 1,
        },
        "service": {
            "scenes": {"photo": s, "negative": neg},
            "cold_start_s": 2.5,
            "health_s": 1.5,
            "peak_rss_mib": 400.0,
        },
        "throughput": {
            "scene": "photo",
            "levels": [
                {
                    "clients": c,
                    "images": 40,
                    "seconds": 10.0,
                    "cards_per_s": 4.0,
                    "errors": 0,
                    "p50_ms": 250.0,
                    "p95_ms": 300.0,
                }
                for c in (1, 2, 4)
            ]
            + [
                {
                    "clients": 2,
                    "path": "in-process",
                    "images": 40,
                    "seconds": 8.0,
                    "cards_per_s": 5.0,
                    "errors": 0,
                    "p50_ms": 200.0,
                    "p95_ms": 260.0,
                }
            ],
        },
        "baseline": {
            "version": "1.4.4",
            "count": 30,
            "scenes": {"photo": {"baseline": s, "ours": s, "p50_ratio": 4.0}},
        },
    }


def test_markdown_report_with_the_held_out_split(table_rows: list[SampleResult]) -> None:
    results = _results(table_rows)
    cards = [r for r in table_rows if r.expected]
    results["service"]["heldout"] = {"photo": score(cards[:1])}
    md = render(results)
    assert "Held-out style family" in md
    # tuned photo: code 50%, answered 200 2/4, whole card 1/4; held-out photo: the one right card
    assert "| photo | 6 | 50.0% | 50.0% | 25.0% |" in md
    assert "| photo | 1 | 100.0% | 100.0% | 100.0% |" in md
    assert "| photo | 6 / 1 | 25.0% | 100.0% | -75.0 |" in md


def test_markdown_report(table_rows: list[SampleResult]) -> None:
    md = render(_results(table_rows))
    first = md.splitlines()[0]
    assert "2026-01-02 03:04 UTC" in first and "Test CPU, 2 cores" in first
    assert "abc1234-dirty" in first
    assert "| photo | 6 | 50.0% | 25.0% | 75.0% | 33.3% |" in md
    assert "| negative | 2 | 50.0% | – | –" in md
    assert "| 4 | 40 | 10.0 | 4.00 | 0 | 250 | 300 |" in md
    assert "| 2 in-process | 40 | 8.0 | 5.00 | 0 | 200 | 260 |" in md
    assert "cold start 2.5 s" in md and "400 MiB" in md
    assert "4.0×" in md and "RapidOCR 1.4.4" in md
    assert md.endswith("\n")


def test_table_shape() -> None:
    t = table(["a", "b"], [["1", "2"], ["3", "4"]]).splitlines()
    assert t == ["| a | b |", "|---|--:|", "| 1 | 2 |", "| 3 | 4 |"]


def test_accuracy_table_only_lists_present_fields() -> None:
    s = score([res("b", BACK, "200", dict(BACK))])
    header = accuracy_table({"scan": s}).splitlines()[0]
    assert "issued_by" in header and "name" not in header


def test_readme_block_replacement(tmp_path: Path) -> None:
    text = "# T\n\n<!-- bench:start -->\nold\n<!-- bench:end -->\n\nrest\n"
    new = replace_block(text, "| new |\n")
    assert new == "# T\n\n<!-- bench:start -->\n| new |\n<!-- bench:end -->\n\nrest\n"
    assert replace_block(new, "| new |") == new
    assert replace_block("no markers", "x") is None
    assert replace_block("<!-- bench:end --> <!-- bench:start -->", "x") is None
    readme = tmp_path / "README.md"
    readme.write_text(text, encoding="utf-8")
    assert update_readme(readme, "table")
    assert "table" in readme.read_text(encoding="utf-8")
    assert not update_readme(tmp_path / "missing.md", "x")


def test_cli_defaults_and_errors() -> None:
    args = parse_args([])
    assert (args.count, args.seed, args.baseline_count, args.throughput_count) == (200, 0, 30, 40)
    assert args.scene_list == ["scan", "photo", "hard", "rare", "negative"]
    assert args.style_list == ["tuned", "heldout"]
    assert args.client_levels == [1, 2, 4]
    with pytest.raises(SystemExit):
        parse_args(["--scenes", "scan,nope"])
    with pytest.raises(SystemExit):
        parse_args(["--styles", "tuned,classic"])


# --- HTTP client helpers against a fake server ----------------------------------------------


def _envelope(code: str, data: Any) -> bytes:
    return base64.b64encode(json.dumps({"code": code, "message": "m", "data": data}).encode())


class _Fake(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self._send(200, b'{"status":"ok"}')

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        assert self.headers["Content-Type"] == "application/x-www-form-urlencoded"
        form = urllib.parse.parse_qs(body.decode())
        image = base64.b64decode(form["data"][0])
        if image == b"card":
            data = json.dumps({"type": "back", "issued_by": "x", "idcard_image": "AAAA"})
            self._send(200, _envelope("200", data))
        elif image == b"broken":
            self._send(500, b"<html>not base64 json</html>")
        else:
            self._send(200, _envelope("201", ""))

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args: Any) -> None:
        pass


@pytest.fixture
def fake_url() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Fake)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/predict/idcard_ocr"
    finally:
        server.shutdown()
        server.server_close()


class _Recorder:
    """A processor stand-in that checks the request body and answers like the service's
    envelope (the quick command's own decoding is what is tested here)."""

    def __init__(self) -> None:
        self.images: list[bytes] = []

    def process(self, data: bytes) -> tuple[bytes, int]:
        body = json.loads(data)
        image = base64.b64decode(body["data"])
        self.images.append(image)
        if image.startswith(b"\x89PNG"):
            return _envelope("200", json.dumps({"type": "back", "issued_by": "x"})), 200
        return b"%%% not base64", 200


def test_quick_asks_with_the_json_body_and_decodes_the_answer(tmp_path: Path) -> None:
    assert json.loads(request_body(b"abc")) == {"data": "YWJj"}
    assert json.loads(request_body(b"abc", "location")) == {"data": "YWJj", "options": "location"}
    png, other = tmp_path / "a.png", tmp_path / "b.jpg"
    png.write_bytes(b"\x89PNG fake")
    other.write_bytes(b"jpeg")
    rec = _Recorder()

    def sample(path: Path) -> BenchSample:
        return BenchSample(path.stem, "scan", "back", "200", {"type": "back"}, path)

    good = quick_ask(rec, sample(png))
    assert (good.code, good.data, good.exact) == ("200", {"type": "back", "issued_by": "x"}, True)
    bad = quick_ask(rec, sample(other))
    assert bad.code == "exception" and not bad.passed
    assert rec.images == [b"\x89PNG fake", b"jpeg"]


#: A card's true corners (TL, TR, BR, BL): 300 x 400, diagonal 500.
TRUTH = [[100.0, 50.0], [500.0, 50.0], [500.0, 350.0], [100.0, 350.0]]


@pytest.mark.parametrize(
    ("found", "error"),
    [
        (TRUTH, 0.0),
        # read upside down: the corners answered from the card's printed top-left
        (TRUTH[2:] + TRUTH[:2], 0.0),
        # every corner 10 px right
        ([[x + 10, y] for x, y in TRUTH], 10 / 500),
        # one corner 40 px off, the others exact: a mean of 10 px
        ([TRUTH[0], TRUTH[1], [500.0, 390.0], TRUTH[3]], 10 / 500),
        # a quarter turn of the order fits worse than the right pairing of a shifted outline
        ([[x, y + 25] for x, y in TRUTH], 25 / 500),
    ],
)
def test_outline_error_is_the_mean_corner_distance_over_the_diagonal(
    found: list[list[float]], error: float
) -> None:
    assert outline_error(found, TRUTH) == pytest.approx(error)


def test_outline_error_refuses_what_is_not_an_outline() -> None:
    with pytest.raises(ValueError, match="four corners"):
        outline_error(TRUTH[:3], TRUTH)
    with pytest.raises(ValueError, match="no size"):
        outline_error(TRUTH, [[1.0, 1.0]] * 4)


def test_outline_summary_counts_the_cards_answered_with_corners() -> None:
    def with_outline(error: float | None) -> SampleResult:
        return dataclasses.replace(res("x", FRONT, "200", FRONT), outline=error)

    results = [with_outline(e) for e in (0.01, 0.03, 0.05, 0.09, None)]
    summary = outline_summary(results)
    assert summary is not None
    assert summary["n"] == 4
    assert summary["median"] == pytest.approx(0.04)
    assert summary["within"] == {0.02: 0.25, 0.04: 0.5}
    assert summary["off"] == 0.25
    assert outline_summary([with_outline(None)]) is None
    text = outline_table({"photo": results, "negative": [with_outline(None)]})
    assert "photo" in text and "negative" not in text and "25.0%" in text


@pytest.mark.e2e
def test_quick_measures_the_outline_the_processor_answers(
    processor: IdCardProcessor, tmp_path: Path
) -> None:
    data = load_dataset(["scan"], 1, 7, tmp_path, workers=1)
    for sample in data.samples["scan"]:
        plain = quick_ask(processor, sample)
        outlined = quick_ask(processor, sample, outline=True)
        assert plain.outline is None
        # a clean scan: the card's corners answered within 2% of its diagonal
        assert outlined.outline is not None and outlined.outline < 0.02, sample.name
        # the location extra is measured, not compared as a field
        assert "location" not in outlined.data
        assert outlined.data == plain.data and outlined.exact


def test_decode_answer_accepts_string_and_object_data() -> None:
    assert decode_answer(_envelope("200", '{"type": "front"}').decode()) == (
        "200",
        "m",
        {"type": "front"},
    )
    assert decode_answer(_envelope("200", {"type": "back"}).decode())[2] == {"type": "back"}
    assert decode_answer(_envelope("201", "").decode())[2] == {}


def test_call_and_throughput(fake_url: str) -> None:
    with requests.Session() as session:
        reply = call(session, fake_url, form_body(b"card"))
        assert (reply.code, reply.http_status) == ("200", 200)
        assert reply.data == {"type": "back", "issued_by": "x"}  # idcard_image dropped
        assert call(session, fake_url, form_body(b"other")).code == "201"
        broken = call(session, fake_url, form_body(b"broken"))
        assert broken.code == "exception" and broken.http_status == 500
        dead_url = "http://127.0.0.1:1/api/predict/idcard_ocr"
        dead = call(session, dead_url, form_body(b"card"), timeout=2)
        assert dead.code == "exception" and dead.http_status == 0
    level = run_throughput(fake_url, [b"card"] * 6 + [b"broken"] * 2, clients=2)
    assert level["images"] == 8 and level["errors"] == 2
    assert level["codes"] == {"200": 6, "exception": 2}
    assert level["cards_per_s"] > 0


class _Answers:
    """Answers like processor.Recognizer: b"card" -> 200, anything else -> -1."""

    def recognize(self, image: bytes) -> dict[str, Any]:
        code = "200" if image == b"card" else "-1"
        return {"code": code, "message": "", "data": {}}


def test_inprocess_throughput() -> None:
    level = run_inprocess(_Answers(), [b"card"] * 5 + [b"junk"], workers=2)
    assert (level["path"], level["clients"], level["images"]) == ("in-process", 2, 6)
    assert level["codes"] == {"-1": 1, "200": 5} and level["errors"] == 1
    assert level["cards_per_s"] > 0 and level["cpu_ms_per_card"] >= 0


# --- dataset -------------------------------------------------------------------------------


def test_dataset_is_deterministic_and_cached(tmp_path: Path) -> None:
    serial = load_dataset(["scan", "negative"], 3, 5, tmp_path / "a", workers=1)
    parallel = load_dataset(["scan", "negative"], 3, 5, tmp_path / "b", workers=2)
    assert serial.generated == parallel.generated == 6
    for scene in ("scan", "negative"):
        a, b = serial.samples[scene], parallel.samples[scene]
        assert (
            [s.name for s in a]
            == [s.name for s in b]
            == [
                f"{scene}-{i:04d}" + ("" if scene == "negative" else ("-front", "-back")[i % 2])
                for i in range(3)
            ]
        )
        assert [s.image() for s in a] == [s.image() for s in b]
        assert [s.expected for s in a] == [s.expected for s in b]
        assert [s.corners for s in a] == [s.corners for s in b]
    assert serial.samples["negative"][0].corners is None
    assert serial.samples["scan"][0].corners is not None
    assert len(serial.samples["scan"][0].corners) == 4
    assert serial.samples["negative"][0].expected_code == "201"
    assert serial.samples["scan"][0].expected["type"] == "front"
    again = load_dataset(["scan"], 3, 5, tmp_path / "a", workers=2)
    assert again.generated == 0
    assert [s.image() for s in again.samples["scan"]] == [s.image() for s in serial.samples["scan"]]
    assert [s.corners for s in again.samples["scan"]] == [s.corners for s in serial.samples["scan"]]
    held = load_dataset(["scan"], 3, 5, tmp_path / "a", workers=1, style="heldout")
    assert held.generated == 3 and held.directory != serial.directory
    assert all(s.style == "heldout" and s.meta["family"] == "heldout" for s in held.samples["scan"])
    assert [s.image() for s in held.samples["scan"]] != [s.image() for s in serial.samples["scan"]]


@pytest.mark.skipif(
    importlib.util.find_spec("rapidocr_onnxruntime") is None, reason="baseline not installed"
)
def test_paired_pass_times_both_systems_on_each_image(fake_url: str, tmp_path: Path) -> None:
    from bench.baseline import Baseline

    data = load_dataset(["scan"], 2, 5, tmp_path, workers=1)
    samples = data.samples["scan"]
    ticks: list[tuple[int, int]] = []
    ours, base = run_paired(
        fake_url, Baseline(), samples, lambda done, total: ticks.append((done, total))
    )
    assert [r.name for r in ours] == [r.name for r in base] == [s.name for s in samples]
    assert all(r.code == "201" for r in ours)  # the fake answers 201 to real images
    assert all(r.latency_ms > 0 for r in ours + base)
    assert base[0].code == "200" and base[0].data["type"] in ("front", "back")
    assert ticks == [(1, 2), (2, 2)]

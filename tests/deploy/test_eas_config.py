"""eas_config.json, eas_config.image.json and eas_config.async.json against the schemas written
from the EAS docs."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

jsonschema = pytest.importorskip("jsonschema")

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "deploy" / "schema"
CONFIGS = {
    "eas_config.json": "eas_processor_service.schema.json",
    "eas_config.image.json": "eas_image_service.schema.json",
    "eas_config.async.json": "eas_async_service.schema.json",
}


def _load(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def _errors(config: dict[str, Any], schema_name: str) -> list[str]:
    schema = _load(SCHEMAS / schema_name)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(config)]


@pytest.mark.parametrize("config_name", sorted(CONFIGS))
def test_config_matches_schema(config_name: str) -> None:
    assert _errors(_load(ROOT / config_name), CONFIGS[config_name]) == []


@pytest.mark.parametrize(
    ("config_name", "mutate"),
    [
        ("eas_config.json", lambda c: c.__setitem__("processor_entrypoint", "./app.py")),
        ("eas_config.json", lambda c: c["metadata"].__setitem__("cpus", 2)),
        ("eas_config.json", lambda c: c["metadata"]["rpc"].__setitem__("keep_alive", 30000)),
        ("eas_config.json", lambda c: c["metadata"].__setitem__("memory", "4G")),
        ("eas_config.json", lambda c: c.__setitem__("processor_type", "pyhton")),
        ("eas_config.json", lambda c: c["autoscaler"].__setitem__("strategy", [])),
        ("eas_config.image.json", lambda c: c["containers"][0].__setitem__("port", 8080)),
        ("eas_config.image.json", lambda c: c["containers"][0].__setitem__("ports", [8000])),
        (
            "eas_config.image.json",
            lambda c: c["containers"][0]["readiness_check"].__setitem__("httpGet", {}),
        ),
        ("eas_config.json", lambda c: c["autoscaler"].__setitem__("min", 0)),
        ("eas_config.async.json", lambda c: c["metadata"].__setitem__("type", "async")),
        ("eas_config.async.json", lambda c: c["metadata"].pop("type")),
        ("eas_config.async.json", lambda c: c.pop("queue")),
        ("eas_config.async.json", lambda c: c["queue"]["sink"].__setitem__("max_len", 10)),
        ("eas_config.async.json", lambda c: c["queue"].__setitem__("max_idle_time", 60)),
        ("eas_config.async.json", lambda c: c["autoscaler"].__setitem__("min", -1)),
        (
            "eas_config.async.json",
            lambda c: c["autoscaler"]["scaleStrategies"][0].__setitem__("metricName", "backlog"),
        ),
        (
            "eas_config.async.json",
            lambda c: c["autoscaler"].__setitem__(
                "scaleStrategies", [{"metricName": "qps", "threshold": 4}]
            ),
        ),
    ],
)
def test_schema_catches_typos(config_name: str, mutate: Any) -> None:
    config = copy.deepcopy(_load(ROOT / config_name))
    mutate(config)
    assert _errors(config, CONFIGS[config_name]), "the schema accepted a misspelt field"


def test_processor_config_fits_the_package() -> None:
    config = _load(ROOT / "eas_config.json")
    from processor import __version__
    from processor.settings import Settings

    assert config["processor_entry"] in ("./app.py", "app.py")
    assert config["processor_path"].endswith(f"/idcard_ocr-{__version__}.tar.gz")
    # the gateway must wait longer than our own worst case before it answers 408
    assert config["metadata"]["rpc"]["keepalive"] > Settings().request_timeout * 1000
    env = {e["name"]: e["value"] for e in config["processor_envs"]}
    Settings.from_env(env)  # every variable is one the service knows, with a valid value


def test_image_config_fits_the_image() -> None:
    config = _load(ROOT / "eas_config.image.json")
    (container,) = config["containers"]
    assert container["port"] == 8000
    for probe in ("readiness_check", "liveness_check", "startup_check"):
        assert container[probe]["http_get"] == {"path": "/health", "port": 8000}
    from processor.settings import Settings

    env = {e["name"]: e["value"] for e in container["env"]}
    settings = Settings.from_env(env)
    assert (settings.host, settings.port) == ("0.0.0.0", 8000)
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert "EXPOSE 8000" in dockerfile and "/health" in dockerfile


def test_async_config_fits_the_package_and_the_queue() -> None:
    """The asynchronous service runs the same package and processor as the synchronous one;
    it scales on the queue's backlog down to no instance; its input queue takes the largest
    body the service accepts."""
    config = _load(ROOT / "eas_config.async.json")
    sync = _load(ROOT / "eas_config.json")
    from processor.settings import Settings

    assert config["metadata"]["type"] == "Async"
    for name in ("processor_type", "processor_entry", "processor_path", "model_path"):
        assert config[name] == sync[name]
    assert config["autoscaler"]["min"] == 0
    assert [s["metricName"] for s in config["autoscaler"]["scaleStrategies"]] == [
        "queue[avgbacklog]"
    ]
    env = {e["name"]: e["value"] for e in config["processor_envs"]}
    settings = Settings.from_env(env)
    assert config["queue"]["source"]["max_payload_size_kb"] * 1024 >= settings.max_body_bytes
    assert config["metadata"]["rpc"]["keepalive"] > settings.request_timeout * 1000

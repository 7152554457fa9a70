"""The asynchronous round trip with Alibaba's SDK (``pip install eas-prediction==0.36``):
put card images into the input queue of the ``eas_config.async.json`` service, then take
each answer from its sink queue by request id.

    python examples/async_client.py --endpoint <id>.<region>.pai-eas.aliyuncs.com \\
        --service idcard_ocr_async --token "$EAS_TOKEN" card1.jpg card2.jpg

Each request is the same form body the synchronous API takes (``info`` + base64 ``data``);
the service's processor is unchanged, so each answer in the sink is its usual envelope,
``base64(JSON)``. Prints one line per image: file, code, message and the fields' names
(never their values).
"""

from __future__ import annotations

import argparse
import base64
import json
import sys
import urllib.parse
from pathlib import Path
from typing import Any


def request_body(image: bytes, info: str = "async") -> bytes:
    """The documented form body: ``info`` and the image as base64 ``data``."""
    return urllib.parse.urlencode({"info": info, "data": base64.b64encode(image)}).encode()


def decode_answer(raw: bytes) -> dict[str, Any]:
    """A sink entry's data (the processor's envelope) -> ``{"code", "message", "data"}`` with
    ``data`` a dict, whichever ``IDCARD_DATA_FORMAT`` the service uses. The same decoding
    as ``processor.io.response.decode_response``, written out so that this client runs with
    the SDK alone (tests/deploy/test_examples.py checks it against the service's envelope)."""
    result: dict[str, Any] = json.loads(base64.b64decode(raw).decode("utf-8"))
    data = result.get("data")
    if isinstance(data, str):
        result["data"] = json.loads(data) if data else {}
    elif data is None:
        result["data"] = {}
    return result


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    p.add_argument("images", nargs="+", type=Path)
    p.add_argument("--endpoint", required=True, help="<id>.<region>.pai-eas.aliyuncs.com")
    p.add_argument("--service", default="idcard_ocr_async")
    p.add_argument("--token", required=True, help="the service token (eascmd desc)")
    p.add_argument("--wait", default="30s", help="how long each get waits for its answer")
    args = p.parse_args(argv)

    from eas_prediction import QueueClient  # noqa: PLC0415 - the SDK, only to run this

    # the input queue is the service's own endpoint; the sink is <service>/sink
    inputs = QueueClient(args.endpoint, args.service)
    inputs.set_token(args.token)
    inputs.init()
    sink = QueueClient(args.endpoint, f"{args.service}/sink")
    sink.set_token(args.token)
    sink.init()

    sent = []
    for path in args.images:
        index, request_id = inputs.put(request_body(path.read_bytes()))
        sent.append((path, request_id))
        print(f"queued {path} at index {index} (request {request_id})", file=sys.stderr)

    missing = 0
    for path, request_id in sent:
        # blocks up to --wait for the entry with this request id, then deletes it from the sink
        entries = sink.get(request_id=request_id, timeout=args.wait, auto_delete=True)
        if not entries:
            print(f"{path}\tno answer yet (request {request_id}); get it again later")
            missing += 1
            continue
        result = decode_answer(entries[0].data)
        fields = ",".join(k for k in result["data"] if k != "idcard_image")
        print(f"{path}\t{result['code']}\t{result['message']}\t{fields}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())

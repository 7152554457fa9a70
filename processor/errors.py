"""The one error type of the service and the API's result codes.

Every failure that reaches a client is an :class:`ApiError`. Stages translate foreign
exceptions where they happen (``raise ApiError(...) from exc``); exactly one boundary,
:meth:`processor.serve.service.OcrService.handle`, turns errors into responses.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any


class Code(str, enum.Enum):
    """Result codes of the documented API (``code`` is a string on the wire)."""

    OK = "200"
    NO_CARD = "201"
    AUTHORITY = "202"
    VALIDITY = "203"
    NAME = "204"
    NATION = "205"
    ADDRESS = "206"
    ID_NO = "207"
    BIRTH = "208"
    GENDER = "209"
    ERROR = "-1"

    @property
    def message(self) -> str:
        return _MESSAGES[self]


#: Messages as the API document spells them (its typo "sucess" is not repeated).
_MESSAGES: dict[Code, str] = {
    Code.OK: "success",
    Code.NO_CARD: "id card not detected",
    Code.AUTHORITY: "police not detected or rec",
    Code.VALIDITY: "expiry not detected or rec",
    Code.NAME: "name not detected or rec",
    Code.NATION: "nation not detected or rec",
    Code.ADDRESS: "address not detected or rec",
    Code.ID_NO: "idno not detected or rec",
    Code.BIRTH: "birth not rec",
    Code.GENDER: "gender not rec",
    Code.ERROR: "error",
}

#: The code of the first failing field, per side, in the documented precedence order.
FIELD_CODES: dict[str, tuple[tuple[str, Code], ...]] = {
    "front": (
        ("name", Code.NAME),
        ("gender", Code.GENDER),
        ("race", Code.NATION),
        ("birth", Code.BIRTH),
        ("address", Code.ADDRESS),
        ("id_no", Code.ID_NO),
    ),
    "back": (("issued_by", Code.AUTHORITY), ("valid_date", Code.VALIDITY)),
}


class ApiError(Exception):
    """A failure with the API code, the HTTP status and a message safe to show the client.

    ``message`` never contains request bytes or personal data.
    """

    def __init__(
        self,
        code: Code,
        message: str | None = None,
        *,
        http_status: int = 400,
        data: Mapping[str, Any] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else code.message
        self.http_status = http_status
        self.data = dict(data) if data else {}
        super().__init__(f"[{code.value}] {self.message}")


def bad_request(message: str) -> ApiError:
    return ApiError(Code.ERROR, message, http_status=400)


def too_large(message: str) -> ApiError:
    return ApiError(Code.ERROR, message, http_status=413)

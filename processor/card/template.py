"""The card's printed layout as data: rows, labels, value columns, the portrait, the emblem
and the registration anchors of the upright card (ISO/IEC 7810 ID-1, 85.6 x 54 mm).

Every position is a fraction of the card's width (x, of 85.6 mm) or height (y, of 54 mm)
measured from the top-left corner of the upright card; the comments give the same place in
millimetres on the physical card. This is the reader's own template, taken from the card:
the renderer (``synthcards``) draws from its own geometry and never imports this module, so
that an error in one shows against the other instead of hiding in both. Regions are
generous: real cards, and rectification, vary by a few percent.
"""

from __future__ import annotations

from typing import Final

from ..values import Box
from .facts import CARD_HEIGHT_MM, CARD_WIDTH_MM

#: Width over height (85.6 / 54 = 1.585): rectified cards have this aspect.
CARD_ASPECT: Final = CARD_WIDTH_MM / CARD_HEIGHT_MM


def char_width(box: Box) -> float:
    """The width of a CJK character printed as high as ``box`` (about as wide as it is high),
    as a share of the card's width (``box`` normalised to the card)."""
    return box.height / CARD_ASPECT


# -- front -------------------------------------------------------------------------------
#: The portrait, for the layout: text found there is not a field, and field rows stop
#: before it (x 53.1-81.3 mm, y 6.5-42.1 mm).
PORTRAIT_NO_TEXT: Final = Box(0.62, 0.12, 0.95, 0.78)
#: The portrait as returned by the ``portrait`` extra: a little wider than the printed
#: photo (x 53.5-79.2 mm, y 7.6-41.0 mm).
PORTRAIT_CROP: Final = Box(0.625, 0.14, 0.925, 0.76)

#: Left edge of the front's values (14.1 mm): the labels stand left of it.
FRONT_VALUE_X: Final = 0.165
#: A row starting left of this (11.1 mm) starts in the labels' column (they stand at ~6.5 mm).
FRONT_LABEL_X1: Final = 0.13
#: Right edge of the gender's value (21.4 mm) and left edge of the 民族 value (33.0 mm).
GENDER_VALUE_X1: Final = 0.25
RACE_VALUE_X: Final = 0.385
#: The values' text ends before the portrait (52.6 mm; the photo starts near 53.5 mm).
FRONT_TEXT_END_X: Final = 0.615

#: Left edge of the id number crop (24.8 mm; the label 公民身份号码 ends before it).
ID_VALUE_X: Final = 0.29
#: Where to crop a front row when detection found nothing there: x0, x1 and the band.
FRONT_FALLBACK: Final[dict[str, tuple[float, float, float, float]]] = {
    "name": (0.06, 0.55, 0.13, 0.215),  # x 5.1-47.1 mm, y 7.0-11.6 mm
    "gender_race": (0.06, 0.60, 0.26, 0.34),  # x 5.1-51.4 mm, y 14.0-18.4 mm
    "birth": (0.06, 0.60, 0.37, 0.45),  # x 5.1-51.4 mm, y 20.0-24.3 mm
    "id_no": (ID_VALUE_X, 0.95, 0.79, 0.88),  # x 24.8-81.3 mm, y 42.7-47.5 mm
}

#: The labels printed on the front, in reading order.
FRONT_LABELS: Final = ("姓名", "性别", "民族", "出生", "住址")

#: Text whose box starts right of this (51.4 mm), at the portrait's height (y 6.5-42.1 mm),
#: is no row of the card's: the photo's edges, hair, a hologram over it.
PORTRAIT_TEXT_X0: Final = 0.60

# -- the fields' rows, for matching the rows read to fields ------------------------------
#: Per side, each field top to bottom: how many rows it may take, where its first row's
#: centre is (fraction of the height) and the pitch of its next rows. Only a prior: the
#: labels and what the rows say decide (positions on the physical card).
FIELD_ROWS: Final[dict[str, tuple[tuple[str, int, float, float], ...]]] = {
    "front": (
        ("name", 1, 0.17, 0.0),  # 9.2 mm
        # 民族 may stand on a row of its own, right of and a little below 性别 (a card read
        # a little off level)
        ("gender_race", 2, 0.30, 0.0),  # 16.2 mm
        ("birth", 1, 0.41, 0.0),  # 22.1 mm
        ("address", 3, 0.53, 0.085),  # 28.6 mm, lines 4.6 mm apart
        ("id_no", 1, 0.83, 0.0),  # 44.8 mm
    ),
    "back": (
        ("title", 1, 0.20, 0.0),  # 中华人民共和国, 10.8 mm
        ("subtitle", 1, 0.38, 0.0),  # 居民身份证, 20.5 mm
        ("issued_by", 1, 0.71, 0.0),  # 38.3 mm
        ("valid_date", 1, 0.83, 0.0),  # 44.8 mm
    ),
}
#: The label each field's first row starts with (the titles are their own labels).
FIELD_LABELS: Final[dict[str, tuple[str, ...]]] = {
    "name": ("姓名",),
    "gender_race": ("性别", "民族"),
    "birth": ("出生",),
    "address": ("住址",),
    "id_no": ("公民身份号码",),
    "title": ("中华人民共和国",),
    "subtitle": ("居民身份证",),
    "issued_by": ("签发机关",),
    "valid_date": ("有效期限",),
}
#: How far right a field's value may run (the front's stop before the portrait;
#: the number's and the back's near the card's right edge, 81.3 mm and 77.0 mm).
VALUE_END_X: Final[dict[str, float]] = {
    "name": FRONT_TEXT_END_X,
    "gender_race": FRONT_TEXT_END_X,
    "birth": FRONT_TEXT_END_X,
    "address": FRONT_TEXT_END_X,
    "id_no": 0.95,
    "issued_by": 0.9,
    "valid_date": 0.9,
}

# -- back --------------------------------------------------------------------------------
#: The emblem, top left (x 0-20.5 mm, y 0-27.0 mm).
EMBLEM: Final = Box(0.0, 0.0, 0.24, 0.50)
#: Left edge of the back's values (30.8 mm; 签发机关 / 有效期限 stand left of it).
BACK_VALUE_X: Final = 0.36
#: Where to crop a back row when detection found nothing there: x0, x1 and the band.
BACK_FALLBACK: Final[dict[str, tuple[float, float, float, float]]] = {
    "issued_by": (BACK_VALUE_X, 0.95, 0.67, 0.75),  # x 30.8-81.3 mm, y 36.2-40.5 mm
    "valid_date": (BACK_VALUE_X, 0.95, 0.79, 0.87),  # x 30.8-81.3 mm, y 42.7-47.0 mm
}

#: Where each field's value starts at the left: the side's values' column, the labels left
#: of it.
VALUE_START_X: Final[dict[str, float]] = {
    **dict.fromkeys(("name", "gender_race", "birth", "address", "id_no"), FRONT_VALUE_X),
    **dict.fromkeys(("issued_by", "valid_date"), BACK_VALUE_X),
}

# -- registration anchors ----------------------------------------------------------------
#: Where the detector's oriented box of each fixed printed text lies: (x0, y0, x1, y1), the
#: median box on 60 generated cards seen as registration sees them. Names as in
#: :data:`processor.card.register.ANCHORS`; a ``*_row`` is a label merged with its value
#: and a ``*_value`` a value, of which only the left edge is a fixed position.
ANCHOR_BOXES: Final[dict[str, tuple[float, float, float, float]]] = {
    "id_label": (0.081, 0.800, 0.273, 0.861),  # x 6.9-23.4 mm, y 43.2-46.5 mm
    "id_value": (0.356, 0.801, 0.942, 0.859),  # x 30.5-80.6 mm, y 43.3-46.4 mm
    "name_label": (0.079, 0.134, 0.297, 0.205),  # x 6.8-25.4 mm, y 7.2-11.1 mm
    "gender_label": (0.078, 0.268, 0.222, 0.334),  # x 6.7-19.0 mm, y 14.5-18.0 mm
    "birth_label": (0.081, 0.377, 0.488, 0.442),  # x 6.9-41.8 mm, y 20.4-23.9 mm
    "address_label": (0.082, 0.501, 0.566, 0.560),  # x 7.0-48.4 mm, y 27.1-30.2 mm
    "title": (0.345, 0.158, 0.778, 0.238),  # x 29.5-66.6 mm, y 8.5-12.9 mm
    "subtitle": (0.324, 0.324, 0.813, 0.434),  # x 27.7-69.6 mm, y 17.5-23.4 mm
    "issuer_label": (0.197, 0.676, 0.337, 0.743),  # x 16.9-28.8 mm, y 36.5-40.1 mm
    "validity_label": (0.197, 0.799, 0.337, 0.862),  # x 16.9-28.8 mm, y 43.1-46.5 mm
    "issuer_row": (0.197, 0.676, 0.9, 0.743),  # x 16.9-77.0 mm, y 36.5-40.1 mm
    "validity_row": (0.197, 0.799, 0.9, 0.862),  # x 16.9-77.0 mm, y 43.1-46.5 mm
    "issuer_value": (0.398, 0.677, 0.742, 0.742),  # x 34.1-63.5 mm, y 36.6-40.1 mm
    "validity_value": (0.398, 0.802, 0.760, 0.858),  # x 34.1-65.1 mm, y 43.3-46.3 mm
    # the birth boxed without its label (the median of 17 on 58 tuned fronts) and the id
    # number boxed with its label (at the label's left edge)
    "birth_value": (0.195, 0.366, 0.523, 0.427),  # x 16.7-44.8 mm, y 19.8-23.1 mm
    "id_row": (0.081, 0.800, 0.942, 0.861),  # x 6.9-80.6 mm, y 43.2-46.5 mm
}

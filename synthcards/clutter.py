"""Backgrounds, distractor objects and non-ID cards drawn in code (for photo-like scenes)."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Final

import cv2
import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw

from .identity import random_name
from .render import advance, card_height, font, rounded_mask

U8 = npt.NDArray[np.uint8]
F32 = npt.NDArray[np.float32]
Quad = npt.NDArray[np.float64]  # 4x2 points: TL, TR, BR, BL

# --- text pools (unrelated to identity cards) --------------------------------------------

ZH_LINES: Final = (
    "本公司定于下周三下午两点在三楼会议室召开季度工作总结会议，请各部门负责人准时参加。",
    "根据年度预算安排，各项目组需在月底前提交费用明细和采购计划。",
    "天气预报显示，明天白天多云转晴，气温十八到二十六摄氏度，东南风三级。",
    "请勿在图书馆内大声喧哗，借阅图书请在到期日前归还。",
    "本产品适用于家庭日常清洁，使用前请仔细阅读说明书并放置在儿童接触不到的地方。",
    "收据：今收到货款人民币伍仟元整，特此证明。",
    "欢迎参加春季运动会，报名截止时间为四月十五日，详情请咨询体育部。",
    "菜单：红烧肉、清蒸鱼、麻婆豆腐、西红柿炒鸡蛋、紫菜蛋花汤。",
    "学习计划：每天阅读三十分钟，每周完成两次练习并记录进度。",
    "温馨提示：电梯维修期间请走楼梯，给您带来不便敬请谅解。",
    "会议纪要：一、确定项目时间表；二、明确分工；三、下次会议时间另行通知。",
    "快递单号请妥善保管，如有问题请拨打客服电话咨询。",
    "小区物业通知：本周六上午进行消防演练，请各位业主积极配合。",
    "第三章 数据结构与算法的基本概念，本章介绍线性表、栈和队列。",
    "植物需要充足的阳光和水分，夏季应避免正午时分浇水。",
    "为进一步提升服务质量，现面向社会公开征集意见和建议。",
    "乘客您好，列车即将到达终点站，请携带好随身物品准备下车。",
    "实验步骤：将样品加热至六十度，保持十分钟后自然冷却。",
)
EN_LINES: Final = (
    "Quarterly report - draft v2",
    "Meeting notes: budget review and hiring plan",
    "Invoice No. 2024-0815   Total due: 1,280.00",
    "Please return the signed copy by Friday.",
    "The quick brown fox jumps over the lazy dog.",
    "Lorem ipsum dolor sit amet, consectetur adipiscing elit.",
    "Shipping address: 221 Park Avenue, Suite 5",
    "Chapter 4: Linear algebra and its applications",
    "Coffee 12.00  Tea 8.50  Cake 15.00",
    "Thank you for shopping with us!",
)
TITLES: Final = (
    "通知", "会议纪要", "收据", "工作计划", "产品说明书", "学习笔记", "报价单", "值班表",
)  # fmt: skip
_FAKE_BANKS: Final = ("东方商业银行", "长城信合银行", "华瑞联合银行", "江南农商银行", "星海银行")
_COMPANIES: Final = ("鑫源科技有限公司", "远航贸易有限公司", "晨光文化传媒", "蓝海设计工作室",
                     "恒达建筑工程有限公司", "云帆信息技术有限公司")  # fmt: skip
_TITLES_JOB: Final = ("销售经理", "技术总监", "项目主管", "市场专员", "总经理", "设计师")
_PINYIN: Final = ("ZHANG WEI", "LI NA", "WANG FANG", "LIU YANG", "CHEN JING", "ZHAO LEI")


def _pick(rng: np.random.Generator, seq: tuple[str, ...]) -> str:
    return seq[int(rng.integers(len(seq)))]


def color(rng: np.random.Generator, lo: int = 0, hi: int = 255) -> tuple[int, int, int]:
    c = rng.integers(lo, hi + 1, 3)
    return (int(c[0]), int(c[1]), int(c[2]))


# --- fields and noise --------------------------------------------------------------------


def smooth_field(rng: np.random.Generator, w: int, h: int, cx: int = 4, cy: int = 3) -> F32:
    small = rng.uniform(-1, 1, (cy, cx)).astype(np.float32)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC), np.float32)


@lru_cache(maxsize=1)
def _noise_tile() -> F32:
    return np.random.default_rng(20240601).standard_normal((1024, 1024, 3)).astype(np.float32)


def add_noise(img: U8, sigma: float, rng: np.random.Generator) -> U8:
    """Add gaussian-like sensor noise from a fixed tile at a random offset (fast)."""
    h, w = img.shape[:2]
    tile = _noise_tile() * np.float32(sigma)
    oy, ox = int(rng.integers(512)), int(rng.integers(512))
    out = np.empty_like(img)
    for y in range(0, h, 512):
        for x in range(0, w, 512):
            bh, bw = min(512, h - y), min(512, w - x)
            out[y : y + bh, x : x + bw] = cv2.add(
                img[y : y + bh, x : x + bw], tile[oy : oy + bh, ox : ox + bw], dtype=cv2.CV_8U
            )
    return out


def multiply_field(img: U8, small: F32) -> U8:
    """Multiply every channel by a smooth field given at low resolution (saturating)."""
    h, w = img.shape[:2]
    big = np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.float32)
    return np.asarray(cv2.multiply(img, cv2.merge([big, big, big]), dtype=cv2.CV_8U), np.uint8)


def apply_light(img: U8, rng: np.random.Generator, strength: float) -> U8:
    """Multiply by a smooth lighting field: a linear gradient plus a soft bright/dark blob."""
    h, w = img.shape[:2]
    sw, sh = 64, max(2, round(64 * h / w))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    xx /= sw
    yy /= sw
    ang = float(rng.uniform(0, 2 * np.pi))
    grad = (xx - 0.5) * math.cos(ang) + (yy - 0.5 * sh / sw) * math.sin(ang)
    bx, by = float(rng.uniform(0, 1)), float(rng.uniform(0, sh / sw))
    blob = np.exp(-((xx - bx) ** 2 + (yy - by) ** 2) / float(rng.uniform(0.05, 0.3)))
    field = 1 + strength * (0.8 * grad + float(rng.uniform(-0.6, 0.6)) * blob)
    return multiply_field(img, field.astype(np.float32))


def vignette(img: U8, strength: float) -> U8:
    h, w = img.shape[:2]
    sw, sh = 64, max(2, round(64 * h / w))
    yy, xx = np.mgrid[0:sh, 0:sw].astype(np.float32)
    r2 = ((xx / sw - 0.5) * 2) ** 2 + ((yy / sh - 0.5) * 2) ** 2
    return multiply_field(img, (1 - strength * np.clip(r2 / 2, 0, 1)).astype(np.float32))


# --- textures ----------------------------------------------------------------------------

_WOODS: Final = (
    (95, 140, 190),
    (45, 75, 115),
    (55, 85, 150),
    (140, 185, 220),
    (80, 110, 150),
    (170, 200, 225),
)  # fmt: skip  BGR
_DESKS: Final = (
    (245, 245, 245),
    (232, 236, 238),
    (210, 210, 205),
    (190, 200, 210),
    (60, 60, 62),
    (30, 30, 32),
    (200, 220, 235),
    (160, 150, 130),
    (120, 130, 140),
    (225, 235, 240),
    (180, 185, 175),
)  # fmt: skip  BGR


def tex_wood(w: int, h: int, rng: np.random.Generator) -> U8:
    vertical = rng.random() < 0.5
    tw, th = (h, w) if vertical else (w, h)
    base = np.array(_WOODS[int(rng.integers(len(_WOODS)))], np.float32) + rng.uniform(-15, 15, 3)
    streak = np.asarray(
        cv2.resize(
            rng.uniform(0, 1, (max(2, th // 3), 10)).astype(np.float32),
            (tw, th),
            interpolation=cv2.INTER_CUBIC,
        ),
        np.float32,
    )
    warp = smooth_field(rng, tw, th, 5, 3) * th * float(rng.uniform(0.01, 0.05))
    y = np.arange(th, dtype=np.float32)[:, None] + warp
    period = th / float(rng.uniform(12, 40))
    grain = 0.5 + 0.5 * np.sin(2 * np.pi * y / period + 3 * streak)
    t = grain**3
    shade = 1 - 0.28 * t - 0.12 * (streak - 0.5)
    plank = float(rng.uniform(0.15, 0.5)) * th
    rows = (np.arange(th, dtype=np.float32) % plank) < max(1.5, th * 0.003)
    shade[rows, :] *= 0.6
    img = base[None, None, :] * shade[..., None]
    out = np.clip(img, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(out.transpose(1, 0, 2)) if vertical else out


def tex_desk(w: int, h: int, rng: np.random.Generator) -> U8:
    base = np.array(_DESKS[int(rng.integers(len(_DESKS)))], np.float32) + rng.uniform(-10, 10, 3)
    f = rng.uniform(-1, 1, (4, 5, 1)).astype(np.float32)
    small = np.clip(base[None, None, :] * (1 + 0.05 * f), 0, 255).astype(np.float32)
    big = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(np.asarray(big), 0, 255).astype(np.uint8)


def tex_fabric(w: int, h: int, rng: np.random.Generator) -> U8:
    c1 = np.array(color(rng, 40, 220), np.float32)
    c2 = np.array(color(rng, 40, 220), np.float32)
    p = float(rng.uniform(2.5, 6))
    xs = np.arange(w, dtype=np.float32)
    ys = np.arange(h, dtype=np.float32)
    weave = np.sin(2 * np.pi * xs / p)[None, :] * np.sin(2 * np.pi * ys / p)[:, None]
    img = np.empty((h, w, 3), np.float32)
    img[:] = c1
    if rng.random() < 0.6:  # plaid stripes
        sp = float(rng.uniform(30, 120))
        sx = (np.sin(2 * np.pi * xs / sp) > 0.4).astype(np.float32)
        sy = (np.sin(2 * np.pi * ys / sp) > 0.4).astype(np.float32)
        m = np.clip(sx[None, :] * 0.5 + sy[:, None] * 0.5, 0, 1)
        img += m[..., None] * (c2 - c1)
    img *= (1 + 0.08 * weave)[..., None]
    img *= (1 + 0.06 * smooth_field(rng, w, h))[..., None]
    return np.clip(img, 0, 255).astype(np.uint8)


def tex_stone(w: int, h: int, rng: np.random.Generator) -> U8:
    base = np.array(color(rng, 170, 245), np.float32)
    f = smooth_field(rng, w, h, 6, 5) + 0.5 * smooth_field(rng, w, h, 17, 13)
    veins = np.abs(np.sin(f * float(rng.uniform(4, 9)))) ** 0.25
    img = base[None, None, :] * (0.8 + 0.2 * veins[..., None])
    return np.clip(img, 0, 255).astype(np.uint8)


TEXTURES: Final = (tex_wood, tex_desk, tex_fabric, tex_stone)
_TEX_P: Final = (0.35, 0.35, 0.15, 0.15)
#: Resolution factor the texture is computed at before scaling up (fabric needs full detail).
_TEX_SCALE: Final = (0.5, 1.0, 1.0, 0.5)


def background(w: int, h: int, rng: np.random.Generator) -> U8:
    k = int(rng.choice(len(TEXTURES), p=_TEX_P))
    sc = _TEX_SCALE[k]
    if sc >= 1.0:
        return TEXTURES[k](w, h, rng)
    small = TEXTURES[k](max(8, round(w * sc)), max(8, round(h * sc)), rng)
    return np.asarray(cv2.resize(small, (w, h), interpolation=cv2.INTER_LINEAR), np.uint8)


# --- pasting -----------------------------------------------------------------------------


def paste_quad(
    frame: U8, patch: U8, quad: Quad, *, alpha: U8 | None = None, opacity: float = 1.0
) -> tuple[int, int, int, int, F32] | None:
    """Perspective-paste ``patch`` (BGR or BGRA) so its corners land on ``quad`` (TL,TR,BR,BL).

    Only the bounding box is warped. Returns (x0, y0, x1, y1, alpha in [0,1]) of the pasted
    region, or None when it lies outside the frame.
    """
    fh, fw = frame.shape[:2]
    ph, pw = patch.shape[:2]
    x0 = max(0, math.floor(quad[:, 0].min()) - 1)
    y0 = max(0, math.floor(quad[:, 1].min()) - 1)
    x1 = min(fw, math.ceil(quad[:, 0].max()) + 2)
    y1 = min(fh, math.ceil(quad[:, 1].max()) + 2)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return None
    src = np.array([[0, 0], [pw, 0], [pw, ph], [0, ph]], np.float32)
    dst = (quad - np.array([x0, y0])).astype(np.float32)
    m = cv2.getPerspectiveTransform(src, dst)
    size = (x1 - x0, y1 - y0)
    bgr = np.ascontiguousarray(patch[..., :3])
    if alpha is None:
        alpha = patch[..., 3] if patch.shape[2] == 4 else np.full((ph, pw), 255, np.uint8)
    warped = np.asarray(
        cv2.warpPerspective(bgr, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE),
        np.uint8,
    )
    a = np.asarray(
        cv2.warpPerspective(
            alpha, m, size, flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT, borderValue=0
        ),
        np.uint8,
    )
    roi = frame[y0:y1, x0:x1]
    if opacity >= 1.0:
        np.copyto(roi, warped, where=(a == 255)[..., None])
        edge = (a > 0) & (a < 255)
    else:
        edge = a > 0
    if edge.any():
        af = a[edge].astype(np.float32)[:, None] * (opacity / 255.0)
        src = warped[edge].astype(np.float32)
        dst = roi[edge].astype(np.float32)
        roi[edge] = np.clip(dst + af * (src - dst) + 0.5, 0, 255).astype(np.uint8)
    return x0, y0, x1, y1, a.astype(np.float32) * (opacity / 255.0)


def rect_quad(cx: float, cy: float, w: float, h: float, angle: float) -> Quad:
    """Corners TL,TR,BR,BL of a w×h rectangle centred at (cx, cy) rotated by ``angle`` radians."""
    c, s = math.cos(angle), math.sin(angle)
    pts = np.array([[-w / 2, -h / 2], [w / 2, -h / 2], [w / 2, h / 2], [-w / 2, h / 2]])
    rot = np.array([[c, -s], [s, c]])
    return np.asarray(pts @ rot.T + np.array([cx, cy]), np.float64)


def drop_shadow(frame: U8, quad: Quad, rng: np.random.Generator, strength: float) -> None:
    """Darken a blurred, offset copy of the quad's footprint (a soft shadow under an object)."""
    fh, fw = frame.shape[:2]
    size = float(np.linalg.norm(quad[1] - quad[0]))
    blur = max(2.0, size * float(rng.uniform(0.01, 0.04)))
    off = rng.uniform(-0.03, 0.03, 2) * size
    q = quad + off
    pad = int(blur * 3) + 2
    x0 = max(0, math.floor(q[:, 0].min()) - pad)
    y0 = max(0, math.floor(q[:, 1].min()) - pad)
    x1 = min(fw, math.ceil(q[:, 0].max()) + pad)
    y1 = min(fh, math.ceil(q[:, 1].max()) + pad)
    if x1 - x0 < 4 or y1 - y0 < 4:
        return
    # Draw the footprint at reduced resolution; the blur hides it.
    sc = min(1.0, 400.0 / max(x1 - x0, y1 - y0))
    sw, sh = max(2, round((x1 - x0) * sc)), max(2, round((y1 - y0) * sc))
    mask = np.zeros((sh, sw), np.uint8)
    pts = ((q - np.array([x0, y0])) * sc * 16).round().astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, cv2.LINE_AA, shift=4)
    mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(0.8, blur * sc)), np.uint8)
    small = (1 - strength * mask.astype(np.float32) / 255.0).astype(np.float32)
    frame[y0:y1, x0:x1] = multiply_field(frame[y0:y1, x0:x1], small)


# --- distractor objects ------------------------------------------------------------------


def _text_lines(rng: np.random.Generator, n: int) -> list[str]:
    out = []
    for _ in range(n):
        out.append(_pick(rng, EN_LINES) if rng.random() < 0.25 else _pick(rng, ZH_LINES))
    return out


def paper_patch(rng: np.random.Generator, pw: int, ph: int, *, dense: bool = False) -> U8:
    """A printed page (BGR): optional title then lines of unrelated Chinese/English text."""
    paper = color(rng, 228, 255)
    img = Image.new("RGB", (pw, ph), (paper[2], paper[1], paper[0]))
    d = ImageDraw.Draw(img)
    margin = int(pw * rng.uniform(0.06, 0.12))
    size = max(6, int(pw / rng.uniform(22, 34) if dense else pw / rng.uniform(14, 26)))
    key = "serif" if rng.random() < 0.5 else "sans"
    ink = int(rng.integers(0, 70))
    y = margin
    if rng.random() < 0.7:
        tf = font("sans_bold", int(size * 1.5))
        title = _pick(rng, TITLES)
        tw = tf.getlength(title)
        d.text(((pw - tw) / 2, y), title, font=tf, fill=(ink, ink, ink))
        y += int(size * 2.6)
    f = font(key, size)
    line_h = int(size * rng.uniform(1.5, 2.0))
    maxw = pw - 2 * margin
    for line in _text_lines(rng, 40):
        # wrap by measured width
        cur = ""
        cur_w = 0.0
        for ch in line:
            adv = advance(key, size, ch)
            cur_w += adv
            if cur_w > maxw:
                cur_w = adv
                d.text((margin, y), cur, font=f, fill=(ink, ink, ink))
                y += line_h
                cur = ch
                if y > ph - margin - size:
                    break
            else:
                cur += ch
        if y > ph - margin - size:
            break
        d.text((margin, y), cur, font=f, fill=(ink, ink, ink))
        y += line_h + (line_h // 2 if rng.random() < 0.3 else 0)
    return np.ascontiguousarray(np.asarray(img)[..., ::-1])


def _phone_patch(rng: np.random.Generator, pw: int) -> U8:
    ph = int(pw * rng.uniform(1.9, 2.15))
    img = np.zeros((ph, pw, 4), np.uint8)
    body = color(rng, 10, 70) if rng.random() < 0.7 else color(rng, 150, 230)
    img[..., :3] = body
    img[..., 3] = rounded_mask(pw, ph, pw * 0.12)
    m = int(pw * 0.05)
    screen_on = rng.random() < 0.5
    scr = color(rng, 60, 200) if screen_on else (15, 15, 18)
    cv2.rectangle(img, (m, m * 2), (pw - m, ph - m * 2), (*scr, 255), -1)
    if screen_on:
        for i in range(int(rng.integers(4, 16))):
            gx, gy = i % 4, i // 4
            s = (pw - 2 * m) // 5
            x = m + s // 2 + gx * (s + s // 4)
            y = m * 4 + gy * (s + s // 2)
            cv2.rectangle(img, (x, y), (x + s, y + s), (*color(rng), 255), -1)
    return img


def _key_patch(rng: np.random.Generator, kw: int) -> U8:
    kh = int(kw * 0.42)
    img = np.zeros((kh, kw, 4), np.uint8)
    metal = color(rng, 120, 200) if rng.random() < 0.6 else (60, 150, 190)
    c = (*metal, 255)
    r = kh // 2 - 1
    cv2.circle(img, (r + 1, kh // 2), r, c, -1, cv2.LINE_AA)
    cv2.circle(img, (r // 2 + 2, kh // 2), max(2, r // 4), (0, 0, 0, 0), -1, cv2.LINE_AA)
    sh = max(2, kh // 6)
    cv2.rectangle(img, (r, kh // 2 - sh), (kw - 2, kh // 2 + sh), c, -1, cv2.LINE_AA)
    x = r + kh // 2
    while x < kw - kh // 5:
        tooth = int(rng.integers(sh, sh * 3))
        cv2.rectangle(img, (x, kh // 2 + sh - 1), (x + kh // 8, kh // 2 + sh + tooth // 2), c, -1)
        x += kh // 6
    shade = (
        img[..., :3].astype(np.float32) * np.linspace(0.8, 1.1, kw, dtype=np.float32)[None, :, None]
    )
    img[..., :3] = np.clip(shade, 0, 255).astype(np.uint8)
    return img


def _pen_patch(rng: np.random.Generator, length: int) -> U8:
    w = max(6, int(length * rng.uniform(0.05, 0.08)))
    img = np.zeros((w, length, 4), np.uint8)
    img[..., :3] = color(rng, 10, 230)
    img[..., 3] = rounded_mask(length, w, w * 0.45)
    cv2.rectangle(img, (int(length * 0.75), 0), (length, w), (*color(rng, 100, 240), 255), -1)
    img[..., 3] = np.minimum(img[..., 3], rounded_mask(length, w, w * 0.45))
    return img


def _coin_patch(rng: np.random.Generator, d: int) -> U8:
    img = np.zeros((d, d, 4), np.uint8)
    c = color(rng, 110, 200)
    cv2.circle(img, (d // 2, d // 2), d // 2 - 1, (*c, 255), -1, cv2.LINE_AA)
    cv2.circle(
        img,
        (d // 2, d // 2),
        int(d * 0.38),
        (*(max(0, v - 35) for v in c), 255),
        max(1, d // 30),
        cv2.LINE_AA,
    )
    return img


def add_clutter(frame: U8, rng: np.random.Generator, n: int) -> None:
    """Draw ``n`` random objects (papers, phone, keys, pens, coins, shapes) on the frame."""
    fh, fw = frame.shape[:2]
    short = min(fw, fh)
    for _ in range(n):
        kind = int(rng.choice(6, p=(0.3, 0.12, 0.15, 0.15, 0.1, 0.18)))
        cx, cy = float(rng.uniform(0, fw)), float(rng.uniform(0, fh))
        ang = float(rng.uniform(0, 2 * np.pi))
        if kind == 0:
            pw = int(short * rng.uniform(0.35, 0.8))
            ph = int(pw * (1.414 if rng.random() < 0.7 else rng.uniform(1.6, 2.6)))
            patch = paper_patch(rng, pw, ph)
            q = rect_quad(cx, cy, pw, ph, ang)
            drop_shadow(frame, q, rng, float(rng.uniform(0.1, 0.3)))
            paste_quad(frame, patch, q)
            continue
        if kind == 1:
            patch = _phone_patch(rng, int(short * rng.uniform(0.15, 0.3)))
        elif kind == 2:
            patch = _key_patch(rng, int(short * rng.uniform(0.1, 0.22)))
        elif kind == 3:
            patch = _pen_patch(rng, int(short * rng.uniform(0.25, 0.5)))
        elif kind == 4:
            patch = _coin_patch(rng, int(short * rng.uniform(0.04, 0.08)))
        else:
            _shape(frame, rng)
            continue
        ph, pw = patch.shape[:2]
        q = rect_quad(cx, cy, pw, ph, ang)
        drop_shadow(frame, q, rng, float(rng.uniform(0.15, 0.4)))
        paste_quad(frame, patch, q)


def _shape(frame: U8, rng: np.random.Generator) -> None:
    fh, fw = frame.shape[:2]
    short = min(fw, fh)
    c = color(rng)
    cx, cy = int(rng.integers(fw)), int(rng.integers(fh))
    k = int(rng.integers(4))
    if k == 0:
        cv2.circle(frame, (cx, cy), int(short * rng.uniform(0.03, 0.2)), c, -1, cv2.LINE_AA)
    elif k == 1:
        n = int(rng.integers(3, 7))
        pts = rng.uniform(-1, 1, (n, 2)) * short * rng.uniform(0.05, 0.25) + [cx, cy]
        cv2.fillPoly(frame, [pts.astype(np.int32)], c, cv2.LINE_AA)
    elif k == 2:
        p2 = (
            cx + int(rng.integers(-short // 2, short // 2)),
            cy + int(rng.integers(-short // 2, short // 2)),
        )
        cv2.line(frame, (cx, cy), p2, c, max(1, int(short * rng.uniform(0.002, 0.01))), cv2.LINE_AA)
    else:
        ax = (int(short * rng.uniform(0.03, 0.2)), int(short * rng.uniform(0.03, 0.2)))
        cv2.ellipse(
            frame,
            (cx, cy),
            ax,
            float(rng.uniform(0, 180)),
            0,
            360,
            c,
            int(rng.integers(2, 12)),
            cv2.LINE_AA,
        )


# --- other cards (negatives) -------------------------------------------------------------


def _put(  # noqa: PLR0917 - drawing primitive
    d: ImageDraw.ImageDraw,
    xy: tuple[float, float],
    text: str,
    key: str,
    size: int,
    fill: tuple[int, int, int],
) -> None:
    d.text(xy, text, font=font(key, max(4, size)), fill=fill)


def bank_card(rng: np.random.Generator, width: int) -> U8:
    """A bank-card-sized card (BGRA) with an invented bank name, chip and a 16-digit number."""
    w, h = width, card_height(width)
    c1 = np.array(color(rng, 20, 220), np.float32)
    c2 = np.array(color(rng, 20, 220), np.float32)
    t = np.linspace(0, 1, w, dtype=np.float32)[None, :, None]
    grad = c1 * (1 - t) + c2 * t
    rgb = np.repeat(grad, h, axis=0)
    img = Image.fromarray(np.clip(rgb, 0, 255).astype(np.uint8))
    d = ImageDraw.Draw(img)
    light = float(rgb.mean()) < 140
    fg = (245, 245, 240) if light else (20, 20, 30)
    # logo: two overlapping circles
    r = int(h * 0.07)
    d.ellipse(
        (int(w * 0.06), int(h * 0.08), int(w * 0.06) + 2 * r, int(h * 0.08) + 2 * r),
        fill=color(rng),
    )
    d.ellipse(
        (int(w * 0.06) + r, int(h * 0.08), int(w * 0.06) + 3 * r, int(h * 0.08) + 2 * r),
        fill=color(rng),
    )
    _put(
        d, (w * 0.06 + 3.4 * r, h * 0.085), _pick(rng, _FAKE_BANKS), "sans_bold", int(h * 0.08), fg
    )
    # chip
    cx0, cy0 = int(w * 0.1), int(h * 0.36)
    d.rounded_rectangle(
        (cx0, cy0, cx0 + int(w * 0.13), cy0 + int(h * 0.16)),
        radius=int(h * 0.02),
        fill=(212, 178, 96),
        outline=(150, 120, 60),
        width=max(1, w // 400),
    )
    digits = "".join(str(int(v)) for v in rng.integers(0, 10, 16))
    num = " ".join(digits[i : i + 4] for i in range(0, 16, 4))
    _put(d, (w * 0.08, h * 0.6), num, "ocrb", int(h * 0.09), fg)
    _put(
        d,
        (w * 0.08, h * 0.76),
        f"VALID THRU {int(rng.integers(1, 13)):02d}/{int(rng.integers(25, 35))}",
        "ocrb",
        int(h * 0.045),
        fg,
    )
    _put(d, (w * 0.08, h * 0.84), _pick(rng, _PINYIN), "ocrb", int(h * 0.06), fg)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = np.asarray(img)[..., ::-1]
    out[..., 3] = rounded_mask(w, h, h * 0.06)
    return out


def business_card(rng: np.random.Generator, width: int) -> U8:
    """A business card (BGRA): company, name, job title, phone and e-mail."""
    w = width
    h = int(w * 0.6)
    bg = color(rng, 225, 255)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    ink = (int(rng.integers(0, 60)),) * 3
    accent = color(rng, 0, 200)
    d.rectangle((0, 0, int(w * 0.03), h), fill=accent)
    _put(d, (w * 0.08, h * 0.1), _pick(rng, _COMPANIES), "sans_bold", int(h * 0.075), accent)
    _put(
        d,
        (w * 0.08, h * 0.32),
        random_name(rng, "男" if rng.random() < 0.5 else "女"),
        "serif_bold",
        int(h * 0.13),
        ink,
    )
    _put(d, (w * 0.45, h * 0.37), _pick(rng, _TITLES_JOB), "sans", int(h * 0.065), ink)
    phone = "1" + "".join(str(int(v)) for v in rng.integers(0, 10, 10))
    _put(
        d,
        (w * 0.08, h * 0.62),
        f"电话：{phone[:3]} {phone[3:7]} {phone[7:]}",
        "sans",
        int(h * 0.06),
        ink,
    )
    _put(
        d,
        (w * 0.08, h * 0.73),
        f"邮箱：info{int(rng.integers(10, 99))}@example.com",
        "sans",
        int(h * 0.06),
        ink,
    )
    street = _pick(rng, ("科技园路18号", "人民路200号3楼", "新华街56号"))
    _put(d, (w * 0.08, h * 0.84), "地址：" + street, "sans", int(h * 0.06), ink)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = np.asarray(img)[..., ::-1]
    out[..., 3] = rounded_mask(w, h, h * 0.02)
    return out


def badge_card(rng: np.random.Generator, width: int) -> U8:
    """An employee badge (工作证): photo box, 姓名/部门/工号 — card-like but not an ID card."""
    w, h = width, card_height(width)
    bg = color(rng, 200, 255)
    img = Image.new("RGB", (w, h), bg)
    d = ImageDraw.Draw(img)
    band = color(rng, 0, 180)
    d.rectangle((0, 0, w, int(h * 0.22)), fill=band)
    _put(
        d, (w * 0.05, h * 0.04), _pick(rng, _COMPANIES), "sans_bold", int(h * 0.1), (250, 250, 250)
    )
    d.rectangle((int(w * 0.06), int(h * 0.3), int(w * 0.3), int(h * 0.9)), fill=(220, 225, 230))
    d.ellipse((int(w * 0.12), int(h * 0.38), int(w * 0.24), int(h * 0.6)), fill=(170, 150, 140))
    d.ellipse((int(w * 0.08), int(h * 0.66), int(w * 0.28), int(h * 1.05)), fill=(60, 70, 90))
    d.rectangle((int(w * 0.06), int(h * 0.9), int(w * 0.3), h), fill=bg)
    ink = (20, 20, 20)
    rows = (
        ("工作证", ""),
        ("姓名", random_name(rng, "男" if rng.random() < 0.5 else "女")),
        ("部门", _pick(rng, ("技术部", "市场部", "财务部", "行政部"))),
        ("工号", f"{int(rng.integers(10000, 99999))}"),
    )
    for i, (k, v) in enumerate(rows):
        y = h * (0.32 + 0.15 * i)
        _put(d, (w * 0.38, y), k, "sans_bold" if i == 0 else "sans", int(h * 0.075), ink)
        if v:
            _put(d, (w * 0.52, y), v, "sans", int(h * 0.075), ink)
    out = np.empty((h, w, 4), np.uint8)
    out[..., :3] = np.asarray(img)[..., ::-1]
    out[..., 3] = rounded_mask(w, h, h * 0.05)
    return out

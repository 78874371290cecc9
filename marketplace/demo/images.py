"""Product photos for the demo, drawn by the project itself with Pillow (nothing is
downloaded): a card in the colour of the product's OCOP group, with its name, the
group, its stars and a simple motif for the group. Two or three per product, each
in two widths (for srcset), stored as WebP (marketplace.storage) and served
at /anh/<photo> (marketplace.storage.serving).

Drawing is deterministic (the same product gives the same files), and a file that
already exists is kept, so loading the demo again costs nothing.
"""

import io
import math
import zlib
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from marketplace import storage
from marketplace.storage.serving import image_name, photo_key
from marketplace.text import fold

DEMO_WIDTHS = (320, 640)  # drawn at 1280, so 640 is as sharp as a phone needs

# (background, darker shade, accent) per OCOP group: the storefront's group colours.
PALETTES = {
    "food": ((138, 59, 0), (98, 40, 0), (246, 196, 83)),
    "beverages": ((36, 95, 58), (22, 64, 38), (190, 226, 170)),
    "herbal": ((63, 98, 18), (42, 68, 10), (214, 232, 150)),
    "textiles": ((107, 45, 107), (76, 28, 76), (240, 190, 230)),
    "handicrafts": ((91, 70, 54), (62, 46, 34), (232, 200, 160)),
    "tourism": ((30, 79, 122), (18, 54, 88), (170, 210, 240)),
}
GROUP_NAMES = {
    "food": "Thực phẩm", "beverages": "Đồ uống", "herbal": "Thảo dược", "textiles": "Vải, may mặc",
    "handicrafts": "Lưu niệm, nội thất, trang trí", "tourism": "Dịch vụ du lịch cộng đồng",
}
SIZE = (1280, 960)  # drawn once at twice the largest width, then scaled down: smooth edges
_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
          "/usr/share/fonts/truetype/noto/NotoSans-Bold.ttf",
          "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf")


def photos_for(producer_slug: str, product_slug: str) -> int:
    """How many photos a product gets: two or three, the same every time."""
    return 2 + zlib.crc32(f"{producer_slug}/{product_slug}".encode()) % 2


def make_product_images(*, producer_slug: str, product_slug: str, name: str, group: str,
                        stars: int | None) -> list[str]:
    """Store the product's photos (each in every width of DEMO_WIDTHS) through the storage
    module, keeping any already there; return the URL of each photo at its largest width."""
    urls = []
    for index in range(1, photos_for(producer_slug, product_slug) + 1):
        names = {width: image_name(producer_slug, product_slug, index, width) for width in DEMO_WIDTHS}
        if not all(storage.exists(photo_key(n)) for n in names.values()):
            card = draw_card(name, group, stars, index)
            for width, file_name in names.items():
                scaled = card.resize((width, width * SIZE[1] // SIZE[0]), Image.LANCZOS)
                out = io.BytesIO()
                scaled.save(out, "WEBP", quality=80, method=4)
                storage.put(photo_key(file_name), out.getvalue(), "image/webp")
        urls.append(storage.url(photo_key(names[max(DEMO_WIDTHS)])))
    return urls


def draw_card(name: str, group: str, stars: int | None, index: int) -> Image.Image:
    """Photo `index` (1: the name card, 2: the motif close up, 3: the label) at SIZE."""
    background, shade, accent = PALETTES.get(group, PALETTES["food"])
    image = Image.new("RGB", SIZE, background)
    draw = ImageDraw.Draw(image)
    width, height = SIZE
    if index == 2:
        draw.rectangle((0, 0, width, height), fill=shade)
        _motif(draw, group, (width // 2, height // 2), 380, accent, background)
        _text(draw, name, (60, height - 150), 64, (255, 255, 255), width - 120, max_lines=1)
        return image
    _motif(draw, group, (width - 250, 260 if index == 1 else height - 260), 190, accent, shade)
    if index == 3:  # a label, as on the pack
        draw.rounded_rectangle((60, 220, width - 480, height - 220), radius=36, fill=(250, 246, 236))
        _text(draw, name, (110, 290), 72, shade, width - 640)
        _text(draw, GROUP_NAMES.get(group, group), (110, height - 380), 44, (80, 80, 80), width - 640)
        _stars(draw, stars or 0, (110, height - 300), 46, shade)
        return image
    draw.rectangle((0, height - 300, width, height), fill=shade)
    _text(draw, name, (60, 120), 92, (255, 255, 255), width - 560)
    _text(draw, GROUP_NAMES.get(group, group), (60, height - 250), 50, accent, width - 120)
    _stars(draw, stars or 0, (60, height - 160), 56, accent)
    _text(draw, "OCOP", (60 + (stars or 0) * 130 + 30, height - 168), 64, (255, 255, 255), 400)
    return image


def _font(size: int):
    for path in _FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size), True
    return ImageFont.load_default(size), False  # Pillow's own font: Latin without Vietnamese marks


def _text(draw, text: str, origin, size: int, fill, max_width: int, max_lines: int = 3) -> None:
    """`text` wrapped to `max_width`, in at most `max_lines` lines (cut short with "…")."""
    font, full = _font(size)
    if not full:
        text = fold(text).capitalize()  # "Mat ong hoa ban": no empty boxes for missing glyphs
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}".strip()
        if line and draw.textlength(candidate, font=font) > max_width:
            lines.append(line)
            line = word
        else:
            line = candidate
    lines.append(line)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > max_width:
            lines[-1] = lines[-1].rsplit(" ", 1)[0] if " " in lines[-1] else lines[-1][:-1]
        lines[-1] += "…"
    x, y = origin
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += int(size * 1.25)


def _star_points(cx, cy, outer, inner):
    return [(cx + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
             cy - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5)) for i in range(10)]


def _stars(draw, count: int, origin, size: int, fill) -> None:
    x, y = origin
    for i in range(count):
        draw.polygon(_star_points(x + size + i * 130, y + size, size, size * 0.45), fill=fill)


def _motif(draw, group: str, centre, radius: int, fill, line) -> None:
    """A simple drawing for the group: honeycomb, a cup, leaves, a weave, a vase, mountains."""
    cx, cy = centre
    r = radius
    if group == "food":  # honeycomb
        for dx, dy in ((0, 0), (-0.87, -0.5), (0.87, -0.5), (-0.87, 0.5), (0.87, 0.5), (0, -1), (0, 1)):
            hx, hy = cx + dx * r * 0.55, cy + dy * r * 0.55
            draw.regular_polygon((hx, hy, r * 0.3), 6, fill=fill, outline=line, width=8)
    elif group == "beverages":  # a cup with steam
        draw.rounded_rectangle((cx - r * 0.55, cy - r * 0.2, cx + r * 0.4, cy + r * 0.7), radius=int(r * 0.15), fill=fill)
        draw.arc((cx + r * 0.2, cy - r * 0.05, cx + r * 0.75, cy + r * 0.45), -90, 90, fill=fill, width=int(r * 0.09))
        for i in range(3):
            sx = cx - r * 0.35 + i * r * 0.3
            draw.arc((sx - r * 0.1, cy - r * 0.85, sx + r * 0.1, cy - r * 0.3), 90, 270, fill=fill, width=10)
    elif group == "herbal":  # leaves on a stem
        draw.line((cx, cy + r, cx, cy - r * 0.8), fill=fill, width=14)
        for i, side in enumerate((-1, 1, -1, 1)):
            ly = cy + r * 0.5 - i * r * 0.4
            box = (cx, ly - r * 0.18, cx + side * r * 0.7, ly + r * 0.18)
            draw.ellipse((min(box[0], box[2]), box[1], max(box[0], box[2]), box[3]), fill=fill)
    elif group == "textiles":  # a woven square
        for i in range(-3, 4):
            offset = i * r * 0.25
            draw.line((cx - r, cy + offset, cx + r, cy + offset), fill=fill, width=18)
            draw.line((cx + offset, cy - r, cx + offset, cy + r), fill=line, width=12)
    elif group == "handicrafts":  # a vase
        draw.ellipse((cx - r * 0.6, cy - r * 0.3, cx + r * 0.6, cy + r * 0.8), fill=fill)
        draw.rectangle((cx - r * 0.22, cy - r * 0.8, cx + r * 0.22, cy - r * 0.1), fill=fill)
        draw.rectangle((cx - r * 0.32, cy - r * 0.9, cx + r * 0.32, cy - r * 0.75), fill=fill)
        draw.line((cx - r * 0.55, cy + r * 0.25, cx + r * 0.55, cy + r * 0.25), fill=line, width=12)
    else:  # tourism: mountains and a sun
        draw.ellipse((cx + r * 0.2, cy - r, cx + r * 0.7, cy - r * 0.5), fill=fill)
        draw.polygon([(cx - r, cy + r * 0.7), (cx - r * 0.3, cy - r * 0.4), (cx + r * 0.3, cy + r * 0.7)], fill=fill)
        draw.polygon([(cx - r * 0.1, cy + r * 0.7), (cx + r * 0.45, cy - r * 0.1), (cx + r, cy + r * 0.7)], fill=line)

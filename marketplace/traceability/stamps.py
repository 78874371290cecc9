"""Stamp sheets: an A4 PDF of QR stamps laid out for a common label sheet, drawn with
reportlab. segno encodes each QR code and reportlab draws its modules as vector squares,
so the code prints sharp at any size. The product name, the pack, the lot and the expiry
are printed beside each code in Be Vietnam Pro (shipped by the fontpkg-be-vietnam-pro
package; reportlab's own fonts have no Vietnamese letters)."""

import io
from dataclasses import dataclass
from datetime import date
from functools import cache

import segno
from fontpkg_be_vietnam_pro import ROOT as FONT_ROOT
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

REGULAR, BOLD = "BeVietnamPro", "BeVietnamPro-SemiBold"
PADDING = 1.2 * mm  # inside the die-cut edge: sheets are cut with about a millimetre of play
NAME_LINES = 3
QR_BORDER = 2  # modules of white around the code, besides the padding (≥ 4 modules of quiet zone in all)


@dataclass(frozen=True)
class SheetLayout:
    code: str
    columns: int
    rows: int
    width_mm: float
    height_mm: float
    left_mm: float  # from the sheet's edge to the first label
    top_mm: float
    pitch_x_mm: float  # from one label's left edge to the next one's
    pitch_y_mm: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows


# Common A4 label sheets sold in Vietnam (Avery's numbering; Tomy and Decal sell the same sizes).
LAYOUTS = {layout.code: layout for layout in (
    SheetLayout("a4-65", 5, 13, 38.1, 21.2, 4.75, 10.7, 40.6, 21.2),   # Avery L7651
    SheetLayout("a4-40", 4, 10, 52.5, 29.7, 0, 0, 52.5, 29.7),        # Avery 3651
    SheetLayout("a4-24", 3, 8, 70, 37, 0, 0.5, 70, 37),               # Avery 3474
)}


@dataclass(frozen=True)
class Stamp:
    url: str  # the QR code's payload: the GS1 Digital Link
    product_name: str
    variant_label: str
    lot_line: str | None  # "Lô: MA-2611", in the page's language
    expiry_line: str | None  # "HSD: 31/08/2027"


@cache
def _fonts() -> None:
    files = FONT_ROOT / "files"
    pdfmetrics.registerFont(TTFont(REGULAR, str(files / "BeVietnamPro-Regular.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(files / "BeVietnamPro-SemiBold.ttf")))


def render_sheets(layout: SheetLayout, stamp: Stamp, sheets: int, title: str) -> bytes:
    """`sheets` A4 pages, every label of each carrying `stamp`."""
    _fonts()
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4, pageCompression=1)
    canvas.setTitle(title)
    canvas.setCreator("Chợ OCOP")
    qr = segno.make_qr(stamp.url, error="m")
    for _sheet in range(sheets):
        for row in range(layout.rows):
            for column in range(layout.columns):
                x = (layout.left_mm + column * layout.pitch_x_mm) * mm
                top = A4[1] - (layout.top_mm + row * layout.pitch_y_mm) * mm
                _label(canvas, layout, qr, stamp, x, top - layout.height_mm * mm)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _label(canvas: Canvas, layout: SheetLayout, qr, stamp: Stamp, x: float, y: float) -> None:
    width, height = layout.width_mm * mm, layout.height_mm * mm
    side = height - 2 * PADDING
    _draw_qr(canvas, qr, x + PADDING, y + PADDING, side)
    text_x = x + PADDING + side + 0.8 * mm
    text_width = x + width - PADDING - text_x
    size = min(max(layout.height_mm * 0.28, 5.5), 8.5)
    leading = size * 1.18
    name = simpleSplit(stamp.product_name, BOLD, size, text_width)
    if len(name) > NAME_LINES:
        name = [*name[:NAME_LINES - 1], _fit(name[NAME_LINES - 1] + " " + name[NAME_LINES], BOLD, size, text_width)]
    lines = [(BOLD, size, line) for line in name]
    lines.append((REGULAR, size, _fit(stamp.variant_label, REGULAR, size, text_width)))
    # The lot and the expiry are what a stamp is for: made smaller to fit, never cut short.
    lines += [(BOLD, _size_to_fit(line, BOLD, size, text_width), line) for line in (stamp.lot_line, stamp.expiry_line)
              if line]
    cursor = y + height - PADDING - size
    for font, line_size, line in lines:
        if cursor < y + PADDING:
            break  # what does not fit is left out, never drawn outside the label
        canvas.setFont(font, line_size)
        canvas.drawString(text_x, cursor, line)
        cursor -= leading


def _size_to_fit(text: str, font: str, size: float, width: float) -> float:
    return min(size, size * width / max(pdfmetrics.stringWidth(text, font, size), 1))


def _fit(text: str, font: str, size: float, width: float) -> str:
    if pdfmetrics.stringWidth(text, font, size) <= width:
        return text
    while text and pdfmetrics.stringWidth(text + "…", font, size) > width:
        text = text[:-1]
    return text + "…"


def _draw_qr(canvas: Canvas, qr, x: float, y: float, side: float) -> None:
    """The code's dark modules as filled squares, one rectangle per horizontal run."""
    matrix = qr.matrix
    count = len(matrix) + 2 * QR_BORDER
    module = side / count
    path = canvas.beginPath()
    for r, row in enumerate(matrix):
        top = y + side - (r + QR_BORDER + 1) * module
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                path.rect(x + (start + QR_BORDER) * module, top, (c - start) * module, module)
            else:
                c += 1
    canvas.drawPath(path, stroke=0, fill=1)


def expiry_text(day: date) -> str:
    return day.strftime("%d/%m/%Y")

"""Reading a stamp sheet back as a phone would: each PDF page rendered to pixels (pypdfium2, PDFium)
and its QR codes decoded by zxing-cpp, not by segno, which encoded them."""

import pypdfium2
import zxingcpp

PRINT_DPI = 300


def pages_of(pdf: bytes) -> list[dict]:
    """Per page: its size in millimetres, its text, and the payloads of the QR codes on it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        pages = []
        for page in document:
            width, height = page.get_size()
            text = page.get_textpage().get_text_range()
            image = page.render(scale=PRINT_DPI / 72).to_pil()
            codes = [code.text for code in zxingcpp.read_barcodes(image)
                     if code.format == zxingcpp.BarcodeFormat.QRCode]
            pages.append({"size_mm": (round(width / 72 * 25.4), round(height / 72 * 25.4)), "text": text,
                          "codes": codes})
            page.close()
        return pages
    finally:
        document.close()

"""Reading a VietQR back without the library that wrote it: a TLV parser of our
own, the CRC from the standard library (binascii.crc_hqx is CRC-16/CCITT with
the initial value given, which with 0xFFFF is EMVCo's CRC-16/CCITT-FALSE), and
zxing-cpp for images. Tests of the payload, the API and the pages share it."""

import binascii
import io

import zxingcpp
from PIL import Image


def tlv(text: str) -> dict[str, str]:
    """EMVCo's ID (2 digits), length (2 digits), value, repeated; each ID once."""
    fields, at = {}, 0
    while at < len(text):
        tag, length = text[at:at + 2], int(text[at + 2:at + 4])
        value = text[at + 4:at + 4 + length]
        assert tag.isdigit() and len(value) == length, f"malformed at {at}: {text[at:]!r}"
        assert tag not in fields, f"tag {tag} twice"
        fields[tag] = value
        at += 4 + length
    return fields


def crc_is_right(text: str) -> bool:
    """The CRC in tag 63 covers everything before its value, "6304" included."""
    return text[-8:-4] == "6304" and f"{binascii.crc_hqx(text[:-4].encode('ascii'), 0xFFFF):04X}" == text[-4:]


def transfer(text: str) -> dict:
    """The fields a banking app acts on, each checked to be where NAPAS puts it."""
    assert crc_is_right(text), text
    root = tlv(text)
    assert list(root) == sorted(root) and list(root)[-1] == "63", "fields out of order, or the CRC not last"
    account_info = tlv(root["38"])
    beneficiary = tlv(account_info["01"])
    additional = tlv(root["62"])
    return {"format": root["00"], "initiation": root["01"], "guid": account_info["00"],
            "service": account_info["02"], "bin": beneficiary["00"], "account": beneficiary["01"],
            "currency": root["53"], "amount": root["54"], "country": root["58"], "purpose": additional["08"],
            "tags": sorted(root), "account_tags": sorted(account_info), "beneficiary_tags": sorted(beneficiary),
            "additional_tags": sorted(additional)}


def decode_image(data: bytes, crop: tuple[int, int, int, int] | None = None) -> list[str]:
    """The text of every QR code zxing-cpp finds in a PNG (or in a crop of it)."""
    image = Image.open(io.BytesIO(data)).convert("L")
    if crop:
        image = image.crop(crop)
    return [found.text for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]

"""Every string a page shows has a Vietnamese and an English translation, and
the catalogues compile by themselves."""

import os
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from marketplace.web.i18n import LOCALES, compile_catalogues

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "marketplace" / "translations"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}


def extracted_messages() -> set[str]:
    """What `pybabel extract -F babel.cfg` finds: templates, pages and the web layer."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
            str(ROOT), method_map, options_map, keywords=KEYWORDS):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(locale: str):
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=locale)


def test_the_templates_and_pages_have_strings_to_translate():
    messages = extracted_messages()
    assert "Đặc sản OCOP khắp Việt Nam" in messages  # a template string
    assert "Hợp tác xã" in messages  # a label in marketplace/web/labels.py
    assert len(messages) > 50


@pytest.mark.parametrize("locale", LOCALES)
def test_every_page_string_is_translated(locale):
    translated = {}
    for message in catalogue(locale):
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        translated[key] = bool(strings) and all(strings) and not message.fuzzy
    missing = sorted(m for m in extracted_messages() if not translated.get(m))
    assert not missing, (f"No {locale} translation for {len(missing)} string(s): {missing[:10]}. Run pybabel "
                         "extract/update (README, 'Translations') and fill in marketplace/translations/"
                         f"{locale}/LC_MESSAGES/messages.po")


def test_catalogues_compile_when_missing_or_older_than_their_po(tmp_path):
    po_dir = tmp_path / "en" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po = po_dir / "messages.po"
    po.write_bytes((TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po").read_bytes())
    assert compile_catalogues(tmp_path) == [po_dir / "messages.mo"]
    assert compile_catalogues(tmp_path) == []  # up to date: nothing to do
    os.utime(po, (po.stat().st_atime, po.stat().st_mtime + 10))
    assert compile_catalogues(tmp_path) == [po_dir / "messages.mo"]
    from babel.support import Translations
    with (po_dir / "messages.mo").open("rb") as mo:
        assert Translations(mo).gettext("Trang chủ") == "Home"


def test_catalogues_compile_elsewhere_when_the_package_folder_is_read_only(tmp_path):
    output = tmp_path / "compiled"
    written = compile_catalogues(TRANSLATIONS, output=output)
    assert sorted(p.relative_to(output).as_posix() for p in written) == [
        "en/LC_MESSAGES/messages.mo", "vi/LC_MESSAGES/messages.mo"]

"""Vietnamese first, English second.

The locale comes from the switcher (remembered in the session), else the
browser's Accept-Language, else Vietnamese. Catalogues are kept as .po files in
marketplace/translations; the .mo files are compiled at start-up whenever one is
missing or older than its .po, so no install or deploy step is needed.
"""

import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import Flask, g, request, session
from flask_babel import Babel, format_date, format_datetime

from marketplace.clock import VIETNAM_TZ, today_vn
from marketplace.money import format_vnd

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_NAMES = {"vi": "Tiếng Việt", "en": "English"}
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"
SESSION_KEY = "locale"

babel = Babel()


def select_locale() -> str:
    chosen = session.get(SESSION_KEY)
    if chosen in LOCALES:
        return chosen
    return request.accept_languages.best_match(LOCALES) or DEFAULT_LOCALE


def compile_catalogues(directory: Path = TRANSLATIONS_DIR, output: Path | None = None) -> list[Path]:
    """Compile every <locale>/LC_MESSAGES/messages.po under `directory` whose .mo (beside
    it, or at the same place under `output`) is missing or older. Returns the .mo files written."""
    written = []
    for po_path in sorted(directory.glob("*/LC_MESSAGES/*.po")):
        mo_path = (output / po_path.relative_to(directory) if output else po_path).with_suffix(".mo")
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)  # atomic: a second process starting at once reads a whole file
        written.append(mo_path)
    return written


def vnd(amount) -> str:
    return "" if amount is None else format_vnd(int(amount))


def local_date(value) -> str:
    """dd/mm/yyyy in Vietnamese, the locale's medium-short form in English; datetimes in +07:00."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value)
    if isinstance(value, datetime):
        if value.tzinfo is None:
            value = value.replace(tzinfo=timezone.utc)
        value = value.astimezone(VIETNAM_TZ).date()
    return format_date(value, "dd/MM/yyyy" if _locale() == "vi" else "d MMM yyyy")


def local_datetime(value) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return format_datetime(value, "dd/MM/yyyy HH:mm" if _locale() == "vi" else "d MMM yyyy, HH:mm")


def _locale() -> str:
    from flask_babel import get_locale
    return str(get_locale() or DEFAULT_LOCALE)


def stars(count) -> str:
    return "★" * int(count or 0)


def _choose_afresh():
    # Flask-Babel caches the locale on g; a request that shares an app context
    # with another (the test client inside a test's context) must not inherit it.
    g.pop("_flask_babel", None)


def init_app(app: Flask) -> None:
    app.before_request(_choose_afresh)
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_DEFAULT_TIMEZONE", "Asia/Ho_Chi_Minh")
    try:
        compile_catalogues()
        app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS_DIR))
    except OSError:  # installed read-only: compile into a private temporary folder instead
        output = Path(tempfile.mkdtemp(prefix="ocop-translations-"))
        compile_catalogues(output=output)
        app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(output)
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.filters.update(vnd=vnd, local_date=local_date, local_datetime=local_datetime, stars=stars)
    app.jinja_env.globals.update(LOCALES=LOCALES, LOCALE_NAMES=LOCALE_NAMES, current_locale=_locale, today_vn=today_vn)

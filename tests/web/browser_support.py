"""The storefront under a real WSGI server (waitress) on a free loopback port,
with the demo loaded, for the browser tests; and Debian's Chromium for Playwright."""

import os
import re
import socket
import threading
from contextlib import contextmanager

import pytest
from waitress.server import create_server

from marketplace.demo.data import DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium() -> str:
    """Fail (never skip) when Debian's Chromium is missing, naming the package."""
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(f"The browser tests need Chromium at {CHROMIUM}: install Debian's 'chromium' package "
                    "(scripts/ensure-chromium, or apt-get install chromium). Playwright's own browser "
                    "download is not used.", pytrace=False)
    return CHROMIUM


@contextmanager
def waitress_serving(app):
    """The app under waitress (several threads) on 127.0.0.1 and a free port."""
    server = create_server(app, host="127.0.0.1", port=0, threads=4, ident="ocop-test")
    port = server.effective_port
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        _wait_for(port)
        yield f"http://127.0.0.1:{port}"
    finally:
        server.close()
        thread.join(timeout=10)


def _wait_for(port: int) -> None:
    with socket.create_connection(("127.0.0.1", port), timeout=5):
        pass


PHONE = {"width": 360, "height": 740}
NOT_FOUND = "/khong-co-trang-nay"  # a path no page has (the 404 page)
_axe = None


def assert_accessible(page):
    """axe-core in the page: no serious or critical violation."""
    global _axe
    settle(page)
    if _axe is None:
        from axe_playwright_python.sync_playwright import Axe
        _axe = Axe()
    results = _axe.run(page)
    serious = [v for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert not serious, "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:5]}" for v in serious)


def settle(page):
    """Wait for the page a click navigated to: Playwright's click returns once the navigation
    commits, when the new document may not have an element yet (CI saw a null documentElement)."""
    page.wait_for_load_state("load")


def assert_no_horizontal_scroll(page):
    """The page does not scroll sideways, and nothing in <main> sticks out of its column
    (past its padding) unless it is inside a region that scrolls or clips by itself."""
    settle(page)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px at {page.viewport_size['width']}px"
    outside = page.evaluate(_OUTSIDE_THE_COLUMN)
    assert not outside, (f"{page.url} at {page.viewport_size['width']}px: these stick out of the column "
                         f"[{outside[0]}]: {outside[1:6]}")


# [the column's left and right edge, then each element outside it, as "tag#id.class [left, right]"]
_OUTSIDE_THE_COLUMN = """() => {
  const main = document.querySelector("main");
  if (!main) return [];
  const box = main.getBoundingClientRect(), style = getComputedStyle(main);
  const left = box.left + parseFloat(style.paddingLeft), right = box.right - parseFloat(style.paddingRight);
  const inScroller = el => {
    for (let p = el.parentElement; p && p !== main; p = p.parentElement)
      if (getComputedStyle(p).overflowX !== "visible") return true;
    return false;
  };
  const outside = [];
  for (const el of main.querySelectorAll("*")) {
    const r = el.getBoundingClientRect(), s = getComputedStyle(el);
    if (!r.width || !r.height || s.position === "absolute" && r.width <= 1 || inScroller(el)) continue;
    if (r.right > right + 1 || r.left < left - 1) {
      const classes = typeof el.className === "string" && el.className.trim() ? "." + el.className.trim().split(/\\s+/).join(".") : "";
      outside.push(`${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes} [${Math.round(r.left)}, ${Math.round(r.right)}]`);
    }
  }
  return outside.length ? [`${Math.round(left)}, ${Math.round(right)}`, ...outside] : [];
}"""


@contextmanager
def phone_page(browser, storefront, allow=None, **context_options):
    """A page 360 px wide, in Vietnamese, on the storefront; when the block ends, a check
    that the browser logged no error (a CSP refusal, a missing asset, a script's uncaught
    exception) other than those `allow(url, text)` expects, see `answered`."""
    context = browser.new_context(viewport=PHONE, locale="vi-VN", base_url=storefront, **context_options)
    page = context.new_page()
    errors = []
    page.on("console", lambda message: message.type == "error" and errors.append((page.url, message.text)))
    page.on("pageerror", lambda error: errors.append((page.url, str(error))))
    try:
        yield page
    finally:
        context.close()
    errors = [(url, text) for url, text in errors if not (allow and allow(url, text))]
    assert not errors, f"console errors: {errors}"


def answered(*statuses: int):
    """For phone_page: a page answering with one of these statuses (a form sent back with its
    errors is a 422) is expected, and Chromium logs it as an error."""
    pattern = re.compile(rf"status of ({'|'.join(str(status) for status in statuses)})\b")
    return lambda _url, text: bool(pattern.search(text))


def log_in(page, path: str, email: str, password: str = DEMO_PASSWORD) -> None:
    """Log in through the login page at `path` (e.g. with ?next=): type the email and password, press the button."""
    page.goto(path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.locator("main").get_by_role("button", name="Đăng nhập", exact=True).click()


def screenshot(page, output_path, filename: str) -> None:
    """The whole page into the run's output folder (pytest-playwright's --output), never the repository."""
    os.makedirs(output_path, exist_ok=True)
    page.screenshot(path=os.path.join(output_path, filename), full_page=True)


def check(page, output_path, name: str | None = None) -> None:
    """No sideways scrolling, no serious axe violation, and (given a name) a screenshot `<name>-360.png`."""
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    if name:
        screenshot(page, output_path, f"{name}-360.png")


def checker(prefix: str):
    """`check` for one module's pages, whose screenshots are named `<prefix><name>-360.png`."""
    return lambda page, output_path, name: check(page, output_path, f"{prefix}{name}")

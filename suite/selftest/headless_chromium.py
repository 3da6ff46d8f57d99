"""A headless Chromium driven through chromedriver's WebDriver HTTP API (standard library only).

Debian's `chromium` and `chromium-driver` packages provide both programs; where either is missing,
`unavailable()` says why and the browser self-tests skip with that reason. Also a command that saves a
screenshot of a page or of one element of it (the ones in docs/):

    python -m suite.selftest.headless_chromium reports/out/index.html docs/report.png --height 1600
    python -m suite.selftest.headless_chromium reports/out/index.html docs/report-claim.png --element "#GRAD-EXPLODING"
    python -m suite.selftest.headless_chromium reports/out/index.html report.pdf --pdf
"""
from __future__ import annotations

import argparse
import base64
import json
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

STARTUP_SECONDS = 30
WINDOW = (1400, 1000)


def unavailable() -> str | None:
    """Why a browser cannot run here, or None when it can."""
    missing = [name for name in ("chromium", "chromedriver") if shutil.which(name) is None]
    if missing:
        return (f"{' and '.join(missing)} not installed (Debian: apt-get install chromium chromium-driver); "
                "the browser check needs them")
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Chromium:
    """One browser session: open a file, read the console, run a script, take a screenshot."""

    def __init__(self, width: int = WINDOW[0], height: int = WINDOW[1]):
        self.port = _free_port()
        self.driver = subprocess.Popen(["chromedriver", f"--port={self.port}"], stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL)
        self.session = None
        try:
            self._wait_until_ready()
            options = {"args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                                "--hide-scrollbars", f"--window-size={width},{height}"]}
            created = self._call("POST", "/session", {"capabilities": {"alwaysMatch": {
                "browserName": "chrome", "goog:chromeOptions": options, "goog:loggingPrefs": {"browser": "ALL"}}}})
            self.session = f"/session/{created['sessionId']}"
        except BaseException:
            self.close()
            raise

    def _wait_until_ready(self):
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            try:
                if self._call("GET", "/status").get("ready"):
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"chromedriver did not start within {STARTUP_SECONDS} s")

    def _call(self, method: str, path: str, payload: dict | None = None):
        data = None if payload is None else json.dumps(payload).encode("utf-8")
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=120) as response:
            return json.loads(response.read().decode("utf-8"))["value"]

    def open(self, page: Path):
        self._call("POST", f"{self.session}/url", {"url": Path(page).resolve().as_uri()})

    def console(self) -> list[dict]:
        """Console entries since the last call: {level, message, source}; errors have level SEVERE."""
        return self._call("POST", f"{self.session}/se/log", {"type": "browser"})

    def run(self, script: str, *args):
        return self._call("POST", f"{self.session}/execute/sync", {"script": script, "args": list(args)})

    def emulate_media(self, media: str):
        """Lay the page out for `print` (or back for `screen`) through the DevTools protocol chromedriver relays."""
        self._call("POST", f"{self.session}/goog/cdp/execute",
                   {"cmd": "Emulation.setEmulatedMedia", "params": {"media": media}})

    def print_pdf(self, path: Path | None = None) -> bytes:
        """The page printed to PDF (WebDriver's Print Page, A4 portrait, backgrounds on); saved where asked."""
        pdf = base64.b64decode(self._call("POST", f"{self.session}/print", {
            "orientation": "portrait", "background": True, "page": {"width": 21.0, "height": 29.7}}))
        if path is not None:
            Path(path).write_bytes(pdf)
        return pdf

    def screenshot(self, path: Path) -> Path:
        png = base64.b64decode(self._call("GET", f"{self.session}/screenshot"))
        Path(path).write_bytes(png)
        return Path(path)

    def element_screenshot(self, selector: str, path: Path) -> Path:
        """A screenshot of the first element matching the CSS selector."""
        element = self._call("POST", f"{self.session}/element", {"using": "css selector", "value": selector})
        element_id = next(iter(element.values()))
        png = base64.b64decode(self._call("GET", f"{self.session}/element/{element_id}/screenshot"))
        Path(path).write_bytes(png)
        return Path(path)

    def close(self):
        if self.session:
            try:
                self._call("DELETE", self.session)
            except OSError:
                pass
        self.driver.terminate()
        try:
            self.driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.driver.kill()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def pdf_pages(pdf: bytes) -> int:
    """How many pages a PDF holds: its page objects (`/Type /Page`, not the `/Pages` tree nodes)."""
    return len(re.findall(rb"/Type\s*/Page(?![s\w])", pdf))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Save a screenshot of a page with headless Chromium.")
    parser.add_argument("page", type=Path)
    parser.add_argument("png", type=Path)
    parser.add_argument("--height", type=int, help="window height in pixels (default: one screen)")
    parser.add_argument("--element", metavar="CSS", help="only the first element matching this selector")
    parser.add_argument("--pdf", action="store_true", help="print the page to PDF (A4) instead; prints its pages")
    args = parser.parse_args(argv)
    reason = unavailable()
    if reason:
        print(f"error: {reason}", file=sys.stderr)
        return 2
    with Chromium(height=args.height or WINDOW[1]) as browser:
        browser.open(args.page)
        if args.pdf:
            print(f"{args.png}: {pdf_pages(browser.print_pdf(args.png))} pages")
            return 0
        shot = browser.element_screenshot(args.element, args.png) if args.element else browser.screenshot(args.png)
    print(shot)
    return 0


if __name__ == "__main__":
    sys.exit(main())

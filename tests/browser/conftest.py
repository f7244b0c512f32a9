"""Browser tests: a real `streamlit run app.py` and headless Debian Chromium, with the network cut off.

Every request is routed through a handler that lets the app's own host through and aborts (and records)
anything else, so a page that reaches for a CDN fails its test instead of drawing half a map.
Never run `playwright install`: the browser is the system's /usr/bin/chromium.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
READY = "[data-testid=stApp][data-test-script-state=notRunning]"
STARTUP_TIMEOUT = 90


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """The dashboard as `make run` starts it (`python serve.py`: `streamlit run app.py` started warm), or
    `streamlit run` of another script, on a free port, headless, with its log kept for failure messages."""

    def __init__(
        self,
        port: int | None = None,
        *,
        app: Path = ROOT / "app.py",
        env: dict[str, str] | None = None,
        startup_timeout: float = STARTUP_TIMEOUT,
    ) -> None:
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = ROOT / "var" / f"streamlit-{self.port}.log"
        self.proc: subprocess.Popen | None = None
        self.app, self.env, self.startup_timeout = Path(app), env, startup_timeout

    def start(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        warm = self.app.resolve() == (ROOT / "app.py").resolve()
        start = (
            [sys.executable, str(ROOT / "serve.py")] if warm else [sys.executable, "-m", "streamlit", "run"]
        )
        cmd = [
            *start,
            *([] if warm else [str(self.app)]),
            "--server.headless=true",
            f"--server.port={self.port}",
            "--server.address=127.0.0.1",
            "--browser.gatherUsageStats=false",
            "--server.fileWatcherType=none",
        ]
        env = {**(os.environ if self.env is None else self.env), "PYTHONUNBUFFERED": "1"}
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=self.app.parent, stdout=log, stderr=subprocess.STDOUT, env=env
            )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"streamlit exited early:\n{self.log.read_text(errors='replace')}")
            try:
                with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=2) as r:
                    if r.status == 200:
                        return self
            except OSError:
                time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"streamlit did not start in {self.startup_timeout}s:\n{self.log.read_text(errors='replace')}"
        )

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    """A fresh server per test module: deep-link tests need a server that has never run app.py."""
    s = Server().start()
    try:
        yield s
    finally:
        s.stop()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield b
        finally:
            b.close()


class OfflinePage:
    """A page whose every request to a host other than the app's is aborted and recorded."""

    def __init__(self, page, server: Server) -> None:
        self.page = page
        self.server = server
        self.foreign: list[str] = []
        app = urlparse(server.url).netloc

        def route(r):
            url = r.request.url
            parsed = urlparse(url)
            if parsed.scheme in ("data", "blob", "about") or parsed.netloc == app:
                r.continue_()
            else:
                self.foreign.append(url)
                r.abort()

        page.context.route("**/*", route)

    def open(self, path: str = "/", timeout: float = 120_000) -> None:
        self.page.goto(self.server.url + path, wait_until="domcontentloaded")
        self.wait(timeout)

    def wait(self, timeout: float = 120_000) -> None:
        """Until the script has finished and no skeleton (placeholder) is left."""
        self.page.wait_for_selector(READY, timeout=timeout)
        self.page.wait_for_function(
            "() => !document.querySelector('[data-testid=stSkeleton]')", timeout=timeout
        )
        # A rerun can start right after: wait for a quiet state twice.
        self.page.wait_for_timeout(500)
        self.page.wait_for_selector(READY, timeout=timeout)


@pytest.fixture
def offline(browser, server) -> Iterator[OfflinePage]:
    context = browser.new_context(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
    page = context.new_page()
    op = OfflinePage(page, server)
    try:
        yield op
    finally:
        context.close()

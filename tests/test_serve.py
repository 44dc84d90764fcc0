"""`cjm serve`: a real server process, real headless Chromium, real files edited on disk."""

from __future__ import annotations

import http.client
import pathlib
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import pytest

from conftest import EXAMPLES

MAP = EXAMPLES / "email-shop" / "journey.yaml"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


class Server:
    def __init__(self, folder: pathlib.Path, *args: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "cjmkit", "serve", str(folder), "--port", str(self.port), *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.banner = self._line(30.0)
        assert "serving" in self.banner, self.banner + self.process.stderr.read()  # type: ignore[union-attr]

    def _line(self, timeout: float) -> str:
        assert self.process.stdout is not None
        ready, _, _ = select.select([self.process.stdout], [], [], timeout)
        return self.process.stdout.readline() if ready else ""

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    def get(self, path: str, host: str | None = None) -> tuple[int, bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=5)
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        connection.close()
        return response.status, body

    def stop(self) -> int:
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=10)
        finally:
            if self.process.poll() is None:
                self.process.kill()


@pytest.fixture
def workspace(tmp_path: pathlib.Path) -> pathlib.Path:
    folder = tmp_path / "maps"
    folder.mkdir()
    shutil.copy(MAP, folder / "journey.yaml")
    return folder


@pytest.fixture
def server(workspace: pathlib.Path) -> Iterator[Server]:
    running = Server(workspace)
    yield running
    running.stop()


def edit(path: pathlib.Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_page_follows_the_file_and_shows_errors_over_the_last_good_render(
    server: Server, workspace: pathlib.Path, browser: Any
) -> None:
    page = browser.new_page()
    page.goto(server.url)
    assert "Registration" in page.inner_text("body")
    journey = workspace / "journey.yaml"
    edit(journey, "name: Registration\n", "name: Sign-up, live edit\n")
    started = time.monotonic()
    page.wait_for_function("document.body.innerText.includes('Sign-up, live edit')", timeout=2000)
    assert time.monotonic() - started < 2.0
    # A broken save: the last good render stays, the errors show over it with their line.
    text = journey.read_text(encoding="utf-8")
    line = text.splitlines().index("    emotion: 1", text.splitlines().index("  - id: registration")) + 1
    lines = text.splitlines()
    lines[line - 1] = "    emotion: 9"
    journey.write_text("\n".join(lines) + "\n", encoding="utf-8")
    overlay = page.wait_for_selector("#cjm-live-errors", timeout=2000)
    assert overlay is not None
    shown = overlay.inner_text()
    assert f"journey.yaml:{line}:14" in shown and "emotion must be a whole number from -2 to 2" in shown
    assert "Sign-up, live edit" in page.inner_text("main")  # the last good render
    journey.write_text(text, encoding="utf-8")
    page.wait_for_selector("#cjm-live-errors", state="detached", timeout=2000)
    page.close()


def test_the_rendered_files_carry_no_live_script(workspace: pathlib.Path) -> None:
    from cjmkit.serve import LiveSite

    site = LiveSite([workspace])
    try:
        site.rebuild()
        files = sorted(site.folder.glob("*.html"))
        assert [f.name for f in files] == ["email-shop-lifecycle.html"]
        assert b"/__cjm/events" not in files[0].read_bytes()
        served = site.page("email-shop-lifecycle.html")
        assert served is not None and b"/__cjm/events" in served
        assert site.page("../journey.yaml") is None and site.page("journey.yaml") is None
    finally:
        site.close()


@pytest.mark.parametrize(
    "path",
    [
        "/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/..%2f..%2fetc%2fpasswd",
        "/%252e%252e%252fetc%252fpasswd",
        "/..\\..\\etc\\passwd",
        "/journey.yaml",
        "//etc/passwd",
        "/index.html/../journey.yaml",
        "/.",
    ],
)
def test_nothing_but_the_rendered_pages_is_served(server: Server, path: str) -> None:
    status, body = server.get(path)
    assert status == 404, (path, body[:200])
    assert b"root:" not in body and b"cjm: 1" not in body


def test_only_this_machine_may_ask(server: Server) -> None:
    assert server.get("/")[0] == 200
    assert server.get("/", host="localhost")[0] == 200
    assert server.get("/", host="evil.example")[0] == 403  # DNS rebinding
    assert "http://127.0.0.1:" in server.banner  # bound to the loopback address by default


def test_a_port_in_use_is_a_clear_message(workspace: pathlib.Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            [sys.executable, "-m", "cjmkit", "serve", str(workspace), "--port", str(port)],
            capture_output=True, text=True, timeout=30,
        )  # fmt: skip
    assert result.returncode == 2
    assert f"port {port} is in use" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_it_cleanly(server: Server) -> None:
    assert server.stop() == 0
    assert server.process.stderr is not None and "Traceback" not in server.process.stderr.read()


def test_served_pages_link_their_cards_to_the_yaml(server: Server, workspace: pathlib.Path) -> None:
    """The live page links each card to its line (the renderer's live mode, default editor)."""
    status, body = server.get("/email-shop-lifecycle.html")
    assert status == 200
    page = body.decode("utf-8")
    journey = (workspace / "journey.yaml").resolve()
    lines = journey.read_text(encoding="utf-8").splitlines()
    line = lines.index("      - id: cart-email-1") + 1
    assert f'href="vscode://file{journey.as_posix()}:{line}:9"' in page
    assert 'type="checkbox"' in page  # the switch of the finding badges


def test_a_save_re_renders_only_the_map_that_changed(tmp_path: pathlib.Path) -> None:
    from cjmkit.serve import LiveSite

    folder = tmp_path / "ws"
    folder.mkdir()
    (folder / "cjm.yaml").write_text("cjm: 1\nname: Workshop\n", encoding="utf-8")
    shutil.copy(MAP, folder / "shop.yaml")
    other = folder / "other.yaml"
    other.write_text(MAP.read_text(encoding="utf-8").replace("id: email-shop-lifecycle", "id: other-shop"))
    site = LiveSite([folder])
    try:
        site.rebuild()
        pages = {p.name: p.stat().st_mtime_ns for p in site.folder.glob("*.html")}
        assert set(pages) == {"email-shop-lifecycle.html", "other-shop.html", "index.html"}
        time.sleep(0.01)
        edit(folder / "shop.yaml", "name: Registration\n", "name: Registered\n")
        site.rebuild({folder / "shop.yaml"})
        after = {p.name: p.stat().st_mtime_ns for p in site.folder.glob("*.html")}
        assert after["email-shop-lifecycle.html"] != pages["email-shop-lifecycle.html"]
        assert after["other-shop.html"] == pages["other-shop.html"]
        assert after["index.html"] == pages["index.html"]  # the index keeps listing both maps
        assert "Registered" in (site.folder / "email-shop-lifecycle.html").read_text(encoding="utf-8")
        # The workspace file changes every page.
        (folder / "cjm.yaml").write_text("cjm: 1\nname: Workshop, day 2\n", encoding="utf-8")
        site.rebuild({folder / "cjm.yaml"})
        final = {p.name: p.stat().st_mtime_ns for p in site.folder.glob("*.html")}
        assert all(final[name] != after[name] for name in final)
    finally:
        site.close()


def test_the_error_overlay_speaks_the_maps_language(tmp_path: pathlib.Path) -> None:
    """The client watches the screen in a workshop: the overlay follows the maps' locale."""
    from cjmkit.serve import LiveSite

    folder = tmp_path / "doors"
    shutil.copytree(EXAMPLES / "front-doors", folder)
    site = LiveSite([folder])
    try:
        site.rebuild()
        journey = folder / "homeowners.yaml"
        edit(journey, "    emotion: 0\n", "    emotion: 5\n")
        site.rebuild({journey})
        page = site.page("doors-homeowners.html")
        assert page is not None
        overlay = page.decode("utf-8").split('<div id="cjm-live-errors" role="alert">', 1)[1]
        assert "1 ошибка: на странице последняя корректная версия" in overlay
        assert "homeowners.yaml:" in overlay and "emotion must be a whole number" in overlay
    finally:
        site.close()

"""`cjm serve`: the HTML deliverables live in the browser while the maps are edited.

- The maps are rendered into a private temporary folder; a save re-renders only the journeys
  that changed (every page when `cjm.yaml` changes or a map appears or disappears), watched
  with ``watchfiles`` (the operating system's notifications, no polling of our own).
- Open pages reload themselves through server-sent events (``/__cjm/events``). The script
  that listens is added to the pages as they are served: rendered files never carry it.
- An invalid save keeps the last good render and shows the errors over it, each at
  ``file:line:column`` with its line, until the next good save; nothing the maps contain
  stops the server.
- Only the rendered pages are served, by name (``/index.html``, ``/<map>.html``): no
  directory listing, no other file, so no path can reach the disk; requests whose ``Host``
  is not this machine are refused (DNS rebinding). It binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import html
import pathlib
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote, urlsplit

from cjmkit.diagnostics import Diagnostic, Severity
from cjmkit.i18n import nmsg, translator

EVENTS = "/__cjm/events"
#: What a page name may be: the renderer's output names (slugs) with `.html`.
_PAGE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,200}\.html")
#: Server-sent events: each open page waits for the next version; a comment keeps it alive.
_KEEPALIVE_SECONDS = 15.0

_SCRIPT = (
    "<script>(function(){var s=new EventSource('" + EVENTS + "');"
    "s.onmessage=function(e){if(e.data==='reload'){s.close();location.reload();}};})();</script>"
)
_OVERLAY_STYLE = (
    "#cjm-live-errors{position:fixed;inset:auto 16px 16px 16px;max-height:60vh;overflow:auto;"
    "z-index:2147483647;background:#fff;border:3px solid #b3261e;border-radius:8px;padding:12px 16px;"
    "box-shadow:0 8px 30px rgba(0,0,0,.3);font:14px/1.45 system-ui,sans-serif;color:#1b1b1b}"
    "#cjm-live-errors h2{margin:0 0 8px;font-size:16px;color:#b3261e}"
    "#cjm-live-errors pre{margin:4px 0 10px;padding:6px 8px;background:#f6f6f6;overflow:auto}"
)


@dataclass
class State:
    """What the site shows now: the pages' version, the errors of the last save."""

    version: int = 0
    errors: list[Diagnostic] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)
    #: Seconds the last re-render took.
    last: float = 0.0
    #: The language the maps share (their own `locale`, else their workspace's), for the overlay.
    locale: str | None = None


class LiveSite:
    """The rendered maps under ``paths``, kept up to date by :meth:`rebuild`."""

    def __init__(
        self, paths: Sequence[pathlib.Path], *, editor: str | None = None, locale: str | None = None
    ):
        self.paths = [pathlib.Path(p) for p in paths]
        self.editor = editor
        self.locale = locale
        self._folder = tempfile.TemporaryDirectory(prefix="cjm-serve-")
        self.folder = pathlib.Path(self._folder.name)
        self.state = State()
        self.changed = threading.Condition()
        self.known: set[pathlib.Path] = set()

    def close(self) -> None:
        with self.changed:
            self.state.version = -1  # wakes the event streams, which then end
            self.changed.notify_all()
        self._folder.cleanup()

    # --- rendering --------------------------------------------------------------------------

    def rebuild(self, changed: Iterable[pathlib.Path] | None = None) -> float:
        """Render again (only the journeys among ``changed`` when that is enough); returns the
        seconds it took. Errors of the maps become the overlay; nothing raises."""
        from cjmkit import pipeline
        from cjmkit.analysis import analyse, selected_rules
        from cjmkit.errors import CjmError
        from cjmkit.project import Keep
        from cjmkit.renderers.context import DEFAULT_EDITOR
        from cjmkit.renderers.pipeline import render_project

        started = time.perf_counter()
        try:
            project = pipeline.load(self.paths, whole_workspaces=True, jobs=1, keep=Keep.MODELS)
        except CjmError as error:
            self._publish([Diagnostic("", 1, 1, "E", "serve", str(error))], {}, started)
            return self.state.last
        journeys = {d.path for d in project.journeys}
        only = {pathlib.Path(p).resolve() for p in changed} if changed is not None else None
        partial = (
            only is not None
            and journeys == self.known
            and all(path in journeys for path in only)
            and not any(path.name in ("cjm.yaml", "cjm.yml") for path in only)
        )
        if partial and only is not None:
            for document in project.journeys:
                document.requested = document.path in only
        self.known = journeys
        errors = [
            d for document in project.documents if document.requested or document.kind == "workspace"
            for d in document.diagnostics if d.severity is Severity.ERROR
        ]  # fmt: skip
        sources = {d.display: d.text for d in project.documents}
        self.state.locale = self.locale or project.shared_locale(requested_only=False)
        if not any(d.requested for d in project.journeys):
            self._publish(errors, sources, started)
            return self.state.last
        analysis = analyse(project, selected_rules([], []))
        try:
            render_project(
                project, analysis, ["html"], self.folder, brand_of, locale=self.locale,
                editor=self.editor or DEFAULT_EDITOR, write_index=not partial,
            )  # fmt: skip
        except CjmError as error:
            errors.append(Diagnostic("", 1, 1, "E", "serve", str(error)))
        self._publish(errors, sources, started)
        return self.state.last

    def next_version(self, seen: int, timeout: float) -> int:
        """The version after ``seen`` once there is one, or ``seen`` after ``timeout`` seconds."""
        with self.changed:
            self.changed.wait_for(lambda: self.state.version != seen, timeout=timeout)
            return self.state.version

    def _publish(self, errors: list[Diagnostic], sources: dict[str, str], started: float) -> None:
        with self.changed:
            self.state.errors = errors
            self.state.sources = sources
            self.state.last = time.perf_counter() - started
            self.state.version += 1
            self.changed.notify_all()

    # --- pages ----------------------------------------------------------------------------

    def pages(self) -> set[str]:
        return {path.name for path in self.folder.glob("*.html")}

    def page(self, name: str) -> bytes | None:
        """A rendered page with the live script (and the error overlay) added; None when there
        is no page of that exact name."""
        if not _PAGE.fullmatch(name) or name not in self.pages():
            return None
        try:
            text = (self.folder / name).read_text(encoding="utf-8")
        except OSError:
            return None
        extra = self.overlay() + _SCRIPT
        at = text.rfind("</body>")
        text = text[:at] + extra + text[at:] if at >= 0 else text + extra
        return text.encode("utf-8")

    def overlay(self) -> str:
        from cjmkit.reporters.text import excerpt
        from cjmkit.terminal import visible

        errors = self.state.errors
        if not errors:
            return ""
        items = []
        for error in errors[:50]:
            where = f"{error.file}:{error.line}:{error.column}" if error.file else ""
            lines = (
                excerpt(self.state.sources[error.file], error.line, error.column)
                if error.file in self.state.sources
                else []
            )
            shown = "\n".join(f"{gutter:>5} | {text}" for gutter, text in lines)
            items.append(
                f"<li><code>{html.escape(visible(where))}</code> {html.escape(error.code)} "
                f"{html.escape(visible(error.message))}"
                + (f"<pre>{html.escape(shown)}</pre>" if shown else "")
                + "</li>"
            )
        heading = nmsg(
            "{count} error: the page shows the last good render",
            "{count} errors: the page shows the last good render",
            "count",
            count=len(errors),
        ).render(translator(self.state.locale))
        return (
            f'<style>{_OVERLAY_STYLE}</style><div id="cjm-live-errors" role="alert">'
            f"<h2>{html.escape(heading)}</h2><ul>{''.join(items)}</ul></div>"
        )

    # --- watching -------------------------------------------------------------------------

    def watch(self, stop: threading.Event) -> None:
        """Re-render on every save until ``stop`` is set (run it in a thread)."""
        import watchfiles

        targets = [p if p.is_dir() else p.parent for p in self.paths]
        targets += [p for p in (_workspace_root(t) for t in targets) if p is not None]
        for changes in watchfiles.watch(
            *sorted(set(targets)), stop_event=stop, debounce=60, step=30, raise_interrupt=False,
            watch_filter=lambda _change, path: path.endswith((".yaml", ".yml")),
        ):  # fmt: skip
            self.rebuild({pathlib.Path(path) for _, path in changes})


def brand_of(workspace: Any) -> Any:
    """The workspace's brand colour, logo and company, as `cjm render` shows them."""
    from cjmkit.errors import CjmError
    from cjmkit.renderers.context import Brand
    from cjmkit.renderers.pipeline import logo_data_uri

    settings = workspace.workspace.render if workspace is not None and workspace.workspace else None
    if settings is None:
        return Brand()
    logo = None
    if settings.logo:
        try:
            logo = logo_data_uri(workspace.path.parent / settings.logo, inside=workspace.path.parent)
        except CjmError:
            logo = None  # `cjm render` reports a bad logo; the live page shows the map without it
    return Brand(color=settings.brand_color or Brand.color, logo=logo, name=settings.company)


def _workspace_root(folder: pathlib.Path) -> pathlib.Path | None:
    from cjmkit.project.discovery import find_workspace_file

    found = find_workspace_file(folder.resolve())
    return found.parent if found else None


# --- HTTP -------------------------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    """GET of a rendered page or of the event stream; everything else is 404 (or 403)."""

    site: LiveSite
    hosts: frozenset[str]
    server_version = "cjm-serve"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:
        return  # the terminal shows what the user does, not every request

    def do_GET(self) -> None:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        if host not in self.hosts:
            self._send(HTTPStatus.FORBIDDEN, b"forbidden host\n", "text/plain")
            return
        path = unquote(urlsplit(self.path).path)
        if path == EVENTS:
            self._events()
            return
        name = "index.html" if path == "/" else path[1:] if path.startswith("/") else ""
        if path == "/" and "index.html" not in self.site.pages():
            name = min(self.site.pages(), default="")
        body = self.site.page(name) if "/" not in name and "\\" not in name else None
        if body is None:
            self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")
        else:
            self._send(HTTPStatus.OK, body, "text/html; charset=utf-8")

    def do_HEAD(self) -> None:
        self._send(HTTPStatus.METHOD_NOT_ALLOWED, b"", "text/plain")

    def _send(self, status: HTTPStatus, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.end_headers()
        self.wfile.write(body)

    def _events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        site = self.site
        with site.changed:
            seen = site.state.version
        try:
            while True:
                version = site.next_version(seen, _KEEPALIVE_SECONDS)
                if version < 0:
                    return
                if version != seen:
                    self.wfile.write(b"data: reload\n\n")
                    seen = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return


def make_server(site: LiveSite, host: str, port: int) -> ThreadingHTTPServer:
    """The HTTP server of ``site`` on ``host:port`` (OSError when the port is taken)."""
    allowed = {"localhost", "127.0.0.1", "::1", host.lower()}
    handler = type("SiteHandler", (Handler,), {"site": site, "hosts": frozenset(allowed)})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    return server


__all__ = ["EVENTS", "LiveSite", "make_server"]

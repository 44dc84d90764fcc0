"""`cjm serve`: the maps' HTML deliverables in the browser, re-rendered as they are saved."""

from __future__ import annotations

import errno
import pathlib
import threading
import webbrowser
from typing import Annotated

import typer

from cjmkit.cli.common import Paths, checked_locale, examples, guarded, locale_option, say
from cjmkit.diagnostics import EXIT_OK
from cjmkit.errors import UsageError

EPILOG = examples(
    "cjm serve                                   # the workspace here, at http://127.0.0.1:8000/",
    "cjm serve examples/front-doors --open       # and open it in the browser",
    "cjm serve --port 8080 --editor 'idea://open?file={path}&line={line}'",
)


@guarded
def serve(
    paths: Paths = None,
    port: Annotated[int, typer.Option("--port", "-p", help="Port to listen on.", min=0, max=65535)] = 8000,
    host: Annotated[
        str,
        typer.Option("--host", help="Address to bind; the default serves this machine only."),
    ] = "127.0.0.1",
    open_browser: Annotated[bool, typer.Option("--open", help="Open the page in the browser.")] = False,
    editor: Annotated[
        str | None,
        typer.Option(
            "--editor",
            help="Link of each card to its YAML line: a URL with {path}, {line} and {column} "
            "(default: vscode://file/{path}:{line}:{column}).",
            show_default=False,
        ),
    ] = None,
    locale: Annotated[str | None, locale_option("the pages", "the maps'")] = None,
) -> None:
    """Serve the maps' HTML deliverables and re-render them, live, whenever a map is saved."""
    from cjmkit.project import default_paths
    from cjmkit.serve import LiveSite, make_server

    checked_locale(locale)
    targets = list(paths) if paths else default_paths(pathlib.Path.cwd())
    for target in targets:
        if not target.exists():
            raise UsageError(f"{target} does not exist")
    site = LiveSite(targets, editor=editor, locale=locale)
    try:
        server = make_server(site, host, port)
    except OSError as error:
        site.close()
        if error.errno == errno.EADDRINUSE:
            raise UsageError(
                f"port {port} is in use: stop what uses it, or choose another with --port"
            ) from None
        raise UsageError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    stop = threading.Event()
    try:
        seconds = site.rebuild()
        bound_host, bound_port = str(server.server_address[0]), int(server.server_address[1])
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        url = f"http://{shown}:{bound_port}/"
        where = ", ".join(str(t) for t in targets)
        say(f"serving {where} at {url} (rendered in {seconds:.2f} s; Ctrl+C stops)")
        watcher = threading.Thread(target=site.watch, args=(stop,), daemon=True, name="cjm-watch")
        watcher.start()
        if open_browser:
            webbrowser.open(url)
        server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        say("stopped")
    finally:
        stop.set()
        server.server_close()
        site.close()
    raise typer.Exit(EXIT_OK)

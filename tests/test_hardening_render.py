"""`cjm render` under attack: each test performs the real attack and checks the exact outcome.

User templates (`--templates`) are code from a client's repository: they must not run
anything, read files outside their folder, or make the run hang. Map text must not break
the Graphviz, CSV or Mermaid outputs; output names must not clash.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import pathlib
import pickle
import re
import shutil
import zlib

import pytest

from cjmkit.escaping import KEYWORD_GUARD, mermaid
from cjmkit.renderers import dot as dot_renderer
from cjmkit.renderers.data import spreadsheet_safe
from conftest import EXAMPLES, run_cjm

EMAIL_SHOP = EXAMPLES / "email-shop" / "journey.yaml"


def journey_yaml(
    title: str = "Plain title", touchpoint: str = "Visit the site", journey_id: str = "plain", extra: str = ""
) -> str:
    """A small valid map; texts are written as YAML double-quoted strings (escapes allowed)."""

    def quoted(text: str) -> str:
        escaped = text.replace("\\", "\\\\").replace('"', '\\"')
        escaped = re.sub("[\x00-\x1f\x7f\ufffe]", lambda m: f"\\u{ord(m.group()):04x}", escaped)
        return '"' + escaped + '"'

    return (
        f"cjm: 1\nid: {journey_id}\ntitle: {quoted(title)}\nlocale: en\n"
        "channels:\n  - id: web\n    name: Website\n"
        "stages:\n  - id: look\n    name: Look around\n    emotion: 1\n    touchpoints:\n"
        f"      - id: visit\n        name: {quoted(touchpoint)}\n        channel: web\n"
        f"        actors: [Shopper]\n{extra}"
    )


def write_map(folder: pathlib.Path, text: str, name: str = "journey.yaml") -> pathlib.Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def files_under(folder: pathlib.Path) -> dict[str, bytes]:
    if not folder.exists():
        return {}
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


class Marker:
    """os.system('touch MARKER') as a pickle: if it ever runs, the marker file exists."""

    def __init__(self, path: pathlib.Path) -> None:
        self.path = path

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.system, (f"touch {self.path}",))


# ---------------------------------------------------------------- 1. the template sandbox

ESCAPES = {
    "class_mro": "{{ view.__class__.__mro__ }}",
    "cycler_globals": "{{ cycler.__init__.__globals__ }}",
    "subclasses": "{{ ().__class__.__base__.__subclasses__() }}",
    "dataclass_fields": "{{ view.stages[0].__dataclass_fields__ }}",
    "lipsum_globals": "{{ lipsum.__globals__ }}",
    "self_init": "{{ self.__init__ }}",
    "self_init_globals": "{{ self.__init__.__globals__['os'] }}",
    "attr_filter": "{{ view|attr('__class__') }}",
    "attr_filter_globals": "{{ (view.locale.number|attr('__globals__')) }}",
    "namespace_init": "{{ namespace.__init__.__globals__ }}",
    "namespace_class": "{% set ns = namespace() %}{{ ns.__class__.__init__.__globals__ }}",
    "function_closure": "{{ view.locale.number.__closure__ }}",
    "function_inner": "{{ view.locale.number._function.__globals__ }}",
    "str_format": "{{ '{0.__class__.__init__.__globals__}'.format(view) }}",
    "str_format_by_item": "{{ '{:999999999}'['format'](1) }}",
    "attribute_by_item": "{{ view['__class__']['__mro__'] }}",
    "str_format_map": "{{ '{x}'.format_map(view) }}",
    "dict_update": "{{ view.labels.update({'x': 1}) }}",
    "dict_pop": "{{ view.stages[0].pop('name') }}",
    "unknown_then_number_class": "{{ view.loader }}{{ (1).__class__ }}",
    "range_dos": "{% for i in range(10**9) %}{% endfor %}",
    "power_dos": "{{ 7 ** 999999999 }}",
    "repeat_dos": "{{ 'x' * 10**10 }}",
    "printf_width_dos": "{{ '%0999999999d' % 1 }}",
    "printf_star_dos": "{{ '%*d' % (999999999, 1) }}",
    "format_filter_dos": "{{ '%0999999999d'|format(1) }}",
    "concat_doubling_dos": (
        "{% set ns = namespace(s='x') %}{% for i in range(64) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}"
    ),
    "plus_doubling_dos": (
        "{% set ns = namespace(s=[1]) %}{% for i in range(64) %}{% set ns.s = ns.s + ns.s %}{% endfor %}"
    ),
    "replace_squaring_dos": "{% set s = 'a' * 5000 %}{{ s|replace('a', s)|replace('a', s) }}",
    "join_dos": "{% set s = 'a' * 999999 %}{{ [s, s, s]|join }}",
    "str_replace_method": "{{ 'abc'.replace('a', 'b') }}",
    "output_dos": "{% set s = 'a' * 999999 %}{% for i in range(200) %}{{ s }}{% endfor %}",
    "nested_loops_dos": "{% for a in range(10000) %}{% for b in range(10000) %}{% endfor %}{% endfor %}",
    "nested_data_loops_dos": (
        "{% set s = 'x' * 999999 %}{% for a in s %}{% for b in s %}{% endfor %}{% endfor %}"
    ),
    "counter_call": "{{ counted }}{{ environment }}",
    "center_dos": "{{ 'x'|center(999999999) }}",
    "digits_dos": "{{ view.locale.number(1, 999999999) }}",
    "self_include": "{% include 'journey.md.j2' %}",
    "self_extends": "{% extends 'journey.md.j2' %}",
    "block_recursion": "{% block a %}{{ self.a() }}{% endblock %}",
    "macro_recursion": "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "division": "{{ 1 / 0 }}",
    "tojson_of_date": "{{ (view.updated, view)|tojson }}{{ undefined_thing.x }}",
}


def pickle_templates(payload_file: pathlib.Path, payload: str) -> dict[str, str]:
    """Every way a template could reach pydantic's pickle loading, with a real payload."""
    literal = payload.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n")
    calls = [
        f"parse_raw('{literal}', proto='pickle', allow_pickle=True)",
        f"parse_file('{payload_file}', proto='pickle', allow_pickle=True)",
    ]
    holders = ["view", "view.stages[0]", "view.persona", "view.findings[0]", "view.export",
               "view.locale", "view.brand", "view.curve", "view.stages[0].touchpoints[0]",
               "view.stages[0].__class__", "view.__class__"]  # fmt: skip
    return {
        f"{re.sub(r'[^a-z0-9]+', '-', holder)}-{call[:10]}": f"{{{{ {holder}.{call} }}}}"
        for holder in holders
        for call in calls
    }


def render_with_template(
    tmp_path: pathlib.Path, template: str, name: str = "journey.md.j2", fmt: str = "md"
) -> tuple[int, str, pathlib.Path]:
    folder = tmp_path / "templates"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(template, encoding="utf-8")
    out = tmp_path / "out"
    result = run_cjm("render", str(EMAIL_SHOP), "--templates", str(folder), "--to", fmt, "--out", str(out))
    return result.exit_code, result.stderr, out


@pytest.mark.parametrize("attack", sorted(ESCAPES))
def test_template_escapes_fail_as_template_errors(tmp_path: pathlib.Path, attack: str) -> None:
    code, stderr, out = render_with_template(tmp_path, ESCAPES[attack])
    assert code == 2, stderr
    assert re.match(r"cjm: error: template( error)?", stderr), stderr
    assert "internal error" not in stderr
    assert files_under(out) == {}


def test_pickle_payloads_through_any_view_object_never_run(tmp_path: pathlib.Path) -> None:
    marker = tmp_path / "PWNED"
    payload = pickle.dumps(Marker(marker), protocol=0).decode("ascii")
    payload_file = tmp_path / "payload.pickle"
    payload_file.write_bytes(payload.encode("ascii"))
    # The payload is real: loading it creates the marker.
    pickle.loads(payload_file.read_bytes())
    assert marker.exists()
    marker.unlink()
    for name, template in pickle_templates(payload_file, payload).items():
        code, stderr, out = render_with_template(tmp_path / name, template)
        assert code == 2, (name, stderr)
        assert stderr.startswith("cjm: error: template error"), (name, stderr)
        assert not marker.exists(), name
        assert files_under(out) == {}, name


def test_user_templates_see_plain_data_only(tmp_path: pathlib.Path) -> None:
    """Whatever a template walks to, it finds only plain values and the formatting functions."""
    from cjmkit.analysis import analyse, selected_rules
    from cjmkit.cli.common import load_maps
    from cjmkit.renderers.context import Brand, journey_view
    from cjmkit.renderers.environment import Function, Record, plain

    project = load_maps([EXAMPLES], only_maps=False, whole_workspaces=True, jobs=1)
    analysis = analyse(project, selected_rules([], []))
    seen: set[type] = set()

    def walk(value: object) -> None:
        seen.add(type(value))
        if isinstance(value, Record):
            for item in value.values():
                walk(item)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)

    import datetime

    for document in project.journeys:
        view = journey_view(document, project.workspace_for(document), analysis, Brand(logo="data:x"))
        walk(plain(view))
    assert seen <= {Record, tuple, str, int, float, bool, type(None), datetime.date, Function}


def test_an_empty_template_folder_renders_byte_identical_deliverables(tmp_path: pathlib.Path) -> None:
    """The sandbox's plain copies give the built-in templates exactly what the views give them."""
    (tmp_path / "templates").mkdir()
    plain_run = run_cjm("render", str(EXAMPLES), "--to", "html,md", "--out", str(tmp_path / "a"))
    sandboxed = run_cjm(
        "render", str(EXAMPLES), "--to", "html,md", "--out", str(tmp_path / "b"),
        "--templates", str(tmp_path / "templates"),
    )  # fmt: skip
    assert plain_run.exit_code == sandboxed.exit_code == 0
    assert files_under(tmp_path / "a") == files_under(tmp_path / "b")


def test_a_user_template_may_use_what_the_built_in_ones_use(tmp_path: pathlib.Path) -> None:
    template = (
        "{{ view.title|upper }}|{{ view.stages|map(attribute='name')|join(',') }}|"
        "{{ view.locale.number(1234.5, 1) }}|{{ view.curve.level(2) }}|{{ view.labels.items()|length > 3 }}|"
        "{% for i in range(3) %}{{ loop.index }}{% endfor %}|{% set ns = namespace(n=0) %}{% set ns.n = 5 %}"
        "{{ ns.n }}|{{ view.file.split('/')|last }}|{{ view.updated.year }}|{{ '%+d' % 2 }}\n"
    )
    code, stderr, out = render_with_template(tmp_path, template)
    assert code == 0, stderr
    assert (out / "email-shop-lifecycle.md").read_text(encoding="utf-8") == (
        "ONLINE HOMEWARE STORE — EMAIL, SMS AND PUSH LIFECYCLE|"
        "Registration,First order,Delivery,First use and review,Repeat purchase and win-back|"
        "1,234.5|14.0|True|123|5|journey.yaml|2026|+2\n"
    )


def test_a_template_symlink_out_of_the_folder_is_not_followed(tmp_path: pathlib.Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET {{ view.title }}", encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "journey.md.j2").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cjm("render", str(EMAIL_SHOP), "--templates", str(folder), "--to", "md", "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr.startswith(
        "cjm: error: template error: SecurityError: "
        f"template journey.md.j2 is a link to a file outside {folder}; not read"
    ), result.stderr
    assert files_under(out) == {}


def test_an_include_through_a_symlinked_folder_is_not_followed(tmp_path: pathlib.Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.j2").write_text("TOP-SECRET", encoding="utf-8")
    folder = tmp_path / "templates"
    folder.mkdir()
    (folder / "parts").symlink_to(outside, target_is_directory=True)
    code, stderr, out = render_with_template(tmp_path, "{% include 'parts/secret.j2' %}")
    assert code == 2
    assert "is a link to a file outside" in stderr
    assert files_under(out) == {}


def test_a_fifo_template_does_not_hang_the_run(tmp_path: pathlib.Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    os.mkfifo(folder / "journey.md.j2")
    out = tmp_path / "out"
    result = run_cjm("render", str(EMAIL_SHOP), "--templates", str(folder), "--to", "md", "--out", str(out))
    assert result.exit_code == 2
    assert "template journey.md.j2 is not a regular file; not read" in result.stderr
    assert files_under(out) == {}


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with every Flate stream inflated, so embedded file content shows."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.DOTALL):
        with contextlib.suppress(zlib.error):
            parts.append(zlib.decompress(match.group(1)))
    return b"\n".join(parts)


ATTACHMENT_TEMPLATE = (
    '<html><head><link rel="attachment" href="file://{secret}">'
    '<link rel="stylesheet" href="file://{css}"></head>'
    '<body><p>{{{{ view.title }}}}</p><img src="file://{image}">'
    '<img src="http://127.0.0.1:9/x.png"></body></html>'
)


def test_weasyprint_attaches_and_fetches_nothing_from_a_user_template(tmp_path: pathlib.Path) -> None:
    weasyprint = pytest.importorskip("weasyprint")
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"SECRET-CONTENT-4711 root:x:0:0")
    css = tmp_path / "evil.css"
    css.write_text("p { color: #ff0000 } body::after { content: 'CSS-WAS-FETCHED' }", encoding="utf-8")
    image = tmp_path / "pixel.png"
    shutil.copy(pathlib.Path(weasyprint.__file__).parent / "css" / "html5_ua.css", image)
    template = ATTACHMENT_TEMPLATE.format(secret=secret, css=css, image=image)
    # The attack is real: WeasyPrint's own fetcher embeds the file.
    unguarded = weasyprint.HTML(string=template.replace("{{ view.title }}", "x")).write_pdf()
    assert b"SECRET-CONTENT-4711" in pdf_text(unguarded)
    code, stderr, out = render_with_template(tmp_path, template, name="journey.html.j2", fmt="pdf")
    assert code == 0, stderr
    pdf = (out / "email-shop-lifecycle.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert b"SECRET-CONTENT-4711" not in pdf_text(pdf)
    assert b"/EmbeddedFile" not in pdf
    assert b"CSS-WAS-FETCHED" not in pdf_text(pdf)


def test_etc_passwd_is_not_attached(tmp_path: pathlib.Path) -> None:
    pytest.importorskip("weasyprint")
    passwd = pathlib.Path("/etc/passwd").read_bytes()
    first_line = passwd.splitlines()[0]
    template = '<html><head><link rel="attachment" href="file:///etc/passwd"></head><body>x</body></html>'
    code, stderr, out = render_with_template(tmp_path, template, name="journey.html.j2", fmt="pdf")
    assert code == 0, stderr
    pdf = (out / "email-shop-lifecycle.pdf").read_bytes()
    assert first_line not in pdf_text(pdf)
    assert b"/EmbeddedFile" not in pdf


def workspace_with_logo(tmp_path: pathlib.Path, logo: str) -> pathlib.Path:
    root = tmp_path / "space"
    root.mkdir()
    (root / "cjm.yaml").write_text(f'cjm: 1\nname: Space\nrender:\n  logo: "{logo}"\n', encoding="utf-8")
    write_map(root, journey_yaml())
    return root


@pytest.mark.parametrize("kind", ["symlink", "dotdot", "absolute"])
def test_a_workspace_logo_outside_the_workspace_is_refused(tmp_path: pathlib.Path, kind: str) -> None:
    secret = tmp_path / "secret.svg"
    secret.write_text("<svg>SECRET</svg>", encoding="utf-8")
    logo = {"symlink": "logo.svg", "dotdot": "../secret.svg", "absolute": str(secret)}[kind]
    root = workspace_with_logo(tmp_path, logo)
    if kind == "symlink":
        (root / "logo.svg").symlink_to(secret)
    out = tmp_path / "out"
    result = run_cjm("render", str(root), "--to", "html", "--out", str(out))
    assert result.exit_code == 2, result.stderr
    assert "is outside the workspace folder" in result.stderr
    assert files_under(out) == {}


def test_a_fifo_or_device_logo_is_refused_without_hanging(tmp_path: pathlib.Path) -> None:
    root = workspace_with_logo(tmp_path, "logo.png")
    os.mkfifo(root / "logo.png")
    out = tmp_path / "out"
    result = run_cjm("render", str(root), "--to", "html", "--out", str(out))
    assert result.exit_code == 2
    assert "logo " in result.stderr and "not a regular file" in result.stderr
    assert files_under(out) == {}
    device = tmp_path / "zero.png"
    device.symlink_to("/dev/zero")
    result = run_cjm("render", str(root), "--logo", str(device), "--to", "html", "--out", str(out))
    assert result.exit_code == 2
    assert "not a regular file" in result.stderr
    assert files_under(out) == {}


def test_a_logo_is_read_only_up_to_its_limit(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cjmkit.renderers import pipeline

    logo = tmp_path / "big.png"
    logo.write_bytes(b"\x89PNG" + b"0" * 5000)
    monkeypatch.setattr(pipeline, "MAX_LOGO_BYTES", 1024)
    reads: list[int] = []
    real_fdopen = os.fdopen

    def spying_fdopen(*args: object, **kwargs: object) -> object:
        stream = real_fdopen(*args, **kwargs)  # type: ignore[call-overload]
        real_read = stream.read

        class Spy:
            def __enter__(self) -> Spy:
                return self

            def __exit__(self, *exc: object) -> None:
                stream.close()

            def fileno(self) -> int:
                return int(stream.fileno())

            def read(self, size: int = -1) -> bytes:
                reads.append(size)
                return bytes(real_read(size))

        return Spy()

    monkeypatch.setattr(os, "fdopen", spying_fdopen)
    with pytest.raises(pipeline.UsageError, match="larger than 1 KiB"):
        pipeline.logo_data_uri(logo)
    assert reads == [1025]


# ---------------------------------------------------------------- 2. Graphviz


@pytest.mark.parametrize(
    "title",
    ["NUL\x00in the title", "ESC\x1b[31m red", "bell\x07 and DEL\x7f and \ufffe", "long " + "x" * 16_384],
)
def test_dot_takes_any_title(tmp_path: pathlib.Path, title: str) -> None:
    path = write_map(tmp_path / "maps", journey_yaml(title=title, touchpoint=title))
    out = tmp_path / "out"
    result = run_cjm("render", str(path), "--to", "dot,svg", "--out", str(out))
    assert result.exit_code == 0, result.stderr
    source = (out / "plain.dot").read_text(encoding="utf-8")
    assert not re.search(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe]", source)
    assert max(len(line) for line in source.splitlines()) < 2 * dot_renderer.MAX_LABEL + 200
    assert (out / "plain.svg").read_bytes().startswith(b"<?xml")
    # The .dot file itself is one Graphviz accepts.
    import subprocess

    checked = subprocess.run(["dot", "-Tcanon"], input=source.encode(), capture_output=True, check=False)
    assert checked.returncode == 0, checked.stderr


def dense_map(nodes: int) -> str:
    ids = [f"t{i}" for i in range(nodes)]
    touchpoints = "".join(
        f"      - id: {tp}\n        name: Step {tp}\n        channel: web\n"
        f"        next: [{', '.join(other for other in ids if other != tp)}]\n"
        for tp in ids
    )
    return (
        "cjm: 1\nid: dense\ntitle: Dense\nchannels:\n  - id: web\n    name: Web\n"
        f"stages:\n  - id: all\n    name: All\n    touchpoints:\n{touchpoints}"
    )


def test_a_dot_timeout_fails_that_map_only(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dot_renderer, "DOT_TIMEOUT", 1.0)
    maps = tmp_path / "maps"
    write_map(maps, dense_map(100), "dense.yaml")
    write_map(maps, journey_yaml(), "plain.yaml")
    out = tmp_path / "out"
    result = run_cjm(
        "render", str(maps / "dense.yaml"), str(maps / "plain.yaml"), "--to", "md,svg", "--out", str(out)
    )
    assert result.exit_code == 1, result.stderr
    assert result.stderr == (
        f"cjm: cannot render {maps / 'dense.yaml'}: Graphviz's dot took longer than 1 s to draw the SVG "
        "diagram (a dense `next` graph?); stopped; its other formats were not written\n"
    )
    assert sorted(files_under(out)) == ["plain.md", "plain.svg"]
    assert (out / "plain.svg").read_bytes().startswith(b"<?xml")


def test_a_dot_failure_fails_that_map_only(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = dot_renderer.render_dot

    def broken(view: object) -> str:
        source = real(view)  # type: ignore[arg-type]
        return (
            source.replace("digraph journey {", "digraph journey { <<", 1) if "Broken" in source else source
        )

    monkeypatch.setattr(dot_renderer, "render_dot", broken)
    maps = tmp_path / "maps"
    write_map(maps, journey_yaml(title="Broken", journey_id="broken"), "broken.yaml")
    write_map(maps, journey_yaml(), "plain.yaml")
    out = tmp_path / "out"
    result = run_cjm(
        "render", str(maps / "broken.yaml"), str(maps / "plain.yaml"), "--to", "svg", "--out", str(out)
    )
    assert result.exit_code == 1
    assert (
        "cannot render" in result.stderr
        and "Graphviz's dot could not draw the SVG diagram: " in result.stderr
    )
    assert "internal error" not in result.stderr
    assert sorted(files_under(out)) == ["plain.svg"]


# ---------------------------------------------------------------- 3. CSV


def test_csv_line_breaks_cannot_start_a_row_with_a_formula(tmp_path: pathlib.Path) -> None:
    name = "Harmless\r=cmd|' /C calc'!A0\n+SUM(1)\r\n@x\n-2"
    path = write_map(tmp_path / "maps", journey_yaml(touchpoint=name))
    out = tmp_path / "out"
    assert run_cjm("render", str(path), "--to", "csv", "--out", str(out)).exit_code == 0
    data = (out / "plain.csv").read_bytes()
    assert b"\"Harmless\r'=cmd|' /C calc'!A0\n'+SUM(1)\r\n'@x\n'-2\"" in data
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    # The header, the stage row, then the touchpoint row that carries the name, guarded.
    assert [row[rows[0].index("row")] for row in rows[1:]] == ["stage", "touchpoint"]
    assert rows[2][rows[0].index("touchpoint")] == "Harmless\r'=cmd|' /C calc'!A0\n'+SUM(1)\r\n'@x\n'-2"
    assert not any(re.match(r"[=+\-@\t]", cell) for row in rows for cell in row)
    # A reader that splits at every line break (the attack) sees no line starting a formula.
    for line in re.split(rb"\r\n|\r|\n", data):
        assert not re.match(rb'"?[=+\-@\t]', line), line
    converted = tmp_path / "converted.csv"
    assert run_cjm("convert", str(path), "-o", str(converted)).exit_code == 0
    assert converted.read_bytes() == data


def test_spreadsheet_safe_guards_every_line() -> None:
    assert spreadsheet_safe("a\r=1") == "a\r'=1"
    assert spreadsheet_safe("=1\n=2") == "'=1\n'=2"
    assert spreadsheet_safe("ok - fine\nnext") == "ok - fine\nnext"
    assert spreadsheet_safe(3) == 3


# ---------------------------------------------------------------- 4. Mermaid


@pytest.mark.parametrize(
    "name", ["section Evil", "title X", "journey", "accTitle: x", "a: 1: b; c # d", "line\nsection Two"]
)
def test_mermaid_in_markdown_and_convert_share_one_escaping(tmp_path: pathlib.Path, name: str) -> None:
    path = write_map(tmp_path / "maps", journey_yaml(title=name + "\ntitle Y", touchpoint=name))
    out = tmp_path / "out"
    assert run_cjm("render", str(path), "--to", "md", "--out", str(out)).exit_code == 0
    report = (out / "plain.md").read_text(encoding="utf-8")
    block = report.split("```mermaid\n", 1)[1].split("```", 1)[0]
    converted = tmp_path / "converted.mmd"
    assert run_cjm("convert", str(path), "-o", str(converted)).exit_code == 0
    lines = block.splitlines()
    assert lines[0] == "journey"
    assert lines[1] == f"    title {mermaid(name + chr(10) + 'title Y')}"
    assert lines[2] == "    section Look around"
    assert lines[3] == f"      {mermaid(name, 'task')}: 4: Shopper"
    assert len(lines) == 4
    assert (
        lines[3].strip().split(":")[0]
        == converted.read_text(encoding="utf-8").splitlines()[-1].strip().split(":")[0]
    )
    if re.match(r"(section|title|journey|acc)", name, re.IGNORECASE):
        assert lines[3].startswith("      " + KEYWORD_GUARD)


# ---------------------------------------------------------------- 5. output names


def test_a_journey_named_index_does_not_overwrite_the_workspace_index(tmp_path: pathlib.Path) -> None:
    maps = tmp_path / "maps"
    write_map(maps, journey_yaml(journey_id="index", title="The index journey"), "index.yaml")
    write_map(maps, journey_yaml(journey_id="other"), "other.yaml")
    out = tmp_path / "out"
    result = run_cjm(
        "render", str(maps / "index.yaml"), str(maps / "other.yaml"), "--to", "html", "--out", str(out)
    )
    assert result.exit_code == 0, result.stderr
    written = files_under(out)
    assert sorted(written) == ["index-2.html", "index.html", "other.html"]
    assert b"The index journey" in written["index-2.html"]
    assert b'href="index-2.html"' in written["index.html"]


def test_ids_differing_only_in_case_get_distinct_files() -> None:
    from types import SimpleNamespace

    from cjmkit.renderers.pipeline import output_names

    documents = [
        SimpleNamespace(path=pathlib.Path(str(i)), journey=SimpleNamespace(id=name))
        for i, name in enumerate(["a", "A", "a-2", "index", "Index"])
    ]
    names = output_names(documents)  # type: ignore[arg-type]
    assert list(names.values()) == ["a", "A-2", "a-2-2", "index-2", "Index-3"]


# ---------------------------------------------------------------- 6. small


@pytest.mark.parametrize("color", ["#000000\n", "#000000\r\n", " #000000", "#0000001"])
def test_a_brand_colour_with_anything_around_it_is_refused(tmp_path: pathlib.Path, color: str) -> None:
    out = tmp_path / "out"
    result = run_cjm("render", str(EMAIL_SHOP), "--brand-color", color, "--out", str(out))
    assert result.exit_code == 2
    assert "--brand-color" in result.stderr and "write it as #rrggbb" in result.stderr
    assert files_under(out) == {}


def test_a_workspace_brand_colour_with_a_newline_is_invalid(tmp_path: pathlib.Path) -> None:
    root = tmp_path / "space"
    root.mkdir()
    (root / "cjm.yaml").write_text('cjm: 1\nname: Space\nrender:\n  brand_color: "#000000\\n"\n')
    write_map(root, journey_yaml())
    result = run_cjm("validate", str(root))
    assert result.exit_code == 1
    assert "brand_color" in result.stdout + result.stderr


@pytest.mark.parametrize("where", ["file", "under-file"])
def test_an_out_that_is_a_file_is_a_plain_error(tmp_path: pathlib.Path, where: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_bytes(b"keep me")
    out = blocker if where == "file" else blocker / "deeper" / "out"
    result = run_cjm("render", str(EMAIL_SHOP), "--out", str(out))
    assert result.exit_code == 2
    assert result.stderr == f"cjm: error: --out {out}: {blocker} is a file, not a folder\n"
    assert blocker.read_bytes() == b"keep me"

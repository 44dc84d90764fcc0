"""Writes and in-place edits lose nothing: mode, owner, links, devices, read-only files, overlapping runs.

Each test does the real thing (real links, devices, concurrent processes, an unprivileged
user, a full file system) and checks the exit code, the message, and every file afterwards.
"""

from __future__ import annotations

import contextlib
import errno
import os
import pathlib
import shutil
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator

import pytest

from cjmkit import output
from cjmkit.editing.fmt import format_text
from cjmkit.models import Journey
from conftest import FIXTURES, run_cjm

SHOP = (FIXTURES / "metrics" / "shop.yaml").read_text(encoding="utf-8")
#: The shop map with two top-level keys swapped: `cjm fmt` puts `id` back before `title`.
UNFORMATTED = SHOP.replace(
    "id: shop\ntitle: Online shop — first order\n", "title: Online shop — first order\nid: shop\n"
)
FORMATTED = format_text(UNFORMATTED, Journey)
assert FORMATTED != UNFORMATTED and format_text(FORMATTED, Journey) == FORMATTED
MERMAID = "journey\n  title Signup\n  section Visit\n    Open the site: 4: Maya\n"
NOBODY = 65534
IS_ROOT = os.geteuid() == 0


def write_map(path: pathlib.Path, text: str = UNFORMATTED, *, journey: str = "shop") -> pathlib.Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.replace("id: shop\n", f"id: {journey}\n", 1).encode("utf-8"))
    return path


def write_csv(folder: pathlib.Path, *rows: str) -> pathlib.Path:
    target = folder / "metrics.csv"
    target.write_text("\n".join(["journey,stage,field,value", *rows]) + "\n", encoding="utf-8")
    return target


def leftovers(folder: pathlib.Path) -> list[str]:
    """Temporary files a write left behind."""
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") and p.name.endswith(".tmp"))


def cjm(
    *args: str, cwd: pathlib.Path | None = None, user: int | None = None
) -> subprocess.CompletedProcess[str]:
    """Run `python -m cjmkit ARGS` as a real process, as ``user`` (dropping root's privileges) if given."""
    command = [sys.executable, "-m", "cjmkit", *args]
    if user is not None:
        command = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture
def shared_folder() -> Iterator[pathlib.Path]:
    """A folder an unprivileged user can reach (pytest's tmp_path is root's own)."""
    folder = pathlib.Path(tempfile.mkdtemp(prefix="cjm-hardening-", dir="/tmp"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for path in folder.rglob("*"):
            with contextlib.suppress(OSError):
                path.chmod(0o700 if path.is_dir() else 0o600)
        folder.chmod(0o700)
        shutil.rmtree(folder)


needs_root = pytest.mark.skipif(
    not IS_ROOT or shutil.which("setpriv") is None, reason="needs root and setpriv"
)


# --- 1. one safe writer ------------------------------------------------------------------------------


def test_fmt_keeps_mode_owner_and_group(tmp_path: pathlib.Path) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    shop.chmod(0o640)
    if IS_ROOT:
        os.chown(shop, NOBODY, NOBODY)
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 0, result.stderr
    status = shop.stat()
    assert shop.read_text(encoding="utf-8") == FORMATTED
    assert stat.S_IMODE(status.st_mode) == 0o640
    if IS_ROOT:
        assert (status.st_uid, status.st_gid) == (NOBODY, NOBODY)
    assert leftovers(tmp_path) == []


def test_convert_force_keeps_the_mode_of_a_private_file(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    target = tmp_path / "signup.yaml"
    target.write_text("old\n", encoding="utf-8")
    target.chmod(0o600)
    result = run_cjm("convert", str(source), "-o", str(target), "--force")
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert "Open the site" in target.read_text(encoding="utf-8")


def test_a_new_file_gets_the_mode_the_umask_allows(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    umask = os.umask(0o027)
    try:
        result = run_cjm("convert", str(source), "-o", str(tmp_path / "new" / "signup.yaml"))
    finally:
        os.umask(umask)
    assert result.exit_code == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "new" / "signup.yaml").stat().st_mode) == 0o640


def test_fmt_writes_through_a_symbolic_link(tmp_path: pathlib.Path) -> None:
    real = write_map(tmp_path / "store" / "shop.yaml")
    real.chmod(0o600)
    link = tmp_path / "maps" / "shop.yaml"
    link.parent.mkdir()
    link.symlink_to(real)
    inode = real.stat().st_ino
    result = run_cjm("fmt", str(link))
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_text(encoding="utf-8") == FORMATTED
    assert real.stat().st_ino != inode  # replaced atomically, beside the real file
    assert stat.S_IMODE(real.stat().st_mode) == 0o600
    assert leftovers(real.parent) == [] and leftovers(link.parent) == []


def test_convert_writes_through_a_symbolic_link(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    real = tmp_path / "real.yaml"
    real.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(real)
    result = run_cjm("convert", str(source), "-o", str(link), "--force")
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and "Open the site" in real.read_text(encoding="utf-8")


def test_a_dangling_symbolic_link_is_refused(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(tmp_path / "missing.yaml")
    result = run_cjm("convert", str(source), "-o", str(link), "--force")
    assert result.exit_code == 1
    assert "symbolic link to a missing file" in result.stderr
    assert link.is_symlink() and not (tmp_path / "missing.yaml").exists()


def test_fmt_refuses_a_file_with_hard_links_and_keeps_both_names(tmp_path: pathlib.Path) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    other = tmp_path / "backup" / "shop.yaml"
    other.parent.mkdir()
    os.link(shop, other)
    inode = shop.stat().st_ino
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 1
    assert "has 2 hard links" in result.stderr and str(shop) in result.stderr
    assert "1 file not formatted" in result.stdout
    for name in (shop, other):
        assert name.stat().st_ino == inode and name.stat().st_nlink == 2
        assert name.read_text(encoding="utf-8") == UNFORMATTED
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not pathlib.Path("/dev/full").exists(), reason="no /dev/full")
def test_convert_to_a_device_is_refused_and_the_device_stays(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    before = os.stat("/dev/full")
    for force in ([], ["--force"]):
        result = cjm("convert", str(source), "-o", "/dev/full", *force)
        assert result.returncode == 1, result.stderr
        assert "/dev/full" in result.stderr
        after = os.stat("/dev/full")
        assert (
            stat.S_ISCHR(after.st_mode) and after.st_rdev == before.st_rdev and after.st_ino == before.st_ino
        )
    assert "a character device, not a regular file" in result.stderr
    assert not list(pathlib.Path("/dev").glob(".full.*"))


def test_convert_to_a_fifo_is_refused_without_blocking(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    fifo = tmp_path / "pipe.yaml"
    os.mkfifo(fifo)
    result = cjm("convert", str(source), "-o", str(fifo), "--force")
    assert result.returncode == 1
    assert "a fifo, not a regular file" in result.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert leftovers(tmp_path) == []


@needs_root
def test_a_read_only_map_is_refused_for_an_unprivileged_user(shared_folder: pathlib.Path) -> None:
    # The folder is the user's own, so a rename over the read-only file would succeed: the writer must refuse.
    folder = shared_folder / "maps"
    shop = write_map(folder / "shop.yaml")
    os.chown(folder, NOBODY, NOBODY)
    os.chown(shop, NOBODY, NOBODY)
    shop.chmod(0o444)
    inode = shop.stat().st_ino
    result = cjm("fmt", str(shop), user=NOBODY)
    assert result.returncode == 1, result.stderr
    assert f"{shop} is read-only" in result.stderr
    status = shop.stat()
    assert (status.st_ino, stat.S_IMODE(status.st_mode), status.st_uid) == (inode, 0o444, NOBODY)
    assert shop.read_text(encoding="utf-8") == UNFORMATTED
    assert leftovers(folder) == []


def test_a_file_without_write_bits_is_refused_even_for_root(tmp_path: pathlib.Path) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    shop.chmod(0o444)
    result = cjm("fmt", str(shop))
    assert result.returncode == 1
    assert "is read-only" in result.stderr
    assert shop.read_text(encoding="utf-8") == UNFORMATTED and stat.S_IMODE(shop.stat().st_mode) == 0o444


@needs_root
def test_init_refuses_a_read_only_starter_file(shared_folder: pathlib.Path) -> None:
    folder = shared_folder / "ws"
    folder.mkdir()
    os.chown(folder, NOBODY, NOBODY)
    workspace = folder / "cjm.yaml"
    workspace.write_text("mine\n", encoding="utf-8")
    os.chown(workspace, NOBODY, NOBODY)
    workspace.chmod(0o444)
    result = cjm("init", str(folder), "--force", user=NOBODY)
    assert result.returncode == 1, result.stderr
    assert "cjm.yaml is read-only" in result.stderr
    assert sorted(p.name for p in folder.iterdir()) == ["cjm.yaml"]  # refused before the first write
    assert workspace.read_text(encoding="utf-8") == "mine\n"


# --- 2. overlapping edits ----------------------------------------------------------------------------


def test_fmt_and_imports_running_at_once_lose_nothing(tmp_path: pathlib.Path) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    rounds = 12
    for i in range(rounds):
        write_csv_named(tmp_path, f"bounce-{i}.csv", f"shop,visit,kpi:bounce,0.{10 + i}")
        write_csv_named(tmp_path, f"conversion-{i}.csv", f"shop,checkout,kpi:conversion,0.{50 + i}")
    loop = (
        "import subprocess, sys\n"
        "codes = []\n"
        "for i in range({rounds}):\n"
        "    args = {args!r}\n"
        "    args = [a.format(i=i) for a in args]\n"
        "    codes.append(subprocess.run([sys.executable, '-m', 'cjmkit', *args]).returncode)\n"
        "sys.exit(max(codes))\n"
    )
    runs = [
        ["metrics", "import", "bounce-{i}.csv", "shop.yaml"],
        ["metrics", "import", "conversion-{i}.csv", "shop.yaml"],
        ["fmt", "shop.yaml"],
    ]
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", loop.format(rounds=rounds, args=args)],
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in runs
    ]
    outcomes = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, outcomes, strict=True):
        assert process.returncode == 0, (out, err)
        assert "changed since it was read" not in err
    text = shop.read_text(encoding="utf-8")
    assert f"actual: 0.{10 + rounds - 1}" in text
    assert f"actual: 0.{50 + rounds - 1}  # GA4, March" in text
    assert cjm("fmt", "--check", "shop.yaml", cwd=tmp_path).returncode == 0
    assert leftovers(tmp_path) == []


def write_csv_named(folder: pathlib.Path, name: str, *rows: str) -> pathlib.Path:
    target = folder / name
    target.write_text("\n".join(["journey,stage,field,value", *rows]) + "\n", encoding="utf-8")
    return target


def test_a_line_appended_during_fmt_is_kept(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shop = write_map(tmp_path / "shop.yaml")

    def append(real: pathlib.Path) -> None:
        with open(real, "a", encoding="utf-8") as stream:
            stream.write("# added by an editor\n")

    monkeypatch.setattr(output, "before_replace", append)
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 1
    assert f"{shop} changed since it was read" in result.stderr
    assert shop.read_text(encoding="utf-8") == UNFORMATTED + "# added by an editor\n"
    assert leftovers(tmp_path) == []


def test_a_map_deleted_during_fmt_is_not_recreated(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    monkeypatch.setattr(output, "before_replace", lambda real: real.unlink())
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 1
    assert f"{shop} was deleted since it was read; not re-created" in result.stderr
    assert not shop.exists() and leftovers(tmp_path) == []


def test_a_map_changed_during_import_is_refused(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = write_map(tmp_path / "shop.yaml", FORMATTED)
    csv = write_csv(tmp_path, "shop,visit,kpi:bounce,0.37")
    edited = FORMATTED.replace("target: 0.4", "target: 0.45")
    monkeypatch.setattr(output, "before_replace", lambda real: real.write_text(edited, encoding="utf-8"))
    result = run_cjm("metrics", "import", str(csv), str(shop))
    assert result.exit_code == 1
    assert f"{shop} changed since it was read" in result.stderr and "no map was changed" in result.stderr
    assert "internal error" not in result.stderr
    assert shop.read_text(encoding="utf-8") == edited


def test_a_map_deleted_during_import_is_not_recreated(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shop = write_map(tmp_path / "shop.yaml", FORMATTED)
    csv = write_csv(tmp_path, "shop,visit,kpi:bounce,0.37")
    monkeypatch.setattr(output, "before_replace", lambda real: real.unlink())
    result = run_cjm("metrics", "import", str(csv), str(shop))
    assert result.exit_code == 1
    assert "was deleted since it was read; not re-created" in result.stderr
    assert not shop.exists() and leftovers(tmp_path) == []


# --- 3. all or nothing across maps ---------------------------------------------------------------


def two_maps(tmp_path: pathlib.Path) -> tuple[pathlib.Path, pathlib.Path, pathlib.Path]:
    first = write_map(tmp_path / "maps" / "a.yaml", FORMATTED, journey="shop-a")
    second = write_map(tmp_path / "maps" / "b.yaml", FORMATTED, journey="shop-b")
    csv = write_csv(tmp_path, "shop-a,visit,kpi:bounce,0.37", "shop-b,visit,kpi:bounce,0.38")
    return first, second, csv


def test_import_checks_every_map_before_the_first_write(tmp_path: pathlib.Path) -> None:
    first, second, csv = two_maps(tmp_path)
    second.chmod(0o444)
    inodes = [first.stat().st_ino, second.stat().st_ino]
    result = run_cjm("metrics", "import", str(csv), str(tmp_path / "maps"))
    assert result.exit_code == 1
    assert f"{second} is read-only" in result.stderr
    assert [first.stat().st_ino, second.stat().st_ino] == inodes
    assert first.read_text(encoding="utf-8") == second.read_text(encoding="utf-8").replace("shop-b", "shop-a")
    assert "0.37" not in first.read_text(encoding="utf-8")


def test_a_failed_write_puts_back_the_maps_already_written(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first, second, csv = two_maps(tmp_path)
    before = {path: path.read_bytes() for path in (first, second)}

    def full_disk(real: pathlib.Path) -> None:
        if real.name == "b.yaml":
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(output, "before_replace", full_disk)
    result = run_cjm("metrics", "import", str(csv), str(tmp_path / "maps"))
    assert result.exit_code == 1
    assert f"cannot write {second}: no space left on the device" in result.stderr
    assert "the 1 map already written were put back; no map was changed" in result.stderr
    assert {path: path.read_bytes() for path in (first, second)} == before
    assert leftovers(tmp_path / "maps") == []


# --- 4. plain messages ------------------------------------------------------------------------------


@contextlib.contextmanager
def small_tmpfs(tmp_path: pathlib.Path) -> Iterator[pathlib.Path]:
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs: {done.stderr!r}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=True)


def fill(folder: pathlib.Path) -> None:
    with contextlib.suppress(OSError), open(folder / "filler", "wb", buffering=0) as stream:
        while True:
            stream.write(b"x" * 4096)


@pytest.mark.skipif(not IS_ROOT, reason="mounting a tmpfs needs root")
def test_fmt_on_a_full_disk_says_so_and_keeps_the_map(tmp_path: pathlib.Path) -> None:
    with small_tmpfs(tmp_path) as disk:
        shop = write_map(disk / "shop.yaml")
        fill(disk)
        result = cjm("fmt", str(shop))
        assert result.returncode == 1, result.stderr
        assert f"cannot write {shop}: no space left on the device; the file is unchanged" in result.stderr
        assert "internal error" not in result.stderr
        assert shop.read_text(encoding="utf-8") == UNFORMATTED
        assert leftovers(disk) == []


@pytest.mark.skipif(not IS_ROOT, reason="mounting a tmpfs needs root")
def test_convert_on_a_full_disk_writes_nothing(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    with small_tmpfs(tmp_path) as disk:
        fill(disk)
        result = cjm("convert", str(source), "-o", str(disk / "signup.yaml"))
        assert result.returncode == 1, result.stderr
        assert "no space left on the device" in result.stderr
        assert sorted(p.name for p in disk.iterdir()) == ["filler"]


@needs_root
def test_import_into_a_read_only_folder_says_so(shared_folder: pathlib.Path) -> None:
    folder = shared_folder / "maps"
    shop = write_map(folder / "shop.yaml", FORMATTED)
    shop.chmod(0o666)  # the file is writable; its folder (root's, 0755) is not, for nobody
    csv = write_csv(shared_folder, "shop,visit,kpi:bounce,0.37")
    result = cjm("metrics", "import", str(csv), str(folder), user=NOBODY)
    assert result.returncode == 1, result.stderr
    assert f"its folder {folder} is not writable" in result.stderr
    assert "internal error" not in result.stderr
    assert shop.read_text(encoding="utf-8") == FORMATTED


@needs_root
def test_fmt_in_a_read_only_folder_says_so(shared_folder: pathlib.Path) -> None:
    folder = shared_folder / "maps"
    shop = write_map(folder / "shop.yaml")
    shop.chmod(0o666)
    result = cjm("fmt", str(shop), user=NOBODY)
    assert result.returncode == 1, result.stderr
    assert f"cannot write {shop}: Permission denied; the file is unchanged" in result.stderr
    assert "1 file not formatted" in result.stdout
    assert shop.read_text(encoding="utf-8") == UNFORMATTED


def test_fmt_keeps_cr_only_line_endings(tmp_path: pathlib.Path) -> None:
    shop = tmp_path / "shop.yaml"
    shop.write_bytes(UNFORMATTED.replace("\n", "\r").encode("utf-8"))
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 0, result.stderr
    assert shop.read_bytes() == FORMATTED.replace("\n", "\r").encode("utf-8")


def test_fmt_refuses_cr_only_breaks_mixed_with_others(tmp_path: pathlib.Path) -> None:
    shop = tmp_path / "shop.yaml"
    mixed = UNFORMATTED.replace("cjm: 1\n", "cjm: 1\r").encode("utf-8")
    shop.write_bytes(mixed)
    result = run_cjm("fmt", str(shop))
    assert result.exit_code == 1
    assert "cannot be formatted safely: it mixes CR-only line endings with others" in result.stdout
    assert shop.read_bytes() == mixed


def test_import_keeps_cr_only_line_endings(tmp_path: pathlib.Path) -> None:
    shop = tmp_path / "shop.yaml"
    shop.write_bytes(FORMATTED.replace("\n", "\r").encode("utf-8"))
    csv = write_csv(
        tmp_path,
        "shop,visit,kpi:bounce,0.37",
        "shop,review,funnel.entered,100",
        "shop,review,funnel.advanced,10",
    )
    result = run_cjm("metrics", "import", str(csv), str(shop))
    assert result.exit_code == 0, result.stderr
    written = shop.read_bytes()
    assert b"\n" not in written
    expected = tmp_path / "lf" / "shop.yaml"
    write_map(expected, FORMATTED)
    assert run_cjm("metrics", "import", str(csv), str(expected)).exit_code == 0
    assert written == expected.read_bytes().replace(b"\n", b"\r")


def test_import_keeps_each_lines_own_ending(tmp_path: pathlib.Path) -> None:
    lines = FORMATTED.splitlines(keepends=True)
    # CRLF on the bounce KPI's lines (where `actual` goes), LF elsewhere.
    start = next(i for i, line in enumerate(lines) if "id: bounce" in line)
    mixed = "".join(
        line.replace("\n", "\r\n") if start <= i < start + 6 else line for i, line in enumerate(lines)
    )
    shop = tmp_path / "shop.yaml"
    shop.write_bytes(mixed.encode("utf-8"))
    csv = write_csv(tmp_path, "shop,visit,kpi:bounce,0.37", "shop,checkout,kpi:conversion,0.55")
    result = run_cjm("metrics", "import", str(csv), str(shop))
    assert result.exit_code == 0, result.stderr
    after = shop.read_bytes().decode("utf-8").splitlines(keepends=True)
    inserted = [line for line in after if line.strip().startswith("actual: 0.37")]
    assert inserted == ["        actual: 0.37\r\n"]
    kept = [line for line in after if line not in inserted]
    before = mixed.splitlines(keepends=True)
    assert len(kept) == len(before)
    for old, new in zip(before, kept, strict=True):
        assert old[len(old.rstrip("\r\n")) :] == new[len(new.rstrip("\r\n")) :], (old, new)
        assert old == new or "0.52" in old


# --- 5. convert -o over an existing file ----------------------------------------------------------


def test_convert_refuses_an_existing_output_without_force(tmp_path: pathlib.Path) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    target = tmp_path / "signup.yaml"
    target.write_text("mine\n", encoding="utf-8")
    inode = target.stat().st_ino
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 1
    assert f"{target} exists; run again with --force to replace it; nothing written" in result.stderr
    assert target.read_text(encoding="utf-8") == "mine\n" and target.stat().st_ino == inode
    forced = run_cjm("convert", str(source), "-o", str(target), "--force")
    assert forced.exit_code == 0, forced.stderr
    assert "Open the site" in target.read_text(encoding="utf-8")


def test_convert_without_force_never_replaces_a_file_that_appears_meanwhile(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "signup.mmd"
    source.write_text(MERMAID, encoding="utf-8")
    target = tmp_path / "signup.yaml"
    monkeypatch.setattr(output, "before_replace", lambda real: real.write_text("theirs\n", encoding="utf-8"))
    result = run_cjm("convert", str(source), "-o", str(target))
    assert result.exit_code == 1
    assert f"{target} appeared while it was being written; not replaced" in result.stderr
    assert target.read_text(encoding="utf-8") == "theirs\n" and target.stat().st_nlink == 1
    assert leftovers(tmp_path) == []


@pytest.mark.skipif(not IS_ROOT or shutil.which("chattr") is None, reason="needs root and chattr")
def test_an_immutable_map_is_refused_even_for_root(tmp_path: pathlib.Path) -> None:
    shop = write_map(tmp_path / "shop.yaml")
    if subprocess.run(["chattr", "+i", str(shop)], capture_output=True).returncode != 0:
        pytest.skip("the file system has no immutable flag")
    try:
        inode = shop.stat().st_ino
        result = cjm("fmt", str(shop))
        assert result.returncode == 1
        assert f"{shop} is read-only" in result.stderr
        assert shop.stat().st_ino == inode and shop.read_text(encoding="utf-8") == UNFORMATTED
    finally:
        subprocess.run(["chattr", "-i", str(shop)], check=True)


def test_render_over_a_fifo_or_read_only_output_is_refused_with_exit_1(tmp_path: pathlib.Path) -> None:
    """render and schema write through the same writer: the same refusals, the same exit code."""
    source = write_map(tmp_path / "maps" / "shop.yaml")
    out = tmp_path / "out"
    out.mkdir()
    os.mkfifo(out / "shop.md")
    result = run_cjm("render", str(source), "--to", "md", "--out", str(out))
    assert result.exit_code == 1, result.stderr
    assert "shop.md" in result.stderr and "internal error" not in result.stderr
    assert stat.S_ISFIFO((out / "shop.md").stat().st_mode)
    schema = tmp_path / "schemas"
    schema.mkdir()
    (schema / "journey.schema.json").write_text("{}", encoding="utf-8")
    (schema / "journey.schema.json").chmod(0o444)
    result = run_cjm("schema", "--out", str(schema))
    assert result.exit_code == 1, result.stderr
    assert (schema / "journey.schema.json").read_text(encoding="utf-8") == "{}"

"""Third-party parsers register by entry point exactly as built-ins do; a parser whose process
dies fails only its own file, and the run goes on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import add_args

PLUGIN = '''
from __future__ import annotations
import os, signal
from pathlib import Path
from darkroom.formats.base import ParsedConversation, ParsedMessage, AccountRef
from darkroom.model import MessageKind


class Crashy:
    """Claims files starting with CRASH and kills its own process (like the OOM killer would)."""

    name = "crashy"
    version = "1"

    def sniff(self, path: Path, head: bytes) -> float:
        return 1.0 if head.startswith((b"CRASH", b"NOTE")) else 0.0

    def parse(self, path: Path, ctx):
        if path.read_bytes().startswith(b"CRASH"):
            os.kill(os.getpid(), signal.SIGKILL)
        yield ParsedConversation("n", "notes", "notes", False, "line 1")
        me = AccountRef("notes", "me")
        yield ParsedMessage("n", me, None, None, None, "a note", MessageKind.TEXT, "line 1")
'''


def _install_plugin(root: Path) -> Path:
    """A plugin 'installed' the way pip leaves one: a module plus a dist-info with entry points."""
    site = root / "site"
    (site / "crashy_plugin-1.0.dist-info").mkdir(parents=True)
    (site / "crashy_plugin.py").write_text(PLUGIN, encoding="utf-8")
    info = site / "crashy_plugin-1.0.dist-info"
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: crashy-plugin\nVersion: 1.0\n", encoding="utf-8"
    )
    (info / "entry_points.txt").write_text(
        "[darkroom.formats]\ncrashy = crashy_plugin:Crashy\n", encoding="utf-8"
    )
    return site


def test_a_plugin_parser_and_a_dying_parser_process(case_dir: Path, tmp_path: Path) -> None:
    site = _install_plugin(tmp_path)
    source = tmp_path / "phone"
    source.mkdir()
    (source / "a-crash.bin").write_bytes(b"CRASH now")
    (source / "b-note.txt").write_bytes(b"NOTE fine")
    for n in range(6):
        (source / f"c-note-{n}.txt").write_bytes(b"NOTE fine too")
    darkroom = str(Path(sys.executable).with_name("darkroom"))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(site), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([darkroom, *map(str, add_args(case_dir, source, "EX-1"))], check=True, env=env)
    done = subprocess.run(
        [darkroom, "process", "--case", str(case_dir), "--workers", "2"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    listed = subprocess.run(
        [darkroom, "files", "--case", str(case_dir), "--json"],
        capture_output=True,
        text=True,
        env=env,
        check=True,
    )
    files = {row["path"]: row for row in map(json.loads, listed.stdout.splitlines())}
    assert files["a-crash.bin"]["status"] == "failed"
    assert "parser process died" in files["a-crash.bin"]["error"]
    for name, row in files.items():
        if name != "a-crash.bin":
            assert row["status"] == "parsed", row
            assert row["format"] == "crashy"

"""The media stage resumes after an interruption: what finished is kept, the rest is done next
time, nothing twice; a new analyser version re-analyses everything."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlalchemy import text

from darkroom.formats.runner import ProcessInterrupted
from darkroom.media import stage
from darkroom.media.stage import run_media_stage
from darkroom.media.worker import MediaOutcome
from darkroom.store import CaseStore
from tests.conftest import CliRunner, add_args
from tests.media.generated_media import photo_like


def _pictures(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for n in range(count):
        buffer = io.BytesIO()
        photo_like(n, 320, 240).save(buffer, "JPEG")
        (folder / f"IMG_{n:04d}.jpg").write_bytes(buffer.getvalue())


def _analysed(store: CaseStore) -> int:
    with store.read() as conn:
        return int(conn.execute(text("SELECT COUNT(*) FROM media WHERE status = 'done'")).scalar_one())


def test_interrupted_media_stage_resumes(
    tmp_path: Path, case_dir: Path, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    _pictures(tmp_path / "phone", 12)
    assert cli(*add_args(case_dir, tmp_path / "phone", "EX-1")).code == 0
    store = CaseStore.open(case_dir)
    try:
        seen = 0

        def stop_after_three(_outcome: MediaOutcome) -> None:
            nonlocal seen
            seen += 1
            if seen == 3:
                raise KeyboardInterrupt

        with pytest.raises(ProcessInterrupted, match="analyse the rest"):
            run_media_stage(store, "examiner", workers=1, on_file=stop_after_three)
        first = _analysed(store)
        assert 3 <= first < 12
        rest = run_media_stage(store, "examiner", workers=2)
        assert rest.analysed == 12 - first
        assert _analysed(store) == 12
        assert run_media_stage(store, "examiner").analysed == 0
        monkeypatch.setattr(stage, "ANALYSER_VERSION", "media-next")
        assert run_media_stage(store, "examiner").analysed == 12
        with store.read() as conn:
            hashes = conn.execute(text("SELECT COUNT(*) FROM media_hashes")).scalar_one()
        assert hashes == 12 * 8  # replaced, not added
    finally:
        store.close()


def test_vector_pictures_are_recorded_as_not_decodable(
    tmp_path: Path, case_dir: Path, cli: CliRunner
) -> None:
    folder = tmp_path / "laptop"
    _pictures(folder, 1)
    svg = '<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><rect/></svg>\n'
    (folder / "logo.svg").write_text(svg)
    assert cli(*add_args(case_dir, folder, "EX-1")).code == 0
    assert cli("process", "--case", case_dir).code == 0
    failed = cli("media", "list", "--status", "failed", "--json", "--case", case_dir).jsonl()
    assert [(item["path"], item["status"]) for item in failed] == [("logo.svg", "failed")]
    assert "not a raster picture" in failed[0]["error"]
    again = cli("process", "--case", case_dir)
    assert "media analysed this run: 0, failed: 0" in again.out  # recorded once, not retried

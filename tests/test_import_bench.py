"""bench/import_bench.py generates what it says, our importer reads all of it, and the verdict is honest."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(BENCH))  # the bench imports its neighbour process_stats as a top-level module
    try:
        import import_bench

        yield import_bench
    finally:
        sys.path.remove(str(BENCH))


def test_every_generated_message_is_imported(bench, tmp_path):
    from clone.importers import load

    path = tmp_path / "WhatsApp Chat with Climbing Crew.txt"
    bench.write_export(path, 3000)
    result = load([path])
    assert len(result.messages) == 3000
    assert not result.skipped
    assert {m.kind.value for m in result.messages} >= {"text", "media", "deleted", "system"}
    assert len({m.sender for m in result.messages if m.sender}) == len(bench.SENDERS)


def _result(bench, parser: str, seconds: float, peak_mb: float = 100.0):
    return bench.Result(parser, seconds=seconds, count=1000, peak_mb=peak_mb, baseline_mb=20.0)


def test_verdict_met_only_when_every_ratio_and_peak_hold(bench, capsys):
    fast = [_result(bench, "ours-stream", 1.0), _result(bench, "ours-load", 2.0)]
    rivals = [_result(bench, "chatminer", 20.0), _result(bench, "whatstk", 10.0)]
    assert bench.report(fast + rivals, 1000, 10_000) is True
    assert "whatstk / ours-load: 5.0x" in capsys.readouterr().out
    slow_load = [fast[0], _result(bench, "ours-load", 2.5)]
    assert bench.report(slow_load + rivals, 1000, 10_000) is False
    heavy = [fast[0], _result(bench, "ours-load", 2.0, peak_mb=600.0)]
    assert bench.report(heavy + rivals, 1000, 10_000) is False


def test_no_competitor_means_no_verdict(bench, tmp_path, capsys):
    assert bench.main(["--messages", "2000", "--only", "ours", "--out", str(tmp_path / "chat.txt")]) == 0
    out = capsys.readouterr().out
    assert "not judged (no competitor ran)" in out
    rows = [line.split() for line in out.splitlines() if line.split()[1:2] == ["local"]]  # the table's rows
    assert [row[0] for row in rows] == ["ours-stream", "ours-load"]
    assert all(row[7] == "2,000" for row in rows)  # the messages column: every one read

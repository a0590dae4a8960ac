"""Hostile files: a WhatsApp export with one huge line, and zip bombs. Benchmarks, not timed tests.

    python bench/hostile_bench.py                  # lines of 2/4/8/16/50 MB, and the zip bombs
    python bench/hostile_bench.py --sizes 2 4      # some line sizes only, no bombs: --no-bombs

Each long-line file is a message, then one message whose line is N MB, then a last message, imported with
``clone.importers.load``: with the default limits (the long line is one Skipped record), and with
``line_chars`` raised above it (the line is read whole: shows the splitter is linear). Run against an older
checkout (PYTHONPATH=old/ python bench/hostile_bench.py --no-bombs) it measures the same files there.

The bombs are zips of 2-6 MB holding a 2 GB member: one line (a header, then "x"), and 2 GB of message lines. Targets: a
50 MB line under 2 s; a bomb refused in under 1 s.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import zipfile
from pathlib import Path

from clone.errors import CloneError
from clone.importers import load

try:
    from clone.importers.limits import ImportLimits
except ImportError:  # a checkout from before the limits
    ImportLimits = None

MB = 1 << 20
LINE_TARGET_S, BOMB_TARGET_S = 2.0, 1.0


def long_line_file(folder: Path, mb: int) -> Path:
    path = folder / f"WhatsApp Chat with Bo {mb}MB.txt"
    with path.open("w", encoding="utf-8") as out:
        out.write("01/02/2020, 10:00 - Ana: hi\n01/02/2020, 10:01 - Bo: ")
        for _ in range(mb):
            out.write("x" * MB)
        out.write("\n01/02/2020, 10:02 - Ana: bye\n")
    return path


def timed_load(path: Path, limits=None) -> tuple[float, str]:
    start = time.perf_counter()
    try:
        result = load([path]) if limits is None else load([path], limits=limits)
        outcome = f"{len(result.messages)} messages, {len(result.skipped)} skipped"
    except CloneError as error:
        outcome = f"refused: {str(error)[-90:]}"
    return time.perf_counter() - start, outcome


def bomb(folder: Path, name: str, block: bytes) -> Path:
    """A zip whose one member is a message header, then 2 GB of ``block`` repeated."""
    path = folder / f"{name}.zip"
    chunk = block * (MB // len(block))
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("WhatsApp Chat with Bo.txt", "w", force_zip64=True) as member,
    ):
        member.write(b"01/02/2020, 10:00 - Ana: ")
        for _ in range(2048 * MB // len(chunk)):
            member.write(chunk)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="*", default=[2, 4, 8, 16, 50], help="line sizes in MB")
    parser.add_argument("--no-bombs", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        print("long line (MB) | default limits: s, outcome | line_chars above the line: s, outcome")
        for mb in args.sizes:
            path = long_line_file(folder, mb)
            seconds, outcome = timed_load(path)
            row = f"{mb:>3} | {seconds:7.2f} s  {outcome}"
            if ImportLimits is not None:
                whole, whole_outcome = timed_load(path, ImportLimits(line_chars=(mb + 1) * MB))
                row += f" | {whole:7.2f} s  {whole_outcome}"
            mark = "ok" if seconds < LINE_TARGET_S or mb != 50 else f"OVER the {LINE_TARGET_S} s target"
            print(row + ("" if mb != 50 else f"   [{mark}]"))
            path.unlink()
        if args.no_bombs:
            return
        line = b"01/02/2020, 10:00 - Ana: the same message again and again\n"
        for name, block in (("one-line", b"x" * 4096), ("valid-lines", line)):
            start = time.perf_counter()
            path = bomb(folder, name, block)
            made = time.perf_counter() - start
            seconds, outcome = timed_load(path)
            mark = "ok" if seconds < BOMB_TARGET_S and outcome.startswith("refused") else "MISSED the target"
            size = path.stat().st_size / MB
            print(f"bomb {name}: {size:.1f} MB zip (made in {made:.0f} s) -> {seconds:.3f} s, {outcome}  [{mark}]")


if __name__ == "__main__":
    main()

"""`clone inspect` on the demo workspace: the numbers, the HTML (escaped, self-contained) and its charts as
headless Chromium draws them, read back from the screenshot with a small PNG decoder."""

from __future__ import annotations

import math
import os
import re
import shutil
import statistics
import struct
import subprocess
import sys
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest
from rich.console import Console

import clone
from clone.inspection import COLOURS, Report, print_report, removed_rows, top_emoji, top_phrases
from clone.text import find_emoji
from tests.conftest import EXAMPLES

ME = "Maya Chen"
# Debian's chromium package; CLONE_CHROMIUM points elsewhere (another build, or a missing path to see the skip).
CHROMIUM = os.environ.get("CLONE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="module")
def loaded() -> clone.ImportResult:
    return clone.load(sorted(EXAMPLES.glob("*.txt")))


@pytest.fixture(scope="module")
def workspace(tmp_path_factory, loaded) -> clone.Workspace:
    ws = clone.Workspace(tmp_path_factory.mktemp("inspect") / "ws")
    clone.build_dataset(loaded.messages, me=[ME], workspace=ws)
    return ws


@pytest.fixture(scope="module")
def report(workspace) -> Report:
    return clone.inspect(workspace)


@pytest.fixture(scope="module")
def page(report, workspace) -> str:
    return (workspace.root / "report.html").read_text(encoding="utf-8")


def maya_texts(loaded) -> list[str]:
    return [m.text for m in loaded.messages if m.sender == ME and m.kind == clone.Kind.TEXT]


def test_people_are_the_senders_of_the_loaded_messages(report, loaded):
    expected = Counter((m.platform, m.sender) for m in loaded.messages if m.sender)
    assert {(p.platform, p.name): p.messages for p in report.people} == expected
    assert [p.name for p in report.people if p.is_me] == [ME]
    assert {p.name: p.chats for p in report.people} == {ME: 2, "Sam Okafor": 2, "Priya Raman": 1}


def test_months_cover_september_to_november_2025(report, loaded, workspace):
    assert [month for month, _ in report.months] == ["2025-09", "2025-10", "2025-11"]
    by_month = Counter(f"{m.timestamp:%Y-%m}" for m in loaded.messages if m.sender == ME)
    assert dict(report.months) == by_month
    assert sum(by_month.values()) == workspace.read_manifest()["my_messages"] == report.totals["my messages"]


def test_reply_lengths_are_of_mayas_text_messages(report, loaded):
    lengths = [len(t) for t in maya_texts(loaded)]
    chars = report.lengths["characters"]
    assert chars.count == len(lengths) == sum(n for _, n in chars.buckets)
    assert chars.median == statistics.median(lengths) and chars.max == max(lengths)
    assert chars.p90 == sorted(lengths)[math.ceil(0.9 * len(lengths)) - 1]  # nearest rank
    replies = report.lengths["reply characters"]
    assert replies.count == report.totals["train replies"]


def test_top_emoji_are_mayas_whole_emoji(report, loaded):
    texts = maya_texts(loaded)
    emoji = dict(report.emoji)
    assert report.emoji[0] == ("😭", sum(t.count("😭") for t in texts))
    climber = "🧗\u200d♀️"  # a ZWJ sequence counts as one emoji, not as 🧗 and ♀
    assert emoji[climber] == sum(t.count(climber) for t in texts) > 0
    assert "🧗" not in emoji and "♀" not in emoji


def test_emoji_are_found_whole():
    text = "ok 👍🏽 🇩🇪 1️⃣ 👨‍👩‍👧 ❤️ ❤ 🏴󠁧󠁢󠁳󠁣󠁴󠁿 © a→b"
    assert find_emoji(text) == ["👍🏽", "🇩🇪", "1️⃣", "👨‍👩‍👧", "❤️", "❤", "🏴󠁧󠁢󠁳󠁣󠁴󠁿"]
    assert top_emoji(["❤️ ❤", "❤️"]) == [("❤️", 3)]


def test_top_phrases_are_repeated_word_ngrams(report, loaded):
    text = "\n".join(maya_texts(loaded)).lower()
    assert report.phrases and ("thank u", 7) in report.phrases
    for phrase, count in report.phrases:
        assert 2 <= len(phrase.split()) <= 3 and count >= 2
        assert len(re.findall(rf"(?<!\w){re.escape(phrase.lower())}(?!\w)", text)) >= count


def test_phrases_skip_numbers_emails_and_urls():
    texts = ["call me on 0151 2345 678 ok", "mail maya@example.com ok", "see www.example.com/x ok"] * 2
    assert top_phrases(texts) == [("call me", 2)]  # "me on", "on 0151", "maya@example" are not


def test_imports_redacted_and_dropped(report, loaded):
    # Built through the library, the workspace has no import-report.json: the saved messages stand in.
    kinds = Counter((Path(m.source.file).name, m.kind.value) for m in loaded.messages)
    assert {(Path(r.file).name, k): n for r in report.imports for k, n in r.kinds.items()} == kinds
    assert all(r.skipped is None for r in report.imports)
    media = sum(m.kind == clone.Kind.MEDIA for m in loaded.messages)
    rows = removed_rows(report)
    assert ("not trained on", "media messages", media) in rows
    assert ("dropped", "nothing", 0) in rows  # the demo loses nothing, and the report says so
    assert set(report.redacted) >= {"URL", "EMAIL", "PHONE"}


def test_samples_are_the_first_training_rows(report, workspace):
    from datasets import load_from_disk

    train = load_from_disk(str(workspace.dataset))["train"]
    assert [s.messages for s in report.samples] == [train[i]["messages"] for i in range(3)]
    assert all(
        s.messages[0]["role"] == "system" and s.messages[0]["content"].startswith(f"You are {ME}")
        for s in report.samples
    )


def test_terminal_tables(report):
    console = Console(record=True, width=120)
    print_report(report, console)
    text = console.export_text()
    for title in (
        "People per source",
        "messages per month",
        "Reply lengths",
        "Top emoji",
        "Top phrases",
        "Imported files",
        "Redacted and dropped",
        "Training sample 3",
    ):
        assert title in text
    assert "Sam Okafor" in text and "Sep 2025" in text and "system: You are Maya Chen" in text


def test_html_has_three_drawn_charts_and_nothing_that_runs_or_loads(page):
    charts = re.findall(r'<svg class="chart" data-chart="(\w+)".*?</svg>', page, re.S)
    assert charts == ["months", "lengths", "emoji"]
    for name in charts:
        svg = re.search(rf'<svg class="chart" data-chart="{name}".*?</svg>', page, re.S).group(0)
        heights = [float(h) for h in re.findall(r'<rect class="bar"[^>]* height="([\d.]+)"', svg)]
        assert sum(h > 0 for h in heights) > 0, name
    lowered = page.lower()
    assert "<script" not in lowered and " src=" not in lowered and "href=" not in lowered and "url(" not in lowered
    assert "default-src 'none'" in page


def test_user_text_is_escaped_everywhere(tmp_path):
    export = tmp_path / "WhatsApp Chat with Eve.txt"
    export.write_text(
        "01/10/2025, 10:00 - Eve <b>Evil</b>: <script>alert(1)</script> [bold red]hi[/] </svg>\n"
        '01/10/2025, 10:01 - Maya Chen: <img src=x onerror=alert(1)> lol 😭 & "quotes" </table>\n'
        "01/10/2025, 10:02 - Eve <b>Evil</b>: ok\n"
        "01/10/2025, 10:03 - Maya Chen: <script>x</script> sure\n",
        encoding="utf-8",
    )
    ws = clone.Workspace(tmp_path / "ws")
    clone.build_dataset(clone.load([export]).messages, me=[ME], workspace=ws)
    report = clone.inspect(ws, html=tmp_path / "out" / "eve.html")
    page = (tmp_path / "out" / "eve.html").read_text(encoding="utf-8")
    assert "<script" not in page.lower() and "<img" not in page and "<b>Evil" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Eve &lt;b&gt;Evil&lt;/b&gt;" in page
    assert page.count("<svg") == page.count("</svg>") == 3 and page.count("<table>") == page.count("</table>")
    console = Console(record=True, width=200)
    print_report(report, console)
    assert "[bold red]hi[/]" in console.export_text()  # printed as written, not read as rich markup


def run_clone(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "clone", *args], capture_output=True, text=True, timeout=120)


def test_cli_on_the_demo_workspace_prints_the_tables_and_writes_the_html(tmp_path):
    ws = tmp_path / "ws"
    exports = [str(p) for p in sorted(EXAMPLES.glob("*.txt"))]
    assert run_clone("import", *exports, "--me", ME, "--workspace", str(ws)).returncode == 0
    result = run_clone("inspect", "--workspace", str(ws))
    assert result.returncode == 0, result.stderr
    for title in ("People per source", "messages per month", "Top emoji", "Imported files", "Training sample 1"):
        assert title in result.stdout
    assert re.search(r"│ whatsapp │\s+405 │\s+6 │\s+1 │\s+1 │\s+0 │ 0 ", result.stdout)  # from import-report.json
    html = ws / "report.html"
    assert str(html) in result.stdout.replace("\n", "") and html.read_text(encoding="utf-8").startswith("<!doctype")


def test_cli_no_html(workspace, tmp_path):
    result = run_clone("inspect", "--workspace", str(workspace.root), "--no-html", "--html", str(tmp_path / "x.html"))
    assert result.returncode == 0 and "People per source" in result.stdout and "HTML report:" not in result.stdout
    assert not (tmp_path / "x.html").exists()


def test_cli_missing_workspace_is_a_one_line_error(tmp_path):
    result = run_clone("inspect", "--workspace", str(tmp_path / "none"))
    assert result.returncode == 2 and "clone import" in result.stderr and "Traceback" not in result.stderr


# --- the screenshot --------------------------------------------------------------------------------------------


def read_png(path: Path) -> np.ndarray:
    """Decode an 8-bit, non-interlaced RGB or RGBA PNG (what Chromium writes) into a height x width x channels array:
    zlib plus the five scanline filters of the PNG spec, so the test needs no imaging library."""
    data, pos, chunks = path.read_bytes(), 8, {}
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        chunks.setdefault(kind, []).append(data[pos + 8 : pos + 8 + length])
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][0])
    assert depth == 8 and colour in (2, 6) and interlace == 0, "only 8-bit RGB(A), non-interlaced"
    channels, raw = {2: 3, 6: 4}[colour], zlib.decompress(b"".join(chunks[b"IDAT"]))
    stride = width * channels
    rows, previous = np.zeros((height, stride), np.uint8), np.zeros(stride, np.uint8)
    for y in range(height):
        line = np.frombuffer(raw, np.uint8, stride, y * (stride + 1) + 1)
        rows[y] = previous = unfilter(raw[y * (stride + 1)], line, previous, channels)
    return rows.reshape(height, width, channels)


def unfilter(kind: int, line: np.ndarray, up: np.ndarray, bpp: int) -> np.ndarray:
    if kind == 0:
        return line
    if kind == 1:  # Sub: a running sum per channel, wrapping at 256
        return np.cumsum(line.reshape(-1, bpp), axis=0, dtype=np.uint8).reshape(-1)
    if kind == 2:  # Up
        return line + up
    out, a = bytearray(line.tobytes()), up.tolist()
    for i in range(len(out)):
        left, above, corner = (out[i - bpp], a[i], a[i - bpp]) if i >= bpp else (0, a[i], 0)
        if kind == 3:  # Average
            out[i] = (out[i] + (left + above) // 2) & 255
        else:  # Paeth: the neighbour closest to left + above - corner
            p = left + above - corner
            pa, pb, pc = abs(p - left), abs(p - above), abs(p - corner)
            out[i] = (out[i] + (left if pa <= pb and pa <= pc else above if pb <= pc else corner)) & 255
    return np.frombuffer(bytes(out), np.uint8)


def colour_pixels(image: np.ndarray, hex_colour: str, tolerance: int = 2) -> int:
    target = np.array([int(hex_colour[i : i + 2], 16) for i in (1, 3, 5)], np.int16)
    return int((np.abs(image[..., :3].astype(np.int16) - target) <= tolerance).all(axis=-1).sum())


def bar_area(page: str, name: str) -> float:
    svg = re.search(rf'<svg class="chart" data-chart="{name}".*?</svg>', page, re.S).group(0)
    bars = re.findall(r'<rect class="bar"[^>]* width="([\d.]+)" height="([\d.]+)"', svg)
    return sum(float(w) * float(h) for w, h in bars)


@pytest.fixture(scope="module")
def screenshot(report, workspace, tmp_path_factory) -> Path:
    if not Path(CHROMIUM).exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: the charts are not checked as drawn (Debian: apt-get install chromium)"
        )
    folder = tmp_path_factory.mktemp("shot")
    png = folder / "report.png"
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            f"--user-data-dir={folder / 'profile'}",
            "--window-size=1200,2000",
            f"--screenshot={png}",
            (workspace.root / "report.html").resolve().as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    return png


def test_chromium_draws_every_chart(screenshot, page):
    image = read_png(screenshot)
    assert image.shape[:2] == (2000, 1200)
    for name, colour in COLOURS.items():
        expected = bar_area(page, name)  # SVG units are CSS pixels: the charts are drawn at their own size
        drawn = colour_pixels(image, colour)
        assert expected > 1000 and drawn >= 0.8 * expected, (name, drawn, expected)


def test_png_decoder_agrees_with_pillow(screenshot):
    image_module = pytest.importorskip("PIL.Image", reason="Pillow is not installed; nothing to compare with")
    with image_module.open(screenshot) as img:
        expected = np.asarray(img.convert("RGBA" if img.mode == "RGBA" else "RGB"))
    assert np.array_equal(read_png(screenshot), expected)

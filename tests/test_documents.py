"""Long-form writing as documents (issue 18): every file becomes documents or a skip with its reason, other
people's private data is redacted, the store is private and a file imported again is known, not added twice."""

from __future__ import annotations

import json
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clone.documents import DocumentOptions, import_documents, load_documents, store_path
from clone.errors import CloneError
from clone.importers.documents import read_documents
from clone.workspace import Workspace

NOTE = "Went to Boulder Yard after work; the new set on the overhang is brutal and I loved every minute of it.\n"
WXR_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"'
    ' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n'
)


def _item(title: str, html: str, kind: str = "post", status: str = "publish") -> str:
    return (
        f"<item><title>{title}</title><content:encoded><![CDATA[{html}]]></content:encoded>"
        f"<wp:post_date>2025-05-01 10:00:00</wp:post_date><wp:status>{status}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type></item>\n"
    )


def _docx(path: Path, title: str, paragraphs: list[str]) -> Path:
    import docx

    document = docx.Document()
    document.core_properties.title = title
    for text in paragraphs:
        document.add_paragraph(text)
    document.save(path)
    return path


def _folder(tmp_path: Path) -> Path:
    """One file of every kind a documents folder may hold, good and bad."""
    folder = tmp_path / "writing"
    (folder / "notes").mkdir(parents=True)
    (folder / "notes" / "2025-03-04 crag.md").write_text(
        f"---\ntitle: Crag day\ndate: 2025-03-04\n---\n# ignored\n\n{NOTE}", encoding="utf-8"
    )
    (folder / "notes" / "2025-03-09.txt").write_text(f"{NOTE}Journal.", encoding="utf-8")
    (folder / "about.html").write_text(
        f"<html><head><title>About &amp; me</title><style>p{{}}</style></head>"
        f"<body><p>{NOTE}</p><p>Page.</p></body></html>",
        encoding="utf-8",
    )
    items = _item("Spring", f"<p>{NOTE} Blog.</p>") + _item("pic", "", "attachment")
    items += _item("Old", "<p>x</p>", "post", "trash")
    (folder / "blog.xml").write_text(WXR_HEAD + items + "</channel></rss>\n", encoding="utf-8")
    _docx(folder / "essay.docx", "Why I climb", ["First paragraph.", "", "Second paragraph."])
    with zipfile.ZipFile(folder / "fake.docx", "w") as archive:  # a zip of something else, named .docx
        archive.writestr("photos/crag.jpg", b"\xff\xd8\xff" + bytes(range(256)) * 8)
    (folder / "photo.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 16)
    (folder / "scan.txt").write_bytes(bytes(range(256)) * 16)  # binary behind a text suffix
    (folder / "empty.md").write_text("  \n\n", encoding="utf-8")
    (folder / "huge.txt").write_text("word " * 5000, encoding="utf-8")
    return folder


def test_every_file_becomes_documents_or_a_skip_with_its_reason(tmp_path):
    folder = _folder(tmp_path)
    result = read_documents([folder], max_chars=10_000)
    reports = {Path(r.file).name: r for r in result.reports}
    files = sorted(p.name for p in folder.rglob("*") if p.is_file())
    assert sorted(reports) == files  # every file has its report
    assert all(r.messages or r.skipped for r in reports.values())  # and became documents or a skip

    documents = {d.title: d for d in result.documents}
    assert sorted(documents) == ["2025-03-09", "About & me", "Crag day", "Spring", "Why I climb"]
    crag = documents["Crag day"]
    assert (crag.source, crag.date.isoformat(), crag.author) == ("markdown", "2025-03-04T00:00:00", None)
    assert crag.text.startswith("# ignored") and "title:" not in crag.text  # front matter read, not kept as text
    assert documents["2025-03-09"].date.day == 9  # a journal page's day from its name
    assert documents["About & me"].text == f"{NOTE.strip()}\n\nPage." and documents["Spring"].source == "wordpress"
    assert documents["Why I climb"].text == "First paragraph.\n\nSecond paragraph."

    reasons = {name: next(iter(r.skipped)) for name, r in reports.items() if r.skipped}
    assert reasons["fake.docx"].startswith("not a Word document (.docx): a zip archive without word/document.xml")
    assert reasons["photo.jpg"].startswith("binary .jpg file, not a document")
    assert reasons["scan.txt"] == "binary data, not plain text"
    assert reasons["empty.md"] == "empty document"
    assert reasons["huge.txt"].startswith("longer than 10,000 characters (24,999): skipped, not cut")
    skipped_posts = {"WordPress attachment, not writing": 1, "WordPress post in the trash": 1}
    assert dict(reports["blog.xml"].skipped) == skipped_posts


def test_a_huge_file_is_skipped_before_it_is_read(tmp_path):
    dump = tmp_path / "dump.md"
    dump.write_text("x" * 50_000, encoding="utf-8")
    [report] = read_documents([dump], max_chars=1_000).reports
    assert list(report.skipped) == [
        "longer than 1,000 characters (50,000 bytes): skipped, not cut (raise max_document_chars if it is real writing)"
    ]


def test_wordpress_entities_are_refused_and_broken_xml_keeps_what_came_before(tmp_path):
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n'
        '<rss xmlns:wp="http://wordpress.org/export/1.2/"><channel><item><title>&b;</title></item></channel></rss>\n',
        encoding="utf-8",
    )
    broken = tmp_path / "broken.xml"
    broken.write_text(WXR_HEAD + _item("Kept", f"<p>{NOTE}</p>") + "<item><title>cut off", encoding="utf-8")
    result = read_documents([bomb, broken])
    [refused], [cut] = (list(r.skipped) for r in result.reports)
    assert refused.startswith("refused XML (EntitiesForbidden): entity declarations are not read")
    assert cut.startswith("malformed XML at line") and "the items after it are not read" in cut
    assert [d.title for d in result.documents] == ["Kept"]


def test_sent_emails_are_documents_and_received_ones_are_skipped(tmp_path):
    mbox = tmp_path / "sent.mbox"
    mbox.write_text(
        "From maya@example.com Mon Mar  3 10:00:00 2025\nFrom: Maya Chen <maya@example.com>\nTo: sam@example.com\n"
        "Subject: the quarry trip\nDate: Mon, 3 Mar 2025 10:00:00 +0000\nMessage-ID: <1@x>\n\n"
        f"{NOTE}\nFrom sam@example.com Mon Mar  3 11:00:00 2025\nFrom: Sam Okafor <sam@example.com>\n"
        "To: maya@example.com\nSubject: Re: the quarry trip\nDate: Mon, 3 Mar 2025 11:00:00 +0000\n"
        "Message-ID: <2@x>\n\nsounds good\n",
        encoding="utf-8",
    )
    result = read_documents([mbox], me=["Maya Chen"])
    [document] = result.documents
    assert (document.title, document.source, document.date.hour) == ("the quarry trip", "email", 10)
    assert dict(result.reports[0].skipped) == {
        "e-mail sent by someone else (only the author's own e-mails are documents)": 1
    }
    unknown = read_documents([mbox])
    assert not unknown.documents and "pass --me NAME" in next(iter(unknown.reports[0].skipped))


def test_the_store_is_private_redacted_split_and_imports_only_what_is_new(tmp_path):
    notes = tmp_path / "notes"
    notes.mkdir()
    for day in range(1, 6):
        (notes / f"2025-04-0{day}.md").write_text(f"{NOTE}Day {day}. Call Sam on +44 7700 900123.\n", encoding="utf-8")
    letters = tmp_path / "letters"
    letters.mkdir()
    (letters / "letter.txt").write_text("My dear Maya, the plums came early this year.\n", encoding="utf-8")

    workspace = Workspace(tmp_path / "ws")
    first = import_documents(notes, workspace, options=DocumentOptions(test_fraction=0.2))
    assert (first.added, first.known, first.held_out) == (5, 0, 1) and first.redacted["PHONE"] == 5
    family = import_documents(letters, workspace, author="Grandma Rose")
    assert (family.added, family.held_out, dict(family.stored)) == (1, 0, {"": 5, "Grandma Rose": 1})

    path = store_path(workspace)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600 and stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    rows = load_documents(workspace)
    assert all("+44" not in r["text"] and "<PHONE_1>" in r["text"] for r in rows if r["author"] is None)
    [held] = load_documents(workspace, "test")
    assert held["date"].startswith("2025-04-05") and held["author"] is None  # the newest of the person's own
    assert json.loads((workspace.documents / "import-report.json").read_text())[0]["documents"] == {"text": 1}

    (notes / "2025-04-09.md").write_text(f"{NOTE}A new note.\n", encoding="utf-8")
    again = import_documents(notes, workspace, options=DocumentOptions(test_fraction=0.2))
    assert (again.added, again.known) == (1, 5)
    assert [r["split"] for r in load_documents(workspace)][:6] == [r["split"] for r in rows]  # the split holds


def test_a_folder_with_no_documents_is_a_clear_error_and_leaves_nothing(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    (folder / "a.jpg").write_bytes(bytes(range(256)) * 4)
    (folder / "b.txt").write_bytes(b"")
    workspace = Workspace(tmp_path / "ws")
    with pytest.raises(CloneError, match=r"photos: no documents found \(.*binary .jpg file.*empty document"):
        import_documents(folder, workspace)
    assert not workspace.root.exists()
    with pytest.raises(CloneError, match="--author needs a name"):
        import_documents(folder, workspace, author="  ")


def test_cli_imports_documents_and_a_family_corpus(tmp_path):
    folder = _folder(tmp_path)
    ws = tmp_path / "ws"

    def clone(*args: str) -> subprocess.CompletedProcess:
        command = [sys.executable, "-m", "clone", "import", *args, "-w", str(ws)]
        return subprocess.run(command, capture_output=True, text=True)

    own = clone(str(folder), "--documents", "--max-document-chars", "10000")
    assert own.returncode == 0, own.stderr
    assert "5 new documents by you" in own.stdout and "fake.docx" in own.stderr and "Traceback" not in own.stderr
    family = clone(str(folder / "notes"), "--author", "Grandma Rose")
    assert family.returncode == 0 and "2 new documents by Grandma Rose (family corpus" in family.stdout
    empty = tmp_path / "nothing"
    empty.mkdir()
    (empty / "x.bin").write_bytes(bytes(range(256)))
    failed = clone(str(empty), "--documents")
    assert failed.returncode == 2 and "no documents found" in failed.stderr and "Traceback" not in failed.stderr


def test_document_flags_shared_with_the_dataset_have_its_defaults():
    from clone.dataset.build import DatasetOptions
    from clone.settings import default_of

    for name in ("test_fraction", "redact", "redact_names"):  # `clone import` has one flag for both
        assert default_of(DocumentOptions, name) == default_of(DatasetOptions, name), name


def test_a_zip_of_documents_is_read_member_by_member(tmp_path):
    essay = _docx(tmp_path / "essay.docx", "Essay", ["A paragraph of my own."])
    archive_path = tmp_path / "writing.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        archive.writestr("notes/2025-01-02.md", f"# New year\n\n{NOTE}")
        archive.write(essay, "essay.docx")  # a Word document inside a zip is read whole, not opened as a folder
        archive.writestr("notes/logo.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    result = read_documents([archive_path])
    assert sorted(d.title for d in result.documents) == ["Essay", "New year"]
    [skipped] = [r for r in result.reports if r.skipped]
    assert skipped.file == f"{archive_path}!notes/logo.png" and "binary .png file" in next(iter(skipped.skipped))


def test_forget_takes_a_person_out_of_the_documents(tmp_path):
    from clone.dataset.build import DatasetOptions, build_dataset
    from clone.forgetting import forget
    from tests.test_training import _history

    workspace = Workspace(tmp_path / "ws")
    build_dataset(_history(), "Maya", workspace, DatasetOptions(test_fraction=0))
    notes, letters = tmp_path / "notes", tmp_path / "letters"
    notes.mkdir(), letters.mkdir()
    (notes / "a.md").write_text(f"{NOTE}Climbed with Sam today.\n", encoding="utf-8")
    (notes / "b.md").write_text(f"{NOTE}Alone at the wall.\n", encoding="utf-8")
    (letters / "rose.txt").write_text("My dear Maya, the plums came early.\n", encoding="utf-8")
    import_documents(notes, workspace)
    import_documents(letters, workspace, author="Grandma Rose")

    assert forget("grandma rose", workspace).documents == 1  # the family corpus by her goes
    assert forget("Sam", workspace).documents == 1  # and every document naming someone forgotten
    assert [r["text"].splitlines()[-1] for r in load_documents(workspace)] == ["Alone at the wall."]

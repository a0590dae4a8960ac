"""WhatsApp .txt importer: the shared real exports (exact counts and values) and inline header variants."""

from __future__ import annotations

import io
import itertools
import json
import os
import tracemalloc
import zipfile
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from clone.errors import ImportFileError
from clone.importers import IMPORTERS, ExportFile, load, whatsapp
from clone.importers.limits import ImportLimits
from clone.importers.whatsapp import NUL_LINE, BadLine, _chunks, chat_name
from clone.messages import Kind, Message, Note, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not FIXTURES.exists(), reason="shared fixtures not available")
WHATSAPP = IMPORTERS["whatsapp"]

CHAT_MINER = FIXTURES / "chat-miner" / "whatsapp"
CHAT_MINER_FILES = [
    "test_mmddyy_24hrs.txt",
    "test_ddmmyy_24hrs.txt",
    "test_mmddyyyy_12hrs.txt",
    "test_yyyymmdd_24hrs.txt",
    "test_[mmddyy]_24hrs.txt",
]
PUSTUR = FIXTURES / "whatsapp-chat-parser-website"
EGREGORA_DEMO = FIXTURES / "egregora" / "demo_chat__Conversa do WhatsApp com Teste.txt"
EGREGORA_OLD = FIXTURES / "egregora" / "tests_data_7f9ec0b__Conversa do WhatsApp com Teste.txt"

LOREM_2 = "Lorem ipsum dolor sit amet,\nconsectetur adipiscing elit. Duis libero."
# (line, timestamp, sender, kind, text): the same 9 messages in all five chat-miner renderings.
CHAT_MINER_EXPECTED = [
    (1, datetime(2019, 1, 1, 11, 25), "John Doe", Kind.TEXT, "Lorem ipsum dolor sit amet."),
    (2, datetime(2019, 1, 20, 11, 23), "John Doe", Kind.TEXT, "."),
    (3, datetime(2019, 1, 30, 20, 49), "Jahn Doe", Kind.TEXT, LOREM_2),
    (5, datetime(2020, 6, 10, 15, 55), "John-John Doe", Kind.TEXT, "Lorem ipsum : dolor sit amet."),
    (6, datetime(2020, 6, 20, 0, 8), None, Kind.SYSTEM, '+12 345 578 created group "Groupname"'),
    (7, datetime(2020, 6, 30, 9, 10), None, Kind.SYSTEM, "You were added"),
    (8, datetime(2021, 12, 10, 10, 10), "John Doe 🤓", Kind.TEXT, "Lorem ipsum 🤓"),
    (9, datetime(2021, 12, 20, 12, 10), "🤓", Kind.TEXT, "Lorem ipsum 🤓"),
    (10, datetime(2021, 12, 30, 22, 1), "John Doe", Kind.TEXT, LOREM_2),
]


def parse(path: Path) -> list[Message | Skipped]:
    return list(WHATSAPP.parse(ExportFile(path)))


def parse_text(tmp_path: Path, text: str | bytes, name: str = "chat.txt") -> list[Message | Skipped]:
    path = tmp_path / name
    path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
    return parse(path)


def messages(records: list[Message | Skipped]) -> list[Message]:
    return [r for r in records if isinstance(r, Message)]


def rows(records: list[Message | Skipped]) -> list[tuple]:
    return [(m.source.line, m.timestamp, m.sender, m.kind, m.text) for m in messages(records)]


def kinds(records: list[Message | Skipped]) -> dict[str, int]:
    return dict(Counter(m.kind.value for m in messages(records)))


def one(tmp_path: Path, text: str) -> Message:
    [record] = parse_text(tmp_path, text)
    assert isinstance(record, Message)
    return record


# ---------------------------------------------------------------------------------------------------
# Real exports


@needs_fixtures
@pytest.mark.parametrize("name", CHAT_MINER_FILES)
def test_chat_miner_files_give_the_same_nine_messages(name: str) -> None:
    records = parse(CHAT_MINER / name)
    assert rows(records) == CHAT_MINER_EXPECTED
    assert all(isinstance(r, Message) for r in records)
    assert {(m.platform, m.chat, m.source.file) for m in messages(records)} == {
        ("whatsapp", Path(name).stem, str(CHAT_MINER / name))
    }


@needs_fixtures
@pytest.mark.parametrize("name", CHAT_MINER_FILES)
def test_chat_miner_user_messages_match_target_json(name: str) -> None:
    # chat-miner drops system lines and "John Doe:.", orders newest first and joins lines with a space.
    target = json.loads((CHAT_MINER / "target.json").read_text(encoding="utf-8"))
    ours = [m for m in messages(parse(CHAT_MINER / name)) if m.kind is Kind.TEXT and m.text != "."]
    as_target = [
        {"timestamp": m.timestamp.isoformat(), "author": m.sender, "message": m.text.replace("\n", " ")}
        for m in reversed(ours)
    ]
    assert as_target == target


@needs_fixtures
def test_chat_miner_12_hour_file_with_a_m_markers_and_hour_00() -> None:
    by_line = {m.source.line: m.timestamp for m in messages(parse(CHAT_MINER / "test_mmddyyyy_12hrs.txt"))}
    assert by_line[6] == datetime(2020, 6, 20, 0, 8)  # "00:08 a. m."
    assert by_line[3] == datetime(2019, 1, 30, 20, 49)  # "08:49 p. m."
    assert by_line[9] == datetime(2021, 12, 20, 12, 10)  # "12:10 p. m."


@needs_fixtures
def test_pustur_ios_chat_with_mixed_line_endings_poll_and_attachments() -> None:
    records = parse(PUSTUR / "_chat.txt")
    assert len(records) == 52
    assert kinds(records) == {"text": 44, "media": 4, "system": 4}
    found = {m.source.line: m for m in messages(records)}
    assert [(m.sender, m.text) for m in messages(records) if m.kind is Kind.SYSTEM] == [
        (None, "Messages to this group are now secured with end-to-end encryption."),
        (None, "Loris created group “WhatsApp Chat Parser Example”"),
        (None, "Loris added Emily"),
        (None, "Loris added John"),
    ]
    assert [m.text for m in messages(records) if m.kind is Kind.MEDIA] == [
        "<attached: 00000001-PHOTO-2019-06-20-16-00-15.jpg>",
        "<attached: 00000002-VIDEO-2019-06-20-16-01-42.mp4>",
        "<attached: 00000003-AUDIO-2019-06-20-16-03-55.mp3>",
        "<attached: 00000004-whatsapp-chat-parser-example.zip>",
    ]
    poll = found[48]
    assert (poll.sender, poll.timestamp) == ("Loris", datetime(2019, 6, 20, 16, 30, 44))
    assert poll.text == (
        "POLL:\nWhen can we meet?\nOPTION: Thursday 15 evening (2 votes)\n"
        "OPTION: Friday 16 afternoon (1 vote)\nOPTION: Friday 16 evening (2 votes)\n"
        "OPTION: Saturday 17 afternoon (3 votes)\nOPTION: Saturday 17 evening (3 votes)"
    )
    assert found[47].text == "Lastly, a poll :)"  # an LF line among CRLF ones
    assert found[24].text == "Come on...\ndon't be so mysterious and show us!"
    assert found[60].text == (
        "Links:\n- https://github.com/Pustur/whatsapp-chat-parser\n"
        "- https://github.com/Pustur/whatsapp-chat-parser-website"
    )
    assert not any("\r" in m.text for m in messages(records))
    assert found[5].timestamp == datetime(2019, 6, 20, 15, 58, 53)  # DD.MM.YY: 20.06.19


@needs_fixtures
def test_pustur_old_example() -> None:
    records = parse(PUSTUR / "old-example__chat.txt")
    assert len(records) == 100
    assert kinds(records) == {"text": 97, "system": 3}
    first, last = messages(records)[0], messages(records)[-1]
    # The LRM that starts the encryption notice body is dropped; the notice has no author.
    assert (first.sender, first.kind, first.text) == (
        None,
        Kind.SYSTEM,
        "Messages to this group are now secured with end-to-end encryption.",
    )
    assert (last.source.line, last.sender) == (104, "Loris")
    assert last.timestamp == datetime(2019, 6, 20, 19, 54, 58)
    by_line = {m.source.line: m for m in messages(records)}
    assert by_line[4].text == "Welcome to the chat example"
    assert by_line[15].text == "I agree, we should go to <insert cool event here>"
    assert by_line[15].kind is Kind.TEXT
    assert by_line[31].text == "Not really, just $10 each 🙂"


@needs_fixtures
def test_pustur_zip_through_load() -> None:
    archive = PUSTUR / "whatsapp-chat-parser-example.zip"
    result = load([archive])
    [report] = result.reports
    assert (report.file, report.format) == (f"{archive}!_chat.txt", "whatsapp")
    assert dict(report.kinds) == {"text": 44, "media": 4, "system": 4}
    assert not report.skipped
    assert sorted(name.split("!")[1] for name in result.ignored) == [
        "00000001-PHOTO-2019-06-20-16-00-15.jpg",
        "00000002-VIDEO-2019-06-20-16-01-42.mp4",
        "00000003-AUDIO-2019-06-20-16-03-55.mp3",
        "00000004-whatsapp-chat-parser-example.zip",
    ]
    assert len(result.messages) == 52
    assert {m.chat for m in result.messages} == {"whatsapp-chat-parser-example"}


@needs_fixtures
def test_egregora_demo_pt_br() -> None:
    records = parse(EGREGORA_DEMO)
    assert kinds(records) == {"system": 7, "media": 4, "text": 6}
    skipped = [r for r in records if isinstance(r, Skipped)]
    assert [(s.source.line, s.reason, s.text) for s in skipped] == [
        (6, "empty message", "28/10/2025 14:09 - Franklin: "),
        (7, "empty message", "28/10/2025 14:10 - Franklin: "),
    ]
    found = messages(records)
    assert {m.chat for m in found} == {"Teste"}
    assert [(m.sender, m.text) for m in found if m.kind is Kind.SYSTEM] == [
        (
            None,
            "As mensagens e ligações são protegidas com a criptografia de ponta a ponta. Somente as "
            "pessoas que fazem parte da conversa podem ler, ouvir e compartilhar esse conteúdo. "
            "Saiba mais",
        ),
        (None, "Você criou este grupo"),
        (None, "Iuri Brasil foi adicionado(a)"),
        (
            None,
            "Você atualizou a duração das mensagens temporárias. Todas as novas mensagens desaparecerão "
            "desta conversa \u200e24 horas após o envio, exceto se salvas na conversa.",
        ),
        (None, "Você removeu Iuri Brasil"),
        (None, "Você adicionou Eurico Max"),
        (None, "Você removeu Eurico Max"),
    ]
    assert [m.text for m in found if m.kind is Kind.MEDIA] == [
        "IMG-20251028-WA0035.jpg (arquivo anexado)",
        "IMG-20251027-WA0023.jpg (arquivo anexado)",
        "IMG-20251028-WA0033.jpg (arquivo anexado)",
        "IMG-20251028-WA0034.jpg (arquivo anexado)",
    ]
    by_line = {m.source.line: m for m in found}
    assert by_line[17].text == "@\u2068Eurico Max\u2069 teste de menção"  # FSI/PDI kept
    assert by_line[17].timestamp == datetime(2025, 10, 28, 14, 15)  # DD/MM/YYYY HH:MM, no comma
    bot = by_line[18]
    assert (bot.sender, bot.text.count("\n")) == ("Eurico Max", 6)
    assert bot.text.startswith("Olá! Obrigado por escrever pra Eurico Max  😃\n")  # double space kept
    assert "\nHorário de atendimento \n" in bot.text  # trailing space kept
    assert by_line[1].timestamp == datetime(2025, 10, 3, 9, 45)


@needs_fixtures
def test_egregora_older_export() -> None:
    records = parse(EGREGORA_OLD)
    assert len(records) == 10
    assert kinds(records) == {"system": 5, "text": 4, "media": 1}
    assert [m.text for m in messages(records) if m.sender == "Franklin"] == [
        "Teste de grupo",
        "🐱",
        "IMG-20251002-WA0004.jpg (arquivo anexado)",
        "https://youtu.be/Nkhp-mb6FRc?si=HFXbG4Kke-1Ec1XT",
        "Legal esse vídeo",
    ]


@needs_fixtures
def test_sniff_on_real_files() -> None:
    whatsapp = [CHAT_MINER / n for n in CHAT_MINER_FILES] + [
        PUSTUR / "_chat.txt",
        PUSTUR / "old-example__chat.txt",
        EGREGORA_DEMO,
        EGREGORA_OLD,
    ]
    assert all(WHATSAPP.sniff(ExportFile(p)) for p in whatsapp)
    others = [
        CHAT_MINER / "target.json",
        FIXTURES / "chat-miner" / "telegram" / "test_single_export.json",
        FIXTURES / "cpython" / "mailbox_01.mbox",
        FIXTURES / "cpython" / "msg_15.txt",
        FIXTURES / "mikel-mail" / "attachment_emails" / "attachment_with_encoded_name.eml",
        FIXTURES / "discord-data-package" / "messages" / "c496503416080564238" / "messages.json",
        PUSTUR / "whatsapp-chat-parser-example.zip",
    ]
    assert [p.name for p in others if WHATSAPP.sniff(ExportFile(p))] == []
    # Zip members that are media are not chats.
    archive = PUSTUR / "whatsapp-chat-parser-example.zip"
    assert not WHATSAPP.sniff(ExportFile(archive, "00000001-PHOTO-2019-06-20-16-00-15.jpg"))
    assert WHATSAPP.sniff(ExportFile(archive, "_chat.txt"))


# ---------------------------------------------------------------------------------------------------
# Header variants (INDEX.md section E), one line each


@pytest.mark.parametrize(
    ("line", "stamp", "sender", "text"),
    [
        ("[3/27/22, 21:41:35] Dmitry S: hi", datetime(2022, 3, 27, 21, 41, 35), "Dmitry S", "hi"),
        ("27/03/2022, 21:41 - Ana: hi", datetime(2022, 3, 27, 21, 41), "Ana", "hi"),
        ("[21:41:35, 3/27/22] Dmitry S: time first", datetime(2022, 3, 27, 21, 41, 35), "Dmitry S", "time first"),
        ("[1.1.2019, 12.00.00] John Doe: dotted", datetime(2019, 1, 1, 12, 0), "John Doe", "dotted"),
        ("13.06.18 21.25.15: a: m", datetime(2018, 6, 13, 21, 25, 15), "a", "m"),
        ("[06.13.18 21:25:15] a: m", datetime(2018, 6, 13, 21, 25, 15), "a", "m"),
        ("13.6.2018 klo 21.25.15 - a: m", datetime(2018, 6, 13, 21, 25, 15), "a", "m"),
        ("13. 6. 2018. 21:25:15 a: m", datetime(2018, 6, 13, 21, 25, 15), "a", "m"),
        ("13. 06. 2018. 21:25 - a: m", datetime(2018, 6, 13, 21, 25), "a", "m"),
        ("[2018/06/13, 21:25:15] a: m", datetime(2018, 6, 13, 21, 25, 15), "a", "m"),
        ("2019-01-13 12:00 - John Doe: Hello", datetime(2019, 1, 13, 12, 0), "John Doe", "Hello"),
        ("03-06-2018, 01.55 PM - a: m", datetime(2018, 6, 3, 13, 55), "a", "m"),
        ("23/06/2018, 01:55 p.m. - Loris: one", datetime(2018, 6, 23, 13, 55), "Loris", "one"),
        ("[13/3/18 1:55:00 p. m.] a: m", datetime(2018, 3, 13, 13, 55), "a", "m"),
        ("13/06/2018 12:05 a.\u00a0m. - a: m", datetime(2018, 6, 13, 0, 5), "a", "m"),
        ("[3/27/22, 9:41:35\u202fPM] Ana: nnbsp", datetime(2022, 3, 27, 21, 41, 35), "Ana", "nnbsp"),
        ("3/27/22, 12:15\u202fam - Ana: midnight", datetime(2022, 3, 27, 0, 15), "Ana", "midnight"),
        ("03/27/2022, 00:08 a. m. - Ana: hour 00", datetime(2022, 3, 27, 0, 8), "Ana", "hour 00"),
        ("13/03/2022 12:00 pm - Ana: noon", datetime(2022, 3, 13, 12, 0), "Ana", "noon"),
        (
            "\u200e[3/27/22, 21:41:55] Dmitry S: \u200eimage omitted",
            datetime(2022, 3, 27, 21, 41, 55),
            "Dmitry S",
            "image omitted",
        ),
        ("\u200f٢٧\u200f/٣\u200f/٢٢، ٩:٤١ م - أحمد: مرحبا", datetime(2022, 3, 27, 21, 41), "أحمد", "مرحبا"),
        ("\u200f٢٧\u200f/٣\u200f/٢٠٢٢ ٩:٤١ ص - أحمد: صباح", datetime(2022, 3, 27, 9, 41), "أحمد", "صباح"),
        ("27/3/2565 21:41 - สมชาย: สวัสดี", datetime(2022, 3, 27, 21, 41), "สมชาย", "สวัสดี"),
        ("[3/27/R4, 21:41:35] Aiko: Reiwa 4", datetime(2022, 3, 27, 21, 41, 35), "Aiko", "Reiwa 4"),
        ("[4/30/H31, 23:59:10] Ken: Heisei 31", datetime(2019, 4, 30, 23, 59, 10), "Ken", "Heisei 31"),
        ("[12/31/S63, 8:05:00] Ken: Showa 63", datetime(1988, 12, 31, 8, 5), "Ken", "Showa 63"),
        ("27/03/2022 à 21:41 - Ana: salut", datetime(2022, 3, 27, 21, 41), "Ana", "salut"),
        ("28/10/2025 14:15 - Franklin: no comma", datetime(2025, 10, 28, 14, 15), "Franklin", "no comma"),
        (
            "[27.03.22, 21:41:35] \u202a+7 999 999-99-99\u202c: phone",
            datetime(2022, 3, 27, 21, 41, 35),
            "+7 999 999-99-99",
            "phone",
        ),
        ("[27.03.22, 21:41:35] ~\u202fAna: tilde", datetime(2022, 3, 27, 21, 41, 35), "~ Ana", "tilde"),
    ],
)
def test_header_variants(tmp_path: Path, line: str, stamp: datetime, sender: str, text: str) -> None:
    message = one(tmp_path, line + "\n")
    assert (message.timestamp, message.sender, message.text, message.source.line) == (stamp, sender, text, 1)


def test_japanese_calendar_file_crosses_an_era(tmp_path: Path) -> None:
    records = parse_text(
        tmp_path,
        "[4/30/H31, 23:59:10] Ken: last day of Heisei\n[5/1/R1, 00:00:05] Aiko: first of Reiwa\n"
        "[3/27/R4, 21:41:55] Aiko: image omitted\n[1/7/R5, 08:02:00] Ken: おはよう\n",
        name="_chat.txt",
    )
    assert [(m.timestamp, m.kind) for m in records] == [
        (datetime(2019, 4, 30, 23, 59, 10), Kind.TEXT),
        (datetime(2019, 5, 1, 0, 0, 5), Kind.TEXT),
        (datetime(2022, 3, 27, 21, 41, 55), Kind.MEDIA),
        (datetime(2023, 1, 7, 8, 2), Kind.TEXT),
    ]


def test_bom_and_lrm_before_the_first_header(tmp_path: Path) -> None:
    message = one(tmp_path, "\ufeff\u200e[20.06.19, 15:58:47] Loris: Hi\r\n")
    assert (message.sender, message.text) == ("Loris", "Hi")
    assert message.timestamp == datetime(2019, 6, 20, 15, 58, 47)


def test_continuation_line_that_looks_like_a_date(tmp_path: Path) -> None:
    records = parse_text(
        tmp_path,
        "23/06/2018, 01:55 p.m. - Loris: one\ntwo\n2016-04-29 10:30:00\n"
        "31/02/2018, 10:00 - not a date: still text\n"
        "24/06/2018, 25:61 - bad time: still text\n",
    )
    assert rows(records) == [
        (
            1,
            datetime(2018, 6, 23, 13, 55),
            "Loris",
            Kind.TEXT,
            "one\ntwo\n2016-04-29 10:30:00\n31/02/2018, 10:00 - not a date: still text\n"
            "24/06/2018, 25:61 - bad time: still text",
        )
    ]


def test_out_of_order_timestamps_keep_file_order(tmp_path: Path) -> None:
    records = parse_text(
        tmp_path, "[20.06.19, 16:00:00] A: later\n[20.06.19, 15:00:00] B: earlier\n[19.06.19, 09:00:00] A: day before\n"
    )
    assert [(m.source.line, m.timestamp.hour, m.text) for m in messages(records)] == [
        (1, 16, "later"),
        (2, 15, "earlier"),
        (3, 9, "day before"),
    ]


def test_multiline_crlf_lf_mixed_become_newlines_and_body_is_kept_exactly(tmp_path: Path) -> None:
    text = "[20.06.19, 15:58:47] Ana: first  \r\n  indented\rcr\n\n\u200eend \u200e\r\n[20.06.19, 15:59:00] Bo: x\n"
    records = parse_text(tmp_path, text)
    assert [m.text for m in messages(records)] == ["first  \n  indented\rcr\n\n\u200eend \u200e", "x"]


def test_only_one_leading_lrm_is_dropped(tmp_path: Path) -> None:
    assert one(tmp_path, "[20.06.19, 15:58:47] Ana: \u200e\u200eHello\n").text == "\u200eHello"


def test_text_before_the_first_message_is_skipped_per_line(tmp_path: Path) -> None:
    records = parse_text(tmp_path, "Exported chat\n\n   \nsecond line\n01/02/2020, 10:00 - Ana: hi\n")
    assert [(r.source.line, r.reason, r.text) for r in records if isinstance(r, Skipped)] == [
        (1, "text before the first message", "Exported chat"),
        (4, "text before the first message", "second line"),
    ]
    assert [m.text for m in messages(records)] == ["hi"]


def test_empty_bodies_are_skipped_not_dropped(tmp_path: Path) -> None:
    records = parse_text(
        tmp_path,
        "01/02/2020, 10:00 - Ana: hello\n01/02/2020, 10:01 - Ana: \n"
        "01/02/2020, 10:02 - Ana:\n01/02/2020, 10:03 - Ana:   \n",
    )
    assert [m.text for m in messages(records)] == ["hello"]
    assert [(r.source.line, r.reason) for r in records if isinstance(r, Skipped)] == [
        (2, "empty message"),
        (3, "empty message"),
        (4, "empty message"),
    ]


def test_name_colon_without_space(tmp_path: Path) -> None:
    # A known sender's "Name:." is a message "."; an unknown name with a colon stays a system line.
    records = parse_text(
        tmp_path,
        "01/02/2020, 10:00 - John Doe:.\n01/02/2020, 10:01 - John Doe: hi\n"
        "01/02/2020, 10:02 - Topic changed to 10:30\n",
    )
    assert [(m.sender, m.kind, m.text) for m in messages(records)] == [
        ("John Doe", Kind.TEXT, "."),
        ("John Doe", Kind.TEXT, "hi"),
        (None, Kind.SYSTEM, "Topic changed to 10:30"),
    ]


def _long_day_first_chat(days: int) -> str:
    """One message a day from 13 January 2020 on: every date in January and later votes day-first."""
    from datetime import timedelta

    start = datetime(2020, 1, 13)
    return "".join(f"{(start + timedelta(d)):%d/%m/%Y}, 10:00 - Ana: day {d}\n" for d in range(days))


def test_survey_stops_once_the_order_is_decided() -> None:
    from clone.importers.whatsapp import DECISIVE_VOTES, survey

    text = "\n" + _long_day_first_chat(2000)
    cut = text.index("\n", 20_000)  # chunks start at a "\n", as _chunks makes them
    chunks = [text[:cut], text[cut:]]
    early, whole = survey(chunks), survey(chunks, stop_early=False)
    assert early.day_first and whole.day_first
    assert not early.whole_file and early.day_votes - early.month_votes >= DECISIVE_VOTES
    assert whole.whole_file and whole.headers == 2000 > early.headers


def test_name_colon_without_space_of_a_sender_seen_after_the_early_survey(tmp_path: Path) -> None:
    # The survey stops long before Bo's first normal message: the parse surveys the whole file for him.
    text = _long_day_first_chat(3000) + "01/01/2030, 10:00 - Bo:.\n01/01/2030, 10:01 - Bo: hi\n"
    records = messages(parse_text(tmp_path, text))
    assert [(m.sender, m.text) for m in records[-2:]] == [("Bo", "."), ("Bo", "hi")]
    assert len(records) == 3002


def test_colon_inside_body_does_not_split_the_author(tmp_path: Path) -> None:
    message = one(tmp_path, "06/10/20, 15:55 - John-John Doe: Lorem ipsum : dolor: sit amet.\n")
    assert (message.sender, message.text) == ("John-John Doe", "Lorem ipsum : dolor: sit amet.")


# ---------------------------------------------------------------------------------------------------
# Day/month order: decided from the whole file


def test_month_first_evidence_late_in_the_file_fixes_earlier_lines(tmp_path: Path) -> None:
    records = parse_text(tmp_path, "01/02/20, 10:00 - Ana: a\n01/13/20, 10:00 - Ana: b\n")
    assert [m.timestamp.date().isoformat() for m in messages(records)] == ["2020-01-02", "2020-01-13"]


def test_day_first_evidence_late_in_the_file_fixes_earlier_lines(tmp_path: Path) -> None:
    records = parse_text(tmp_path, "01/02/20, 10:00 - Ana: a\n13/01/20, 10:00 - Ana: b\n")
    assert [m.timestamp.date().isoformat() for m in messages(records)] == ["2020-02-01", "2020-01-13"]


@pytest.mark.parametrize(
    ("line", "day"),
    [
        ("01/02/20, 10:00 - Ana: x", "2020-02-01"),  # "/" with a 24-hour clock: day first (most locales)
        ("01.02.20, 10:00 - Ana: x", "2020-02-01"),  # dots: day first
        ("[01.02.20, 10:00:00] Ana: x", "2020-02-01"),
        ("1/2/20, 10:00 AM - Ana: x", "2020-01-02"),  # "/" with AM/PM: US month first
        ("[1/2/20, 10:00:00 PM] Ana: x", "2020-01-02"),
        ("2020-01-02 10:00 - Ana: x", "2020-01-02"),  # year first is always y-m-d
    ],
)
def test_ambiguous_files_follow_the_header_style(tmp_path: Path, line: str, day: str) -> None:
    assert one(tmp_path, line).timestamp.date().isoformat() == day


# ---------------------------------------------------------------------------------------------------
# Kinds


@pytest.mark.parametrize(
    "body",
    [
        "<Media omitted>",
        "<media omitted>",
        "<Medien ausgeschlossen>",
        "<Media weggelaten>",
        "<Без медиафайлов>",
        "<Média vynechány>",
        "\u200eimage omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "\u200eContact card omitted",
        "画像は含まれていません",
        "live location shared",
        "\u200e<attached: 00000001-PHOTO-2019-01-01-12-00-00.jpg>",
        "< attached: 00000042-PHOTO-2020-06-07-15-13-20.jpg >",
        "test_document • \u200e2 pages \u200e<attached: 00000001-test_document.pdf>",
        "test_document • \u200e1 page \u200edocument omitted",
        "IMG-20190101-WA0000.jpg (file attached)",
        "AUD-20190101-WA0000. (file attached)",
        "John Doe.vcf (file attached)",
        "\u200eIMG-20251028-WA0035.jpg (arquivo anexado)",
        "IMG-20190101-WA0000.jpg (bestand bijgevoegd)",
        "IMG-20190101-WA0000.jpg (Datei angehängt)",
        " Helsinki (Helsinki): https://maps.google.com/?q=60.167850,24.952965",
        " \u200eLocation: https://maps.google.com/?q=60.167850,24.952965",
    ],
)
def test_media_placeholders(tmp_path: Path, body: str) -> None:
    message = one(tmp_path, f"[1.1.2019, 12.00.00] John Doe: {body}\n")
    assert (message.kind, message.sender) == (Kind.MEDIA, "John Doe")


def test_android_media_caption_and_location_block(tmp_path: Path) -> None:
    records = parse_text(
        tmp_path,
        "2019-01-01 12:00 - Jo: IMG-20190101-WA0000.jpg (file attached)\n"
        "Nice view\n2019-01-01 12:01 - Jo: Helsinki\nHelsinki\n"
        "location: https://maps.google.com/?q=60.167850494384766,24.952964782714844\n"
        "2019-01-01 12:02 - Jo: see https://maps.google.com/?q=60.1,24.9\n",
    )
    assert [(m.kind, m.text.split("\n")[0]) for m in messages(records)] == [
        (Kind.MEDIA, "IMG-20190101-WA0000.jpg (file attached)"),
        (Kind.MEDIA, "Helsinki"),
        (Kind.TEXT, "see https://maps.google.com/?q=60.1,24.9"),
    ]
    assert messages(records)[0].text == "IMG-20190101-WA0000.jpg (file attached)\nNice view"


@pytest.mark.parametrize(
    "body",
    [
        "This message was deleted",
        "This message was deleted.",
        "\u200eYou deleted this message.",
        "You deleted this message",
        "Mensagem apagada",
        "Diese Nachricht wurde gelöscht",
    ],
)
def test_deleted_messages(tmp_path: Path, body: str) -> None:
    message = one(tmp_path, f"[1.1.2019, 12.00.00] Jane Doe: {body}\n")
    assert (message.kind, message.sender) == (Kind.DELETED, "Jane Doe")


def test_deleted_text_followed_by_more_lines_is_a_normal_message(tmp_path: Path) -> None:
    message = one(tmp_path, "[1.1.2019, 12.00.00] Jane: This message was deleted\nhaha not really\n")
    assert (message.kind, message.text) == (Kind.TEXT, "This message was deleted\nhaha not really")


@pytest.mark.parametrize(
    "line",
    [
        "[1.1.2019, 12.00.00] Jane Doe: \u200eMessages to this chat and calls are now secured with end-to-end "
        "encryption.",
        "[1.1.2019, 12.00.00] John, Jane, Joe: \u200eMessages to this group are now secured with end-to-end "
        "encryption.",
        "[3/18/22, 14:56:01] Elon Musk: \u200eMessages and calls are end-to-end encrypted. No one outside of "
        "this chat, not even WhatsApp, can read or listen to them.",
    ],
)
def test_ios_encryption_notice_with_an_author_is_system(tmp_path: Path, line: str) -> None:
    message = one(tmp_path, line)
    assert (message.kind, message.sender) == (Kind.SYSTEM, None)
    assert message.text.startswith("Messages")


@pytest.mark.parametrize(
    "body",
    [
        '\u200eYou created group "John, Jane, Joe"',
        "Bob joined using this group's invite link",
        "Você criou este grupo",
        "\u200eMessages to this group are now secured with end-to-end encryption.",
    ],
)
def test_authorless_lines_are_system(tmp_path: Path, body: str) -> None:
    message = one(tmp_path, f"2019-01-01 12:00 - {body}\n")
    assert (message.kind, message.sender, message.text) == (Kind.SYSTEM, None, body.removeprefix("\u200e"))


# ---------------------------------------------------------------------------------------------------
# Files: names, errors, sniffing, streaming


@pytest.mark.parametrize(
    ("path", "member", "chat"),
    [
        ("WhatsApp Chat with Ana Lima.txt", None, "Ana Lima"),
        ("WhatsApp Chat with\u00a0Ana.txt", None, "Ana"),
        ("Conversa do WhatsApp com Teste.txt", None, "Teste"),
        ("demo_chat__Conversa do WhatsApp com Teste.txt", None, "Teste"),
        ("WhatsApp-Chat mit Max.txt", None, "Max"),
        ("WhatsApp Chat - Family.zip", "_chat.txt", "Family"),
        ("WhatsApp Chat with Bo.zip", "WhatsApp Chat with Bo.txt", "Bo"),
        ("export.zip", "_chat.txt", "export"),
        ("WhatsApp Chat - Family/_chat.txt", None, "Family"),
        ("notes.txt", None, "notes"),
    ],
)
def test_chat_name(path: str, member: str | None, chat: str) -> None:
    assert chat_name(ExportFile(Path("/exports") / path, member)) == chat


def test_chat_name_reaches_the_messages(tmp_path: Path) -> None:
    path = tmp_path / "WhatsApp Chat with Ana.txt"
    path.write_text("01/02/2020, 10:00 - Ana: hi\n", encoding="utf-8")
    [message] = parse(path)
    assert (message.platform, message.chat, str(message.source)) == ("whatsapp", "Ana", f"{path}:1")


def test_empty_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as error:
        parse_text(tmp_path, b"")
    assert (error.value.line, error.value.reason) == (None, "empty file")
    assert str(error.value) == f"{tmp_path / 'chat.txt'}: empty file"


def test_blank_file_counts_as_empty(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="empty file"):
        parse_text(tmp_path, "\n  \r\n\n")


def test_binary_file(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as error:
        parse_text(tmp_path, b"GIF89a\n\x01\x02\n\x00\x00\xff", name="photo.txt")
    assert error.value.line == 3
    assert str(error.value) == f"{tmp_path / 'photo.txt'}:3: binary data, not a WhatsApp text export"


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_files_decode(tmp_path: Path, encoding: str) -> None:
    text = "01/02/2020, 10:00 - Ana: olá 🙂\n01/02/2020, 10:01 - Bo: tschüss, bis später\n" * 3
    records = parse_text(tmp_path, text.encode(encoding))
    assert [(m.sender, m.text) for m in messages(records)] == [("Ana", "olá 🙂"), ("Bo", "tschüss, bis später")] * 3
    assert WHATSAPP.sniff(ExportFile(tmp_path / "chat.txt"))


def test_file_without_any_header(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError) as error:
        parse_text(tmp_path, "\n\nDear diary,\ntoday 12/01/2020 was fine.\n")
    assert error.value.line == 3
    assert str(error.value).startswith(f"{tmp_path / 'chat.txt'}:3: no WhatsApp message header found")


def test_a_damaged_byte_in_a_utf8_file_is_replaced_and_the_message_kept(tmp_path: Path) -> None:
    good = "01/02/2020, 10:00 - Ana: café, crème brûlée, 🙂\n".encode() * 3
    records = parse_text(tmp_path, good + b"01/02/2020, 10:01 - Ana: caf\xe9 ok\n")
    assert (records[-1].sender, records[-1].text) == ("Ana", "caf\ufffd ok")
    assert WHATSAPP.encoding(ExportFile(tmp_path / "chat.txt")) == "utf-8"


LATIN = [
    ("cp1252", "Zoé", "Ça va très bien, à demain. On se voit où ? L'été dernier était très chaud."),
    ("cp1252", "Jürgen", "Schöne Grüße aus München, wir sehen uns übermorgen!"),
    ("cp1252", "Inês", "¿Qué tal? Mañana vamos a la playa, ¡qué ilusión! Não sei, até já."),
    ("latin-1", "Zoé", "Noël approche, ça me rend heureuse. Élodie a réservé un hôtel près de la forêt."),
    ("cp1250", "Paweł", "Cześć, jak się masz? Żółta łódź płynie po jeziorze. Dziękuję, wszystko w porządku."),
    ("cp1251", "Дима", "Привет, как дела? Завтра пойдём гулять. Спасибо большое, всё хорошо."),
]


@pytest.mark.parametrize(("encoding", "name", "text"), LATIN, ids=[f"{e}-{n}" for e, n, _ in LATIN])
def test_a_code_page_export_is_decoded_in_its_encoding(tmp_path: Path, encoding: str, name: str, text: str) -> None:
    lines = "".join(f"0{day}/02/2020, 10:0{day} - {name}: {text}\n" for day in range(1, 10))
    path = tmp_path / "chat.txt"
    path.write_bytes(lines.encode(encoding))
    result = load([path])
    assert [(m.sender, m.text) for m in result.messages] == [(name, text)] * 9
    assert result.reports[0].encoding == ("cp1252" if encoding == "latin-1" else encoding)


def test_a_latin1_export_is_decoded_and_its_encoding_reported(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_bytes(b"01/02/2020, 10:00 - Ana: caf\xe9 ok\n01/02/2020, 10:01 - Bo: \xe0 demain\n")
    result = load([path])
    assert [m.text for m in result.messages] == ["café ok", "à demain"]
    assert result.reports[0].encoding == "cp1252"


def test_a_stray_nul_byte_skips_its_line_only(tmp_path: Path) -> None:
    text = b"01/02/2020, 10:00 - Ana: hi\nsecond line\n01/02/2020, 10:01 - Bo: bro\x00ken\nmore of it\n"
    records = parse_text(tmp_path, text + b"01/02/2020, 10:02 - Ana: bye\n")
    assert [(type(r).__name__, r.source.line) for r in records] == [("Message", 1), ("Skipped", 3), ("Message", 5)]
    assert records[0].text == "hi\nsecond line" and records[2].text == "bye"
    assert (records[1].reason, records[1].text) == (NUL_LINE, "01/02/2020, 10:01 - Bo: bro\x00ken\nmore of it")
    assert WHATSAPP.sniff(ExportFile(tmp_path / "chat.txt"))


def test_a_too_long_line_is_one_skipped_record_not_glued_to_the_message_before(tmp_path: Path) -> None:
    long = "01/02/2020, 10:01 - Bo: " + "x" * (2 << 20)
    text = f"01/02/2020, 10:00 - Ana: hi\n{long}\nits next line\n01/02/2020, 10:02 - Ana: bye\n"
    records = parse_text(tmp_path, text)
    assert [(type(r).__name__, r.source.line) for r in records] == [("Message", 1), ("Skipped", 2), ("Message", 4)]
    assert records[0].text == "hi" and records[2].text == "bye"
    skipped = records[1]
    assert skipped.reason == "line longer than 1,048,576 characters (import limit line_chars)"
    assert skipped.text == long[:200] + "\nits next line"


def test_a_file_of_one_too_long_header_line_is_one_skipped_record(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("[01/02/2020, 10:00:00] Bo: " + "y" * (3 << 20), encoding="utf-8")
    [record] = load([path]).skipped
    assert record.source.line == 1 and record.reason.startswith("line longer")


def test_the_line_limit_is_configurable(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("01/02/2020, 10:00 - Ana: " + "z" * 100 + "\n01/02/2020, 10:01 - Ana: ok\n", encoding="utf-8")
    assert [m.text for m in load([path]).messages] == ["z" * 100, "ok"]
    result = load([path], limits=ImportLimits(line_chars=64))
    assert [m.text for m in result.messages] == ["ok"]
    assert result.reports[0].skipped == {"line longer than 64 characters (import limit line_chars)": 1}


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(
    lines=st.lists(st.text(st.sampled_from("ab\x00é🙂\r"), max_size=40), max_size=12),
    end=st.booleans(),
    limit=st.integers(1, 30),
    encoding=st.sampled_from(["utf-8", "utf-16", "cp1252"]),
)
def test_chunks_are_the_lines_with_bad_ones_taken_out(lines: list[str], end: bool, limit: int, encoding: str) -> None:
    text = "\n".join(lines) + ("\n" if end and lines else "")
    if encoding == "cp1252":
        text = text.replace("🙂", "")
    got: list[str | None] = []
    for chunk in _chunks(io.BytesIO(text.encode(encoding)), encoding, limit):
        got += [None] if isinstance(chunk, BadLine) else chunk[1:].split("\n")
    expected = text.split("\n")[: -1 if text.endswith("\n") or not text else None]
    assert got == [None if len(line) > limit or "\x00" in line else line for line in expected]


@pytest.mark.parametrize(
    "content",
    [
        '{"messages": [{"date": "2020-01-01T10:00:00"}]}',
        'AuthorID,Author,Date,Content,Attachments,Reactions\n"1","Ana","2020-01-01T10:00:00+00:00","hi","",""\n',
        "From: Ana <ana@example.com>\nDate: Mon, 1 Jan 2020 10:00:00 +0000\nSubject: hi\n\nhello\n",
        "Just some notes\n2020-01-01 was a good day\n",
        "[2020-01-01 10:00:00,123] INFO started\n",
    ],
)
def test_sniff_rejects_other_formats(tmp_path: Path, content: str) -> None:
    path = tmp_path / "file.txt"
    path.write_text(content, encoding="utf-8")
    assert WHATSAPP.sniff(ExportFile(path)) is False


def test_sniff_looks_at_the_first_twenty_lines(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("intro\n" * 19 + "01/02/2020, 10:00 - Ana: hi\n", encoding="utf-8")
    assert WHATSAPP.sniff(ExportFile(path)) is True
    path.write_text("intro\n" * 20 + "01/02/2020, 10:00 - Ana: hi\n", encoding="utf-8")
    assert WHATSAPP.sniff(ExportFile(path)) is False
    path.write_bytes(b"\x00\x01binary 01/02/2020, 10:00 - Ana: hi\n")
    assert WHATSAPP.sniff(ExportFile(path)) is False


def test_zip_member_chat_through_load(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - Family.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(
            "_chat.txt", "\u200e[20.06.19, 15:58:47] Mum: \u200eimage omitted\r\n[20.06.19, 15:59:00] Mum: hi\r\n"
        )
        z.writestr("00000001-PHOTO-2019-06-20-15-58-47.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF\x00")
    result = load([archive])
    assert [(m.chat, m.sender, m.kind, m.text, str(m.source)) for m in result.messages] == [
        ("Family", "Mum", Kind.MEDIA, "image omitted", f"{archive}!_chat.txt:1"),
        ("Family", "Mum", Kind.TEXT, "hi", f"{archive}!_chat.txt:2"),
    ]
    assert result.ignored == [f"{archive}!00000001-PHOTO-2019-06-20-15-58-47.jpg"]


def test_parse_streams_with_flat_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    line = "[{d:02d}.{m:02d}.19, 12:{mi:02d}:00] Ana Lima: a message that is long enough to count {i}\r\n"
    with path.open("w", encoding="utf-8", newline="") as out:
        for i in range(40_000):
            out.write(line.format(d=i % 28 + 1, m=i // 28 % 12 + 1, mi=i % 60, i=i))
    tracemalloc.start()
    count = sum(1 for _ in WHATSAPP.parse(ExportFile(path)))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 40_000
    assert peak < path.stat().st_size / 10  # ~3.4 MB file; records are not kept


def test_files_of_non_ascii_headers_parse_fully(tmp_path: Path) -> None:
    # New iOS en_US exports put NNBSP before "PM" in every header: the ASCII fast path is dropped after a
    # sample, and the full grammar must still read the odd plain-ASCII header and continuation lines.
    lines = [f"[3/{i % 28 + 1}/22, 9:{i % 60:02d}:00\u202fPM] Ana: msg {i}\nmore {i}" for i in range(300)]
    lines.append("[3/28/22, 11:00:00 PM] Bo: plain ascii")
    records = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert len(records) == 301
    assert (records[0].timestamp, records[0].text) == (datetime(2022, 3, 1, 21, 0), "msg 0\nmore 0")
    assert (records[299].timestamp, records[299].text) == (datetime(2022, 3, 20, 21, 59), "msg 299\nmore 299")
    assert (records[300].sender, records[300].timestamp) == ("Bo", datetime(2022, 3, 28, 23, 0))


# The parse reads most headers with a regex of the file's own layout (whatsapp.Grammar.layout); any line it does
# not read falls back to the whole grammar. Lines of mixed layouts must come out as the grammar alone reads them.
_LAYOUTS = (
    "{d:02}/{m:02}/{y}, {H:02}:{M:02} - ",
    "{d}/{m}/{yy}, {h}:{M:02} {ap} - ",
    "[{d:02}.{m:02}.{yy}, {H:02}:{M:02}:{S:02}] ",
    "[{y}-{m:02}-{d:02} {H:02}:{M:02}:{S:02}] ",
    "{d}.{m}.{yy} {H}:{M:02}: ",
    "[{d}/{m}/{yy} {h}:{M:02}:{S:02} {ap}] ",
    "{H:02}:{M:02}, {d} {mon} {y} - ",
    "{mon} {d}, {h}:{M:02} {ap} - ",
    "{d} {mon} {H:02}:{M:02} - ",
    "{d}/{m}/{y}, {h}:{M:02} {period} - ",
    "{y}/{m}/{d} {pre}{h}:{M:02} - ",
)
# Layouts only the WIDE grammar reads (a weekday before the date), with those above.
_WIDE_LAYOUTS = (
    "{wd}, {d} {mon} {y}, {H:02}:{M:02} - ",
    "[{wd} {d:02}/{m:02}/{y}, {H:02}:{M:02}:{S:02}] ",
    "{wd} {d}/{m}/{yy} {h}:{M:02} {ap} - ",
    "{d} {es}. {y} {H:02}:{M:02} - ",
    "{d} de {es}. de {y} {H:02}:{M:02} - ",
    "{d} {ru} {y} г., {H:02}:{M:02} - ",
    "[{d} {es} {y}, {H:02}:{M:02}:{S:02}] ",
)
_ES = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sept", "oct", "nov", "dic")
_RU = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


@pytest.mark.parametrize("wide", [False, True])
@given(
    lines=st.lists(
        st.tuples(
            st.sampled_from(range(len(_LAYOUTS + _WIDE_LAYOUTS))),
            st.integers(1, 28),
            st.integers(1, 12),
            st.integers(0, 23),
            st.integers(0, 59),
            st.sampled_from(["Ana: hi", "Bo:.", "Bo: x: y", "joined", "Ana: <Media omitted>", "", "Ana: a\nmore"]),
        ),
        min_size=1,
        max_size=40,
    )
)
@settings(max_examples=150, deadline=None)
def test_the_layout_scan_reads_every_line_as_the_grammar_does(wide: bool, lines) -> None:
    grammar = whatsapp.WIDE if wide else whatsapp.BASE
    text = "".join(
        (_LAYOUTS + _WIDE_LAYOUTS)[layout].format(
            d=d,
            m=m,
            mon=_MONTHS[m - 1],
            wd=_WEEKDAYS[d % 7],
            es=_ES[m - 1],
            ru=_RU[m - 1],
            y=2020,
            yy=20,
            H=hour,
            h=hour % 12 or 12,
            M=minute,
            S=minute,
            ap="AM" if hour < 12 else "PM",
            period="in the morning" if hour < 12 else "in the evening",
            pre="上午" if hour < 12 else "下午",
        )
        + body
        + "\n"
        for layout, d, m, hour, minute, body in lines
    )
    chunks = ["\n" + text]
    facts = whatsapp.survey(chunks, grammar=grammar)
    if not facts.headers:
        return
    plain = whatsapp.Survey(**{**vars(facts), "layouts": Counter()})
    by_layout = list(whatsapp._Parser("f", "c", facts, lambda: facts).run(chunks))
    by_grammar = list(whatsapp._Parser("f", "c", plain, lambda: plain).run(chunks))
    assert by_layout == by_grammar
    assert facts.layout is not None and plain.layout is None


# ---------------------------------------------------------------------------------------------------
# WhatsApp's own lines in every UI language (tables in whatsapp_locales): one fixture per language, with
# Android and iOS wording, and kinds.json giving each message's kind in file order.

LOCALES = Path(__file__).parent / "data" / "whatsapp_locales"
LOCALE_KINDS = json.loads((LOCALES / "kinds.json").read_text(encoding="utf-8"))


def test_every_language_has_a_fixture() -> None:
    from clone.importers.whatsapp_locales import LANGUAGES

    assert len(LANGUAGES) >= 20
    assert sorted(LOCALE_KINDS) == sorted(LANGUAGES)
    assert sorted(p.stem for p in LOCALES.glob("*.txt")) == sorted(LANGUAGES)


@pytest.mark.parametrize("language", sorted(LOCALE_KINDS))
def test_whatsapp_lines_are_recognised_in_every_language(language: str) -> None:
    records = parse(LOCALES / f"{language}.txt")
    assert all(isinstance(r, Message) for r in records)
    assert [m.kind.value for m in messages(records)] == LOCALE_KINDS[language]
    assert all(m.timestamp.date() == datetime(2023, 2, 21).date() for m in messages(records))  # Eastern digits too
    assert all(m.sender is None for m in messages(records) if m.kind is Kind.SYSTEM)


def test_marks_inside_a_body_and_eastern_digits_are_ignored_for_markers(tmp_path: Path) -> None:
    text = "21/02/2023, 10:00 - Ana: تم حذف\u200f هذه الرسالة\n21/02/2023, 10:01 - Ana: ٣ تم حذف هذه الرسالة\n"
    assert [m.kind for m in messages(parse_text(tmp_path, text))] == [Kind.DELETED, Kind.TEXT]


# ---------------------------------------------------------------------------------------------------
# Layouts: the iOS Buddhist-era suffix, two phones' exports joined, corrupt two-digit years.


def test_ios_buddhist_era_suffix(tmp_path: Path) -> None:
    text = "[3/18/2565 BE, 14:56:01] Ana: hi\n[3/19/2565 BE, 09:00:00] Bo: yo\n"
    assert [m.timestamp for m in messages(parse_text(tmp_path, text))] == [
        datetime(2022, 3, 18, 14, 56, 1),
        datetime(2022, 3, 19, 9),
    ]


def test_joined_exports_get_day_month_order_per_clock(tmp_path: Path) -> None:
    """One phone wrote 12-hour m/d/y, the other 24-hour d/m/y: each layout is read in its own order."""
    text = (
        "3/4/19 12:03 AM - Ana: a\n3/25/19 1:00 PM - Ana: b\n"  # 12-hour: month first (25 is a day)
        "4/3/19 0:03 - Bo: c\n25/3/19 13:00 - Bo: d\n"  # 24-hour: day first
    )
    stamps = [m.timestamp for m in messages(parse_text(tmp_path, text))]
    assert stamps == [datetime(2019, 3, 4, 0, 3), datetime(2019, 3, 25, 13)] * 2


def test_corrupt_two_digit_year_is_reported_as_an_outlier(tmp_path: Path) -> None:
    text = "21/02/22, 10:00 - Ana: a\n22/02/39, 10:01 - Ana: b\nsecond line\n23/02/22, 10:02 - Ana: c\n"
    records = parse_text(tmp_path, text)
    assert [m.text for m in messages(records)] == ["a", "c"]
    [skip] = [r for r in records if isinstance(r, Skipped)]
    assert skip.source.line == 2 and skip.reason.startswith("outlier date")
    assert skip.text == "22/02/39, 10:01 - Ana: b\nsecond line"


def test_thai_two_digit_buddhist_years_are_not_outliers(tmp_path: Path) -> None:
    text = "21/02/65, 10:00 - Ana: a\n22/02/65, 10:01 - Ana: b\n"
    assert [m.timestamp.year for m in messages(parse_text(tmp_path, text))] == [2022, 2022]


# ---------------------------------------------------------------------------------------------------
# Layouts seen in real files (issue 19): time before date, month names (with and without the year), times
# of day in words.


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("19:23, 28 Aug 2013 - Ana: hi", datetime(2013, 8, 28, 19, 23)),  # old Android, time first
        ("7:23 PM, Aug 28, 2013 - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("19:23, 28/08/2013 - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("28 Aug 2013, 19:23 - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("28 August 2013 19:23 - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("Aug 28, 2013, 7:23 PM - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("Sept 3, 2013, 7:23 am - Ana: hi", datetime(2013, 9, 3, 7, 23)),
        ("27/03/2022, 9:15 in the morning - Ana: hi", datetime(2022, 3, 27, 9, 15)),
        ("27/03/2022, 9:15 in the evening - Ana: hi", datetime(2022, 3, 27, 21, 15)),
        ("27/03/2022, 3:05 in the afternoon - Ana: hi", datetime(2022, 3, 27, 15, 5)),
        ("27/03/2022, 12:30 at night - Ana: hi", datetime(2022, 3, 27, 0, 30)),
        ("27/03/2022, 11:30 at night - Ana: hi", datetime(2022, 3, 27, 23, 30)),
        ("[27/3/22, 9:15:00\u202fin\u202fthe\u202fevening] Ana: hi", datetime(2022, 3, 27, 21, 15)),
        ("27/3/22, 8:40 de la mañana - Ana: hola", datetime(2022, 3, 27, 8, 40)),
        ("27/3/22, 6:40 de la tarde - Ana: hola", datetime(2022, 3, 27, 18, 40)),
        ("27/3/22, 10:40 de la noche - Ana: hola", datetime(2022, 3, 27, 22, 40)),
        ("27/3/22, 2:40 de la madrugada - Ana: hola", datetime(2022, 3, 27, 2, 40)),
        ("27/3/22, 1:10 del mediodía - Ana: hola", datetime(2022, 3, 27, 13, 10)),
        ("27/03/2022 7:40 da noite - Ana: oi", datetime(2022, 3, 27, 19, 40)),
        ("27/03/2022 7:40 da manhã - Ana: oi", datetime(2022, 3, 27, 7, 40)),
        ("27/03/22 07.40 pagi - Budi: halo", datetime(2022, 3, 27, 7, 40)),
        ("27/03/22 11.40 siang - Budi: halo", datetime(2022, 3, 27, 11, 40)),
        ("27/03/22 01.40 siang - Budi: halo", datetime(2022, 3, 27, 13, 40)),
        ("27/03/22 04.40 sore - Budi: halo", datetime(2022, 3, 27, 16, 40)),
        ("27/03/22 08.40 malam - Budi: halo", datetime(2022, 3, 27, 20, 40)),
        ("2022/3/27 下午9:15 - 李: 你好", datetime(2022, 3, 27, 21, 15)),
        ("[2022/3/27 上午9:15:02] 李: 你好", datetime(2022, 3, 27, 9, 15, 2)),
        ("2022. 3. 27. 오후 9:15 - 김: 안녕", datetime(2022, 3, 27, 21, 15)),
        ("[2022. 3. 27. 오전 12:05:00] 김: 안녕", datetime(2022, 3, 27, 0, 5)),
        ("[2022/03/27 午後9:15:00] 健: こんばんは", datetime(2022, 3, 27, 21, 15)),
    ],
)
def test_layouts_refused_before(tmp_path: Path, line: str, stamp: datetime) -> None:
    assert WHATSAPP.sniff(ExportFile(_write(tmp_path, line + "\n")))
    message = one(tmp_path, line + "\n")
    assert (message.timestamp, message.sender is not None, message.source.line) == (stamp, True, 1)


def _write(tmp_path: Path, text: str, name: str = "chat.txt", mtime: datetime | None = None) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    if mtime is not None:
        os.utime(path, (mtime.timestamp(), mtime.timestamp()))
    return path


def _stamps_and_notes(path: Path) -> tuple[list[datetime], Counter[str]]:
    records = list(WHATSAPP.parse(ExportFile(path)))
    notes = Counter(r.text for r in records if isinstance(r, Note))
    # Each note sits just before the message it is about, on that message's line.
    for note, after in itertools.pairwise(records):
        if isinstance(note, Note):
            assert isinstance(after, Message) and after.source == note.source
    return [m.timestamp for m in messages(records)], notes


def test_android_leaves_out_the_export_year_and_it_is_the_year_after_the_dated_lines(tmp_path: Path) -> None:
    """Android's date formatter writes the year only for other years than the current one: the lines
    without it come last, in the year after the last dated line."""
    text = (
        "Nov 30, 2012, 9:00 PM - Ana: old\nDec 28, 2012, 8:11 PM - Bo: older year\n"
        "Jan 2, 7:00 AM - Ana: new year\nMar 5, 8:11 PM - Bo: spring\nmore\n"
    )
    stamps, notes = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2031, 6, 1)))
    assert stamps == [
        datetime(2012, 11, 30, 21),
        datetime(2012, 12, 28, 20, 11),
        datetime(2013, 1, 2, 7),
        datetime(2013, 3, 5, 20, 11),
    ]
    assert notes == {whatsapp.YEAR_AFTER: 2}


def test_a_file_with_no_year_anywhere_walks_back_from_its_modification_time(tmp_path: Path) -> None:
    # Newest line Mar 18, exported Mar 18 2024: going back, Jan -> Dec is the year before.
    text = "18 Nov 12:14 - Ana: a\n30 Dec 23:50 - Bo: b\n2 Jan 08:00 - Ana: c\n18 Mar 12:14 - Bo: d\n"
    stamps, notes = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2024, 3, 18, 13, 0)))
    assert stamps == [
        datetime(2023, 11, 18, 12, 14),
        datetime(2023, 12, 30, 23, 50),
        datetime(2024, 1, 2, 8),
        datetime(2024, 3, 18, 12, 14),
    ]
    assert notes == {whatsapp.YEAR_EXPORTED: 4}


def test_after_the_export_date_means_the_year_before(tmp_path: Path) -> None:
    # Exported Jan 2 2024: a newest line of Dec 30 is from 2023.
    text = "Dec 29, 9:00 PM - Ana: a\nDec 30, 9:00 PM - Bo: b\n"
    stamps, _ = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2024, 1, 2, 10, 0)))
    assert stamps == [datetime(2023, 12, 29, 21), datetime(2023, 12, 30, 21)]


def test_lines_without_a_year_before_a_dated_one_walk_back_from_it(tmp_path: Path) -> None:
    text = "3 Nov 10:00 - Ana: a\n5 Jan 10:00 - Bo: b\n1 Feb 2014 10:00 - Ana: c\n"
    stamps, notes = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2031, 1, 1)))
    assert stamps == [datetime(2013, 11, 3, 10), datetime(2014, 1, 5, 10), datetime(2014, 2, 1, 10)]
    assert notes == {whatsapp.YEAR_BEFORE: 2}


def test_a_message_a_little_out_of_order_is_no_new_year(tmp_path: Path) -> None:
    text = "1 Apr 00:01 - Ana: a\n31 Mar 23:59 - Bo: late\n2 Apr 08:00 - Ana: c\n"
    stamps, _ = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2024, 5, 1)))
    assert [s.year for s in stamps] == [2024, 2024, 2024]


def test_a_zip_member_s_own_date_is_the_export_date(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - Ana.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("_chat.txt", date_time=(2019, 2, 1, 12, 0, 0)), "Dec 31, 11:00 PM - Ana: a\n")
    [note, message] = list(WHATSAPP.parse(ExportFile(archive, "_chat.txt")))
    assert isinstance(note, Note) and note.text == whatsapp.YEAR_EXPORTED
    assert message.timestamp == datetime(2018, 12, 31, 23)


def test_with_no_export_date_the_year_is_this_year() -> None:
    chunks = ["\n1 Jan 00:00 - Ana: a"]
    facts = whatsapp.survey(chunks)
    note, message = whatsapp._Parser("f", "c", facts, lambda: facts).run(chunks)
    assert isinstance(note, Note) and note.text == whatsapp.YEAR_TODAY
    assert message.timestamp == datetime(datetime.now().year, 1, 1)


def test_the_import_report_counts_the_inferred_years(tmp_path: Path) -> None:
    path = _write(tmp_path, "Dec 28, 2012, 8:11 PM - Bo: a\nMar 5, 8:11 PM - Ana: b\nMar 6, 8:11 PM - Ana: c\n")
    [report] = load([path]).reports
    assert dict(report.notes) == {whatsapp.YEAR_AFTER: 2}
    assert report.messages == 3 and not report.skipped


def test_a_month_name_date_inside_a_numeric_file_stays_text(tmp_path: Path) -> None:
    text = "27/03/2022, 21:41 - Ana: my week:\n5 Mar 10:00 - dentist\nMar 6, 9:00 AM - Bo: lunch\n"
    [message] = messages(parse_text(tmp_path, text))
    assert message.text == "my week:\n5 Mar 10:00 - dentist\nMar 6, 9:00 AM - Bo: lunch"


@pytest.mark.parametrize(
    "header",
    ["{H:02}:{M:02}, {d} Aug 2013 - ", "Aug {d}, {h}:{M:02} PM - ", "{d}/08/2013, {h}:{M:02} in the evening - "],
)
def test_new_layouts_take_the_fast_path(tmp_path: Path, header: str) -> None:
    """The parse reads these files with the regex of their own layout (whatsapp.Grammar.layout), as the usual ones."""
    lines = [header.format(d=i % 28 + 1, H=i % 24, h=i % 12 + 1, M=i % 60) + f"Ana: m{i}" for i in range(300)]
    text = "\n".join(lines) + "\n"
    facts = whatsapp.survey(["\n" + text])
    assert facts.layout is not None and facts.ascii_first
    assert len(messages(parse_text(tmp_path, text))) == 300


# ---------------------------------------------------------------------------------------------------
# A weekday name before the date (issue 19): read by the WIDE grammar, which a file gets when its first
# header is not one of numeric dates that the usual grammar reads (whatsapp.choose_grammar).


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("Tue, 5 Mar 2019, 20:11 - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("[Tue 05/03/2019, 20:11:03] Ana: text", datetime(2019, 3, 5, 20, 11, 3)),
        ("Tue 05/03/2019, 20:11 - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("[Tue, 5 Mar 2019, 20:11:03] Ana: text", datetime(2019, 3, 5, 20, 11, 3)),
        ("Tuesday, March 5, 2019, 8:11 PM - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("Tues. 5 Mar 2019 20:11 - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("TUE, 5 MAR 2019, 20:11 - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("20:11, Tue, 5 Mar 2019 - Ana: text", datetime(2019, 3, 5, 20, 11)),
        ("\u200e[Tue 05/03/2019, 20:11:03] Ana: text", datetime(2019, 3, 5, 20, 11, 3)),
        ("[Tue\u00a005/03/2019, 8:11:03\u202fPM] Ana: text", datetime(2019, 3, 5, 20, 11, 3)),
    ],
)
def test_a_weekday_before_the_date(tmp_path: Path, line: str, stamp: datetime) -> None:
    assert WHATSAPP.sniff(ExportFile(_write(tmp_path, line + "\n")))
    message = one(tmp_path, line + "\n")
    assert (message.timestamp, message.sender, message.text, message.source.line) == (stamp, "Ana", "text", 1)


def test_a_file_of_weekday_headers_keeps_every_line_and_takes_the_fast_path(tmp_path: Path) -> None:
    days = [datetime(2019, 3, 4) + timedelta(days=i) for i in range(300)]
    lines = [
        f"[{d:%a %d/%m/%Y}, 20:{i % 60:02d}:00] {'Ana' if i % 2 else 'Bo'}: m{i}\nmore {i}" for i, d in enumerate(days)
    ]
    text = "\n".join(lines) + "\n"
    records = parse_text(tmp_path, text)
    assert [(m.timestamp, m.sender, m.text) for m in messages(records)] == [
        (d.replace(hour=20, minute=i % 60), "Ana" if i % 2 else "Bo", f"m{i}\nmore {i}") for i, d in enumerate(days)
    ]
    assert len(records) == 300
    facts = whatsapp.survey(["\n" + text], grammar=whatsapp.WIDE)
    assert facts.layout is not None and "(?P<wd>" in facts.layout


def test_the_weekday_tells_day_from_month_where_no_field_is_over_12(tmp_path: Path) -> None:
    # 24-hour "/" dates default to day first; Fri 05/03/2019 is May 3 (March 5 was a Tuesday).
    text = "Fri 05/03/2019, 20:11 - Ana: a\nTue 06/04/2019, 09:00 - Bo: b\n"
    assert [m.timestamp for m in messages(parse_text(tmp_path, text))] == [
        datetime(2019, 5, 3, 20, 11),
        datetime(2019, 6, 4, 9),
    ]
    day_first = "Tue 05/03/2019, 8:11 PM - Ana: a\n"  # 12-hour "/" dates default to month first
    assert one(tmp_path, day_first).timestamp == datetime(2019, 3, 5, 20, 11)


def test_a_weekday_system_line_has_no_sender(tmp_path: Path) -> None:
    text = "Tue, 5 Mar 2019, 20:11 - Messages and calls are end-to-end encrypted\nTue, 5 Mar 2019, 20:12 - Ana: hi\n"
    first, second = messages(parse_text(tmp_path, text))
    assert (first.sender, first.kind, first.text) == (None, Kind.SYSTEM, "Messages and calls are end-to-end encrypted")
    assert (second.sender, second.text) == ("Ana", "hi")


def test_weekday_headers_after_a_long_preamble_are_found(tmp_path: Path) -> None:
    # No header in the lines the grammar is chosen from: the other grammar is tried on the whole file.
    preamble = "".join(f"note {i}\n" for i in range(30))
    records = parse_text(tmp_path, preamble + "Tue, 5 Mar 2019, 20:11 - Ana: hi\n")
    assert [r.reason for r in records if isinstance(r, Skipped)] == ["text before the first message"] * 30
    assert [(m.timestamp, m.text) for m in messages(records)] == [(datetime(2019, 3, 5, 20, 11), "hi")]


def test_numeric_files_keep_the_usual_grammar(tmp_path: Path) -> None:
    assert whatsapp.choose_grammar(["27/03/2022, 21:41 - Ana: hi"]) is whatsapp.BASE
    assert whatsapp.choose_grammar(["[Tue 05/03/2019, 20:11:03] Ana: hi"]) is whatsapp.WIDE
    assert whatsapp.choose_grammar(["28 Aug 2013, 19:23 - Ana: hi"]) is whatsapp.WIDE
    # So a weekday-led date inside a numeric file's message stays text, as a month-name one does.
    text = "27/03/2022, 21:41 - Ana: plans:\nTue 05/03/2019, 20:11 - Bo: lunch\n"
    [message] = messages(parse_text(tmp_path, text))
    assert message.text == "plans:\nTue 05/03/2019, 20:11 - Bo: lunch"


# ---------------------------------------------------------------------------------------------------
# Month names in other UI languages (issue 19), in the layouts English month names take.


@pytest.mark.parametrize(
    ("line", "stamp"),
    [
        ("18 mars 2019 à 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # fr
        ("[18 janv. 2019 à 12:14:05] Ana: hi", datetime(2019, 1, 18, 12, 14, 5)),
        ("19:23, 28 août 2013 - Ana: hi", datetime(2013, 8, 28, 19, 23)),
        ("18. März 2019, 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # de
        ("18. Dez. 2019, 12:14 - Ana: hi", datetime(2019, 12, 18, 12, 14)),
        ("18 mar. 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # es
        ("18 ene. 2019 12:14 p. m. - Ana: hi", datetime(2019, 1, 18, 12, 14)),
        ("18 de diciembre de 2019 12:14 - Ana: hi", datetime(2019, 12, 18, 12, 14)),
        ("18 gen 2019, 12:14 - Ana: hi", datetime(2019, 1, 18, 12, 14)),  # it
        ("18 ott 2019, 12:14 - Ana: hi", datetime(2019, 10, 18, 12, 14)),
        ("18 de out. de 2019 12:14 - Ana: hi", datetime(2019, 10, 18, 12, 14)),  # pt
        ("18 de março de 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),
        ("18 mrt. 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # nl
        ("18 mei 2019 12:14 - Ana: hi", datetime(2019, 5, 18, 12, 14)),
        ("18 мар. 2019 г., 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # ru
        ("18 сентября 2019 г., 12:14 - Ana: hi", datetime(2019, 9, 18, 12, 14)),
        ("18 Şub 2019 12:14 - Ana: hi", datetime(2019, 2, 18, 12, 14)),  # tr
        ("18 KASIM 2019 12:14 - Ana: hi", datetime(2019, 11, 18, 12, 14)),
        ("18 Agu 2019 12.14 - Ana: hi", datetime(2019, 8, 18, 12, 14)),  # id
        ("18 Desember 2019 12.14 - Ana: hi", datetime(2019, 12, 18, 12, 14)),
        ("18 marca 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # pl
        ("18 paź 2019 12:14 - Ana: hi", datetime(2019, 10, 18, 12, 14)),
        ("18 бер. 2019 р., 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # uk
        ("18. března 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),  # cs
        ("févr. 5, 2019, 8:11 PM - Ana: hi", datetime(2019, 2, 5, 20, 11)),  # month first
        ("mar. 5 mars 2019 à 20:11 - Ana: hi", datetime(2019, 3, 5, 20, 11)),  # with a weekday
        ("Di., 5. März 2019, 20:11 - Ana: hi", datetime(2019, 3, 5, 20, 11)),
        ("śr., 20 mar 2019, 12:14 - Ana: hi", datetime(2019, 3, 20, 12, 14)),
        ("18 DÉC. 2019 12:14 - Ana: hi", datetime(2019, 12, 18, 12, 14)),  # any case
        ("18 mArS 2019 12:14 - Ana: hi", datetime(2019, 3, 18, 12, 14)),
    ],
)
def test_month_names_in_other_languages(tmp_path: Path, line: str, stamp: datetime) -> None:
    assert WHATSAPP.sniff(ExportFile(_write(tmp_path, line + "\n")))
    message = one(tmp_path, line + "\n")
    assert (message.timestamp, message.sender, message.text, message.source.line) == (stamp, "Ana", "hi", 1)


def test_every_month_name_of_every_language_is_read(tmp_path: Path) -> None:
    from clone.importers.whatsapp_locales import MONTHS

    expected = [
        (number, spelling)
        for names in MONTHS.values()
        for number, spellings in enumerate(names, 1)
        for name in spellings
        for spelling in (name, name.lower(), name.upper(), name + ".")
    ]
    text = "".join(f"{min(number, 28)} {spelling} 2019 12:14 - Ana: {spelling}\n" for number, spelling in expected)
    records = parse_text(tmp_path, text)
    assert all(isinstance(r, Message) for r in records)
    assert [(m.timestamp.month, m.text) for m in messages(records)] == expected


def test_a_spanish_file_that_starts_in_march_still_reads_january(tmp_path: Path) -> None:
    # "mar." is English too: a file of month names gets every language's, so "ene." is a header as well.
    text = "18 mar. 2019 12:14 - Ana: a\n5 ene. 2020 09:00 - Bo: b\nmás\n"
    assert [(m.timestamp, m.text) for m in messages(parse_text(tmp_path, text))] == [
        (datetime(2019, 3, 18, 12, 14), "a"),
        (datetime(2020, 1, 5, 9), "b\nmás"),
    ]


def test_foreign_month_names_without_the_year_get_an_inferred_one(tmp_path: Path) -> None:
    text = "30 déc. 23:50 - Ana: a\n2 janv. 08:00 - Bo: b\n"
    stamps, notes = _stamps_and_notes(_write(tmp_path, text, mtime=datetime(2024, 3, 18)))
    assert stamps == [datetime(2023, 12, 30, 23, 50), datetime(2024, 1, 2, 8)]
    assert notes == {whatsapp.YEAR_EXPORTED: 2}


def test_a_foreign_month_name_date_inside_a_numeric_file_stays_text(tmp_path: Path) -> None:
    text = "27/03/2022, 21:41 - Ana: rdv:\n5 mars 2022 10:00 - dentiste\n"
    [message] = messages(parse_text(tmp_path, text))
    assert message.text == "rdv:\n5 mars 2022 10:00 - dentiste"


def test_foreign_month_names_take_the_fast_path(tmp_path: Path) -> None:
    lines = [f"{i % 28 + 1} {_ES[i % 12]}. 2019 12:{i % 60:02d} - Ana: m{i}" for i in range(300)]
    text = "\n".join(lines) + "\n"
    facts = whatsapp.survey(["\n" + text], grammar=whatsapp.WIDE)
    assert facts.layout is not None and facts.ascii_first
    assert [m.timestamp.month for m in messages(parse_text(tmp_path, text))] == [i % 12 + 1 for i in range(300)]

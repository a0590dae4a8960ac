"""Email importer: mbox/eml/Maildir containers, header and body decoding, quote and signature stripping."""

from __future__ import annotations

import email
import email.message
import email.policy
import json
import mailbox
from datetime import datetime
from pathlib import Path

import pytest

from clone.errors import ImportFileError
from clone.importers import ExportFile, detect, load
from clone.importers.mail import (
    EML,
    MBOX,
    addresses,
    body_text,
    header_text,
    html_to_text,
    parse_message,
    thread_subject,
    unflow,
)
from clone.importers.quotes import extract_reply, strip_quotes
from clone.messages import Kind, Message, Note, Skipped

FIXTURES = Path(__file__).resolve().parents[1].parent / "shared" / "fixtures"
needs_fixtures = pytest.mark.skipif(not (FIXTURES / "talon").is_dir(), reason="shared fixtures not present")

COMMON = (
    "Fusce bibendum, quam hendrerit sagittis tempor, dui turpis tempus erat, pharetra sodales ante sem sit "
    "amet metus.\nNulla malesuada, orci non vulputate lobortis, massa felis pharetra ex, convallis "
    "consectetur ex libero eget ante.\nNam vel turpis posuere, rhoncus ligula in, venenatis orci. Duis "
    "interdum venenatis ex a rutrum.\nDuis ut libero eu lectus consequat consequat ut vel lorem. "
    "Vestibulum convallis lectus urna,\net mollis ligula rutrum quis. Fusce sed odio id arcu varius "
    "aliquet nec nec nibh."
)
# crisp test.js cases whose first fragment is the shared paragraph (all languages and client styles)
CRISP_COMMON = [
    *(f"email_{n}" for n in (7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 22, 23, 24, 25, 26)),
    *(
        f"email_{n}"
        for n in (
            "portuguese",
            "german",
            "german_2",
            "german_3",
            "german_outlook",
            "norwegian_gmail",
            "finnish",
            "italian",
            "russian",
            "outlook_split_line_from",
            "gmail_split_line_from",
            "ios_outlook_fr",
            "ios_outlook",
            "msn",
            "fr_multiline",
            "french_2",
            "en_multiline_2",
            "original_message",
            "original_message_2",
            "danish_dash_separator",
            "french_dash_separator",
            "tricky_5_mixed_languages",
            "tricky_10_special_chars_in_name",
            "tricky_12_no_space_after_header",
            "tricky_14_long_quote_header",
            "tricky_15_original_message_variations",
        )
    ),
]
RIAK = "What is the best way to clear a Riak bucket of all key, values after\nrunning a test?"
# Other crisp/zapier fixtures: the whole expected reply (quotes, forwarded mail and signatures removed;
# sign-offs like "Best regards,\nJohn" are the author's own words and stay).
EXPECTED = {
    "crisp/correct_sig": "this is an email with a correct -- signature.",
    "crisp/sig_no_empty_line": "this is an email with a signature with no empty line above.",
    "crisp/email_1": f"Hi folks\n\n{RIAK}\nI am currently using the Java HTTP API.\n\n-Abhishek Kona",
    "crisp/email_3": "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona",
    "crisp/email_4": "Awesome! I haven't had another problem with it.",
    "crisp/email_6": "I get proper rendering as well.\n\nSent a magnificent torch of pixels",
    "crisp/email_19": "On Thursday, I get proper rendering.",
    "crisp/email_20": "On Thursday.",
    "crisp/email_blackberry": "Here is another email",
    "crisp/email_iphone": "Here is another email",
    "crisp/email_multi_word_sent_from_my_mobile_device": "Here is another email",
    "crisp/email_sent_from": "Hi it can happen to any texts you type, as long as you type in between "
    "words or paragraphs.",
    "crisp/email_sent_from_my_not_signature": "Here is another email\n\nSent from my desk, is much "
    "easier then my mobile phone.",
    "crisp/email_custom_quote_header": "Thank you!",
    "crisp/email_customer_quote_header_2": "Thank you very much.",
    "crisp/email_customer_quote_header_3": "bonjour,\nje n'ai pas eu de retour sur ma précision..\nmerci d'avance",
    "crisp/email_emoji": "🎉",
    "crisp/email_thread": "This is new email reply in thread from bellow.",
    "crisp/email_unquoted_reply": "This is my reply.",
    "crisp/email_zoho": RIAK,
    "crisp/email_tricky_9_nested_quotes": "I agree with the points below.",
    "crisp/email_tricky_11_double_signature": "Thanks for your help!\n\nBest regards,\nJohn",
    "crisp/email_tricky_16_unicode_signatures": "Thanks for the update!\n\nCheers 🎉\nSarah",
    "crisp/email_tricky_17_forward_header": "See the forwarded message below.",
    "crisp/email_tricky_18_inline_reply": "I think option A is great.\n\nOption B has some drawbacks.\n\n"
    "Option C is not suitable for our use case.",
    "crisp/email_tricky_19_quote_without_header": "I wanted to respond to your points:\n\nMy response "
    "to the quoted text above.\n\nAnd my final thoughts.",
    "crisp/email_tricky_20_html_entities": "The data should be &gt; 100 and &lt; 200.\n\n"
    "We need to ensure that &amp; symbols are handled correctly.",
    "zapier/correct_sig": "this is an email with a correct -- signature.",
    "zapier/email_1_1": f"Hi folks\n\n{RIAK}\nI am currently using the Java HTTP API.\n\n-Abhishek Kona",
    "zapier/email_1_3": "Oh thanks.\n\nHaving the function would be great.\n\n-Abhishek Kona",
    "zapier/email_1_4": "Awesome! I haven't had another problem with it.",
    "zapier/email_1_6": "I get proper rendering as well.",
    "zapier/email_1_7": ":+1:",
    "zapier/email_1_8": "I will reply under this one\n\nand under this.",
    "zapier/email_2_1": "Outlook with a reply",
    "zapier/email_2_2": "Outlook with a reply directly above line",
    "zapier/email_2_3": "Outlook with a reply above headers using unusual format",
    "zapier/email_BlackBerry": "Here is another email",
    "zapier/email_iPhone": "Here is another email",
    "zapier/email_multi_word_sent_from_my_mobile_device": "Here is another email",
    "zapier/email_gmail": "This is a test for inbox replying to a github message.",
    "zapier/email_headers_no_delimiter": "And another reply!",
    "zapier/email_bullets": "test 2 this should list second\n\nand have spaces\n\n"
    "and retain this formatting\n\n   - how about bullets\n   - and another",
    "zapier/pathological": "I think you're onto something. I will try to fix the problem as soon as I\n"
    "get back to a computer.",
}
# Fixtures that are all the author's own text: nothing may be cut.
UNTOUCHED = [
    "crisp/email_5",
    "crisp/email_not_a_signature",
    "crisp/email_not_a_signature_2",
    "crisp/email_tricky_1_on_false_positive",
    "crisp/email_tricky_2_url_with_wrote",
    "crisp/email_tricky_3_code_block",
    "crisp/email_tricky_4_from_in_body",
    "crisp/email_tricky_6_regards_in_sentence",
    "crisp/email_tricky_7_multiple_dashes",
    "crisp/email_tricky_8_sent_from_in_content",
    "crisp/email_tricky_13_timestamp_variations",
    "crisp/email_with_date_headers",
    "crisp/email_with_from_headers",
    "zapier/email_1_5",
    "zapier/email_sig_delimiter_in_middle_of_line",
    "zapier/email_sent_from_my_not_signature",
]


def _fixture_text(key: str) -> str:
    folder = {"crisp": "crisp-email-reply-parser/fixtures", "zapier": "zapier-email-reply-parser/emails"}
    kind, name = key.split("/")
    return (FIXTURES / folder[kind] / f"{name}.txt").read_text(encoding="utf-8")


def _message(path: Path) -> email.message.Message:
    return parse_message(path.read_bytes())


def _records(tmp_path: Path, data: bytes, name: str = "mail.mbox") -> list[Message | Skipped | Note]:
    path = tmp_path / name
    path.write_bytes(data)
    file = ExportFile(path)
    importer = detect(file)
    assert importer is not None, "not detected"
    return list(importer.parse(file))


# ---------------------------------------------------------------------------------------------------
# Quote and signature stripping on the reply-parser fixture sets.


@needs_fixtures
@pytest.mark.parametrize("path", sorted((FIXTURES / "talon" / "standard_replies").glob("*.eml")), ids=str)
def test_talon_standard_replies(path: Path) -> None:
    """talon's rule: the text/plain reply minus quotes is "Hello" unless <name>_reply_text says otherwise
    (those keep the signature, which extract_reply then also removes)."""
    msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    plain = msg.get_body(("plain",)).get_content()  # talon's test reads the raw text/plain part
    expected_file = path.with_name(f"{path.stem}_reply_text")
    expected = expected_file.read_text().strip() if expected_file.exists() else "Hello"
    assert strip_quotes(plain) == "\n".join(line.rstrip() for line in expected.splitlines())
    assert extract_reply(plain) == "Hello"


@needs_fixtures
@pytest.mark.parametrize("name", sorted(p.name for p in (FIXTURES / "talon" / "html_replies").glob("*.html")))
def test_talon_html_replies(name: str) -> None:
    html = (FIXTURES / "talon" / "html_replies" / name).read_text(encoding="utf-8")
    reply = extract_reply(html_to_text(html).replace("\u00a0", " "))
    assert " ".join(reply.split()) == "Hi. I am fine. Thanks, Alex"  # the clients differ in blank lines


@needs_fixtures
@pytest.mark.parametrize(
    ("name", "expected"), [("OLK_SRC_BODY_SECTION.html", "Reply"), ("reply-separated-by-hr.html", "Hi\nthere\nBob")]
)
def test_talon_html_separators(name: str, expected: str) -> None:
    assert extract_reply(html_to_text((FIXTURES / "talon" / name).read_text(encoding="utf-8"))) == expected


@needs_fixtures
@pytest.mark.parametrize("name", CRISP_COMMON)
def test_crisp_first_fragment(name: str) -> None:
    assert extract_reply(_fixture_text(f"crisp/{name}")) == COMMON


@needs_fixtures
@pytest.mark.parametrize(("key", "expected"), EXPECTED.items(), ids=list(EXPECTED))
def test_reply_fixtures(key: str, expected: str) -> None:
    assert extract_reply(_fixture_text(key)) == expected


@needs_fixtures
@pytest.mark.parametrize("key", UNTOUCHED)
def test_own_text_is_kept(key: str) -> None:
    text = _fixture_text(key)
    assert extract_reply(text) == "\n".join(line.rstrip() for line in text.strip().splitlines()).replace(
        "\n\n\n", "\n\n"
    )


@needs_fixtures
def test_bottom_posting_keeps_the_reply_below_the_quote() -> None:
    reply = extract_reply(_fixture_text("zapier/email_1_2"))
    assert reply.startswith("Hi,\n\nYou can list the keys for the bucket")
    assert reply.endswith('to delete them all individually."')
    assert ">" not in reply and "riak-users" not in reply


@needs_fixtures
@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("long", True),
        ("sparse", True),
        ("johndoeexamplecom", True),
        ("camel_case", True),
        ("short_url", False),
        ("jeff", False),
    ],
)
def test_talon_signature_blocks(name: str, kept: bool) -> None:
    """Contact blocks that start with the sender's name go; plain sign-offs ("Thank you,\\nNoam") stay."""
    folder = FIXTURES / "talon" / "signature" / "emails" / "stripped"
    body = (folder / f"{name}_body").read_text().strip()
    signature = (folder / f"{name}_signature").read_text().strip()
    expected = body.removesuffix(signature).strip()
    got = extract_reply(body, (folder / f"{name}_sender").read_text().strip())
    assert (got == expected) is kept


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Sounds good!\n\nOn Mon, Jan 6, 2025 at 9:14 AM Ann <ann@x.org> wrote:\n> Lunch?", "Sounds good!"),
        ("> Lunch?\n\nYes, at noon.\n\nAnn <ann@x.org> wrote:\n> ok", "Yes, at noon."),  # bottom + top
        ("Klar.\n\nAm 06.01.2025 um 09:14 schrieb Ann <ann@x.org>:\n\nMittag?", "Klar."),
        ("D'accord.\n\nLe 6 janv. 2025 à 09:14, Ann <ann@x.org> a écrit :\n> Midi ?", "D'accord."),
        ("Sí.\n\nEl lun, 6 ene 2025 a las 9:14, Ann (<ann@x.org>) escribió:\n> ¿Comida?", "Sí."),
        ("Sì.\n\nIl giorno lun 6 gen 2025 alle ore 09:14 Ann <ann@x.org> ha scritto:\n> Pranzo?", "Sì."),
        ("Sim.\n\nEm seg., 6 de jan. de 2025 às 09:14, Ann <ann@x.org> escreveu:\n> Almoço?", "Sim."),
        ("Ja.\n\nDen 6 jan. 2025 kl. 09:14 skrev Ann <ann@x.org>:\n> Lunsj?", "Ja."),
        ("Ok\n\n-----Ursprüngliche Nachricht-----\nVon: Ann\nBetreff: x\n\nalt", "Ok"),
        ("Ok\n\nVon: Ann <ann@x.org>\nGesendet: Montag, 6. Januar 2025 09:14\nAn: Bob\nBetreff: x\n\nalt", "Ok"),
        ("Da.\n\n6 янв. 2025 г., в 9:14, Ann <ann@x.org> написал(а):\n> Обед?", "Da."),
        ("Ok\n\nVon meinem iPhone gesendet", "Ok"),
        ("Ok\n\nSent from Mail for Windows 10", "Ok"),
        ("Ok\n\nEnvoyé de mon iPhone", "Ok"),
        ("Ok\n-- \nAnn\n555 1234", "Ok"),
        ("As I wrote: fine.", "As I wrote: fine."),
        ("Here is what Bob wrote:\nfine by me", "Here is what Bob wrote:\nfine by me"),  # no date, no address
        ("> only a quote\n> nothing else", ""),
    ],
)
def test_inline_rules(text: str, expected: str) -> None:
    assert extract_reply(text) == expected


# ---------------------------------------------------------------------------------------------------
# Headers and bodies: every charset quirk, with the exact decoded strings.


@needs_fixtures
@pytest.mark.parametrize(
    "name",
    [
        "legacy/001",
        "legacy/003",
        "legacy/007",
        "legacy/012",
        "legacy/014",
        "legacy/023",
        "thirdparty/004",
        "thirdparty/013",
    ],
)
def test_stalwart_headers_and_bodies(name: str) -> None:
    """Subject/From/To and the text body match stalwart mail-parser's expected JSON."""
    expected = json.loads((FIXTURES / "mail-parser-stalwart" / f"{name}.json").read_text(encoding="utf-8"))
    msg = _message(FIXTURES / "mail-parser-stalwart" / f"{name}.eml")
    for header in expected["parts"][0]["headers"]:
        value = header["value"]
        if header["name"] == "subject":
            assert header_text(msg, "subject") == value["Text"]
        elif header["name"] in ("from", "to"):
            expected_pairs = [(a["name"], a["address"]) for a in value["Address"]["List"]]
            assert addresses(msg, header["name"]) == expected_pairs
    bodies = [expected["parts"][i]["body"].get("Text") for i in expected["text_body"]]
    assert body_text(msg).split() == "\n".join(b for b in bodies if b).split()


@needs_fixtures
@pytest.mark.parametrize(
    ("path", "header", "expected"),
    [
        ("mikel-mail/multi_charset/japanese.eml", "subject", "まみむめも"),
        ("mikel-mail/multi_charset/japanese.eml", "to", "みける <raasdnil@gmail.com>"),
        (
            "mikel-mail/plain_emails/raw_email_with_partially_quoted_subject.eml",
            "subject",
            'Re: Test: "漢字" mid "漢字" tail',
        ),
        (
            "mikel-mail/error_emails/invalid_subject_characters.eml",
            "subject",
            "Formação FrenetikPolis: Mega Campanha Final Verão | Cursos de Setembro",
        ),
        (
            "mikel-mail/error_emails/invalid_subject_characters.eml",
            "from",
            "Formação Frenetikpolis <info@formacaofrenetik.info>",
        ),
        ("mikel-mail/error_emails/trademark_character_in_subject.eml", "subject", "GA.comô has a lead for you"),
        ("mikel-mail/error_emails/bad_encoded_subject.eml", "subject", "TEST"),
        ("mikel-mail/rfc6532/utf8_headers.eml", "from", "Jöhn Doe <jdöe@mächine.example>"),
        ("mikel-mail/rfc6532/utf8_headers.eml", "subject", "Säying Hello"),
        ("mikel-mail/error_emails/encoding_madness.eml", "reply-to", "KLAUS- HÄNSCHEL"),
        ("mail-parser-stalwart/legacy/001.eml", "subject", "Die Hasen und die Frösche (Microsoft Outlook 00)"),
        ("mail-parser-stalwart/legacy/023.eml", "to", "Jürgen Schmürgen <jschmuergen@example.com>"),
        ("mikel-mail/plain_emails/raw_email_bad_time.eml", "from", "Атиковa <yusuf75thu@auracom.net>"),
    ],
)
def test_header_decoding(path: str, header: str, expected: str) -> None:
    msg = _message(FIXTURES / path)
    if header == "subject":
        assert header_text(msg, header) == expected
    else:
        found = addresses(msg, header)
        assert ", ".join(f"{n} <{a}>" if n and a else n or a for n, a in found) == expected


@needs_fixtures
@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (
            "mikel-mail/multi_charset/japanese.eml",
            "かきくえこ\n\n-- \nhttp://lindsaar.net/\nRails, RSpec and Life blog....\n",
        ),
        ("mikel-mail/multi_charset/japanese_iso_2022.eml", "すみません。\n\n"),
        (
            "mikel-mail/multi_charset/japanese_shift_jis.eml",
            "あいうえお\n\nこのメールはテスト用のメールです。\n\n今後ともよろしくお願い申し上げます！\n",
        ),
        ("mikel-mail/multi_charset/ks_c_5601-1987.eml", "스티해\n"),
        (
            "mikel-mail/plain_emails/raw_email_with_partially_quoted_subject.eml",
            "대부분의 마찬가지로, 우리는 하나님을 믿습니다.\n\n제 이름은 Jamis입니다.",
        ),
        ("mikel-mail/mime_emails/raw_email7.eml", "This is the first part.\n"),
        (
            "mikel-mail/mime_emails/sig_only_email.eml",
            "This is random text, not what has been signed below, ie, this sig\nemail is not signed correctly.\n",
        ),
        ("mikel-mail/plain_emails/raw_email_reply.eml", "Message body\n"),
        (
            "mikel-mail/plain_emails/raw_email_bad_time.eml",  # unquoted boundary with "=": parts recovered
            "\nFilter2: This message has been scanned for viruses and\ndangerous content by MailScanner, and is\n"
            "believed to be clean.\n\n",
        ),
        ("cpython/msg_15.txt", "Some removed test.\n"),  # nested multipart re-using the outer boundary
        (
            "mail-parser-stalwart/thirdparty/004.eml",  # 6bit, 7bits, "8 bit", 7-bit, 8-bit, empty CTE
            "Move black king to queen's bishop\n\n\n"
            + "Move ♚ to ♛'s ♝\n\n\n" * 4
            + "Move =E2=99=9A to =E2=99=9B's =E2=99=9D\n",
        ),
    ],
)
def test_body_decoding(path: str, expected: str) -> None:
    assert body_text(_message(FIXTURES / path)) == expected


@needs_fixtures
def test_utf7_body() -> None:
    body = body_text(_message(FIXTURES / "mail-parser-stalwart" / "legacy" / "001.eml"))
    assert body.startswith("Die Hasen und die Frösche\n\nDie Hasen klagten einst über ihre mißliche Lage; ")


@needs_fixtures
def test_html_only_body() -> None:
    msg = _message(FIXTURES / "mikel-mail" / "error_emails" / "content_transfer_encoding_with_8bits.eml")
    body = body_text(msg)  # CTE "8bits", text/html only
    assert body.startswith("December 04, 2001\n\nCan't read this email? Click here\n\nIssue#: e13011\n")
    assert "<" not in body and "&nbsp;" not in body and "font-family" not in body


def test_html_to_text() -> None:
    html = (
        "<html><head><style>p {margin:0}</style><title>t</title></head><body><p>One &amp; two</p>"
        "<p>three<br>four</p><div>five</div><div><br></div><div>six&nbsp;!</div><script>x()</script>"
        "<div class=gmail_quote>On Mon, Ann wrote:<blockquote>old<blockquote>older</blockquote>"
        "</blockquote></div><p class=MsoNormal>a</p><p class=MsoNormal>b</p></body></html>"
    )
    assert html_to_text(html) == (
        "One & two\n\nthree\nfour\n\nfive\n\nsix\u00a0!\n> On Mon, Ann wrote:\n> > old\n> > > older\na\nb"
    )


def test_format_flowed() -> None:
    flowed = "Hello, this is a \nlong line.\n-- \nsig\n> quoted \n> more\nnext"
    assert unflow(flowed, delsp=False) == "Hello, this is a long line.\n-- \nsig\n> quoted more\nnext"
    assert unflow("ab\ncd", delsp=True) == "ab\ncd"
    assert unflow("lo \nng", delsp=True) == "long"


# ---------------------------------------------------------------------------------------------------
# Containers: mbox quirks, single .eml, Maildir.


@needs_fixtures
def test_cpython_mbox_unescaped_from_line() -> None:
    path = FIXTURES / "cpython" / "mailbox_01.mbox"
    assert len(mailbox.mbox(str(path))) == 2  # the stdlib splits the body's "From time to time"
    file = ExportFile(path)
    assert detect(file) is MBOX
    records = list(MBOX.parse(file))
    assert len(records) == 1 and isinstance(records[0], Message)
    message = records[0]
    assert message.text == "Hello\n\nFrom time to time"
    assert message.timestamp == datetime(2022, 8, 7, 11, 40, 37)  # no Date header: the envelope's date
    assert (message.sender, message.chat, message.source.line) == (
        "foo",
        "unquoted From in body; extra info on From line",
        1,
    )


MBOX_DATA = b"""From 1700000000000000001@xxx Tue Aug 10 12:34:56 +0000 2021
X-GM-THRID: 1700000000000000001
Message-ID: <a1@mail.example>
From: "Ann Example" <ann@example.org>
To: Bob <bob@example.org>, carol@example.org
Cc: Dan <dan@example.org>
Subject: Lunch plans
Date: Tue, 10 Aug 2021 14:34:56 +0200

Lunch at noon?

>From the office, Ann
>>From here

From bob@example.org Tue Aug 10 13:00:00 2021
Message-ID: <b2@mail.example>
In-Reply-To: <a1@mail.example>
References: <a1@mail.example>
From: Bob <bob@example.org>
To: Ann Example <ann@example.org>
Subject: RE: AW: Lunch plans
Date: Tue, 10 Aug 2021 07:00:00 -0400
Content-Type: text/plain; charset=utf-8

Sure!

From time to time I eat late.

On Tue, Aug 10, 2021 at 2:34 PM Ann Example <ann@example.org> wrote:
> Lunch at noon?

From carol@example.org Tue Aug 10 13:05:00 2021
Message-ID: <c3@mail.example>
References: <a1@mail.example> <b2@mail.example>
From: carol@example.org
Subject: Re: Lunch plans
Date: Tue, 10 Aug 2021 13:05:00 +0000

> Sure!

From dan@example.org Tue Aug 10 13:06:00 2021
From: dan@example.org
Subject: Re: Lunch plans
Date: someday

Count me in.
"""


def test_mbox_messages_threading_and_skips(tmp_path: Path) -> None:
    records = _records(tmp_path, MBOX_DATA)
    assert [type(r).__name__ for r in records] == ["Message", "Message", "Skipped", "Message"]
    ann, bob, carol, dan = records
    assert isinstance(ann, Message) and isinstance(bob, Message) and isinstance(dan, Message)
    assert (ann.platform, ann.kind, ann.sender, ann.chat, ann.id, ann.reply_to) == (
        "email",
        Kind.TEXT,
        "Ann Example",
        "Lunch plans",
        "a1@mail.example",
        None,
    )
    assert ann.text == "Lunch at noon?\n\nFrom the office, Ann"  # mboxrd: ">From " unescaped, ">>From" quoted
    assert ann.timestamp == datetime(2021, 8, 10, 14, 34, 56)  # the sender's wall clock, as written
    assert ann.extra == {
        "address": "ann@example.org",
        "subject": "Lunch plans",
        "utc_offset": "+02:00",
        "to": "Bob <bob@example.org>, carol@example.org",
        "cc": "Dan <dan@example.org>",
    }
    assert (ann.source.line, bob.source.line, carol.source.line, dan.source.line) == (1, 15, 32, 41)
    assert (bob.chat, bob.reply_to) == ("Lunch plans", "a1@mail.example")
    assert bob.text == "Sure!\n\nFrom time to time I eat late."  # an unescaped "From " stays in the body
    assert bob.timestamp == datetime(2021, 8, 10, 7, 0) and bob.extra["utc_offset"] == "-04:00"
    assert isinstance(carol, Skipped) and carol.reason == "empty after removing quotes"
    assert carol.source.line == 32 and carol.text == "Re: Lunch plans"
    assert dan.timestamp == datetime(2021, 8, 10, 13, 6) and dan.sender == "dan@example.org"  # envelope date


def test_mbox_crlf_and_missing_headers(tmp_path: Path) -> None:
    data = (
        b"From a@x Mon Jan  1 10:00:00 2024\r\nFrom: A <a@x.org>\r\nSubject: hi\r\n\r\nhello\r\n\r\n"
        b"From b@x Mon Jan  1 11:00:00 2024\r\nSubject: no sender\r\n\r\ntext\r\n"
    )
    first, second = _records(tmp_path, data)
    assert isinstance(first, Message) and first.text == "hello"
    assert first.timestamp == datetime(2024, 1, 1, 10)
    assert isinstance(second, Skipped) and second.reason == "no sender (From header)"


def test_skips_without_any_date(tmp_path: Path) -> None:
    data = b"From: a@x.org\r\nSubject: s\r\nMessage-ID: <1@x>\r\n\r\nbody\r\n"
    (record,) = _records(tmp_path, data, "m.eml")
    assert isinstance(record, Skipped) and record.reason == "no parseable Date header"


def test_received_date_fallback_and_implausible_year(tmp_path: Path) -> None:
    data = (
        b"Received: from b by c; Mon, 30 Apr 2001 12:17:50 +0200\nFrom: a@x.org\n"
        b"Date: Mon, 30 Jun 3609 15:33:50 +0600\n\nhi\n"
    )
    (record,) = _records(tmp_path, data, "msg")
    assert isinstance(record, Message) and record.timestamp == datetime(2001, 4, 30, 12, 17, 50)


@needs_fixtures
def test_eml_with_mbox_from_line() -> None:
    path = FIXTURES / "mikel-mail" / "plain_emails" / "raw_email_with_partially_quoted_subject.eml"
    assert path.read_bytes().startswith(b"From ")
    file = ExportFile(path)
    assert detect(file) is EML
    (message,) = EML.parse(file)
    assert isinstance(message, Message)
    assert (message.chat, message.sender) == ('Test: "漢字" mid "漢字" tail', "Jamis Buck")
    assert message.source.line == 1


@needs_fixtures
@pytest.mark.parametrize(
    ("path", "message_id", "reply_to", "chat"),
    [
        (
            "talon/standard_replies/apple_mail_2.eml",
            "68001B29-8EA4-444C-A894-0537D2CA5208@tictail.com",
            "CABzQGhkMXDxUt_tSVQcg=43aniUhtsVfCZVzu-PG0kwS_uzqMw@mail.gmail.com",
            "Hello there",
        ),
        (
            "mikel-mail/plain_emails/raw_email_reply.eml",
            "473FFE27.20003@xxx.org",
            "348F04F142D69C21-291E56D292BC@xxxx.net",
            "Test reply email",
        ),
        ("talon/standard_replies/hotmail.eml", "DUB102-W192C6E94759954C4885B92B14C0@phx.gbl", None, "Test"),
    ],
)
def test_threading_fields(path: str, message_id: str, reply_to: str | None, chat: str) -> None:
    (message,) = EML.parse(ExportFile(FIXTURES / path))
    assert isinstance(message, Message)
    assert (message.id, message.reply_to, message.chat) == (message_id, reply_to, chat)


@needs_fixtures
def test_every_fixture_email_imports_without_error() -> None:
    paths = [
        *FIXTURES.glob("mikel-mail/*/*.eml"),
        *FIXTURES.glob("mail-parser-stalwart/*/*.eml"),
        *FIXTURES.glob("talon/**/*.eml"),
        FIXTURES / "cpython" / "msg_15.txt",
    ]
    detected = {p.name: detect(ExportFile(p)) for p in paths}
    assert [name for name, imp in detected.items() if imp is None] == ["bad_encoded_subject.eml"]  # 1 header
    records = [r for p in paths for r in EML.parse(ExportFile(p))]
    messages = [r for r in records if isinstance(r, Message)]
    assert len(records) == len(paths) == 42 and len(messages) == 34  # 7 have no Date, 1 no From
    assert all(m.text and m.sender and "\ufffd" not in m.text + m.chat for m in messages)


def test_maildir_files_detected_by_content(tmp_path: Path) -> None:
    maildir = tmp_path / "Maildir"
    files = (("cur", "1700000000.M1P1.host:2,S", "first", 1), ("new", "1700000001.M2P2.host", "second", 2))
    for sub, name, body, second in files:
        (maildir / sub).mkdir(parents=True)
        (maildir / sub / name).write_bytes(
            f"Return-Path: <a@x.org>\nDelivered-To: b@x.org\nReceived: by y; Mon, 1 Jan 2024 10:00 +0000\n"
            f"From: A <a@x.org>\nDate: Mon, 1 Jan 2024 10:00:0{second} +0000\n\n{body}\n".encode()
        )
    (maildir / "tmp").mkdir()
    result = load([maildir])
    assert [m.text for m in result.messages] == ["first", "second"]
    assert {r.format for r in result.reports} == {"eml"}


def test_sniff_rejects_lookalikes(tmp_path: Path) -> None:
    for name, data in [
        ("notes.txt", b"subject: yaml-ish\nto: me\n\nbody\n"),
        ("chat.txt", b"12/31/23, 10:00 - Ann: From here\n"),
        ("junk.bin", bytes(range(256)) * 4),
        ("from.txt", b"From here to there\nis far.\n"),
    ]:
        (tmp_path / name).write_bytes(data)
        file = ExportFile(tmp_path / name)
        assert not EML.sniff(file) and not MBOX.sniff(file), name


def test_malformed_input_raises_import_file_error(tmp_path: Path) -> None:
    cases = [
        (EML, b"this is not an email\nat all\n", 1),
        (MBOX, b"\nplain text, no envelope\n", 2),
        (MBOX, b"From nobody Mon Jan  1 10:00:00 2024\nno headers here\n", 1),
    ]
    for importer, data, line in cases:
        path = tmp_path / "bad"
        path.write_bytes(data)
        with pytest.raises(ImportFileError) as caught:
            list(importer.parse(ExportFile(path)))
        assert (caught.value.file, caught.value.line) == (str(path), line)


def test_thread_subject() -> None:
    assert thread_subject("Re: AW: Fwd: SV: TR: RE[2]: Quarterly numbers") == "Quarterly numbers"
    assert thread_subject("回复：你好") == "你好"
    assert thread_subject("Re: ") == "(no subject)"
    assert thread_subject("Reunion") == "Reunion"


def test_header_and_body_fallbacks(tmp_path: Path) -> None:
    """UTF-7 encoded word, adjacent B words, raw UTF-8 and Latin-1 bytes mixed, unknown body charset."""
    raw = (
        b"From: =?utf-7?Q?J+APw-rgen?= <j@x.org>\nTo: undisclosed-recipients:;\n"
        b"Subject: =?UTF-8?B?SGVs?= =?UTF-8?B?bG8=?= \xe2\x80\x94 caf\xe9\n"
        b"Date: Mon, 1 Jan 2024 10:00:00 +0000\n"
        b"Content-Type: text/plain; charset=unknown-thing\n\ncaf\xe9 \xe2\x82\xac\n"
    )
    (message,) = _records(tmp_path, raw, "m.eml")
    assert isinstance(message, Message)
    assert (message.sender, message.extra["address"]) == ("Jürgen", "j@x.org")
    assert message.chat == "Hello \u2014 café"
    assert message.text == "café €" and "to" not in message.extra


def test_mbox_sender_from_the_envelope_when_there_is_no_from_header(tmp_path: Path) -> None:
    data = (
        b"From b1ff@example.com Sun May  6 10:00:00 2012\nSubject: hi\nDate: Sun, 6 May 2012 10:00:00 +0000\n\nhello\n"
        b"From 1712345678901234567@xxx Sun May  6 11:00:00 2012\nSubject: gmail id\n\ntext\n"
    )
    note, first, second = _records(tmp_path, data)
    assert isinstance(note, Note) and note.source == first.source  # the inference, beside its message
    assert isinstance(first, Message) and first.sender == "b1ff@example.com" and first.text == "hello"
    assert first.extra["address"] == "b1ff@example.com"
    assert first.extra["sender_from"] == "mbox envelope (no From header)"
    assert isinstance(second, Skipped) and second.reason == "no sender (From header)"  # a Gmail id, no address
    box = tmp_path / "envelope.mbox"
    box.write_bytes(data)
    (report,) = load([box]).reports
    assert report.notes == {"sender taken from the mbox envelope (no From header)": 1}  # the report says so

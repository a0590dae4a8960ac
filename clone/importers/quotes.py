"""Keep only what the sender wrote in an email body: drop quoted replies, forwarded history and signatures.

Rule-based and line-oriented. A reply is cut at the first sign of older mail that is not ``>``-quoted
(an "On ... wrote:" line followed by unquoted text, "-----Original Message-----", an Outlook
From:/Sent:/To: block, a ``____`` rule); ``>``-quoted lines and the attribution line above them are
dropped wherever they are, so bottom-posted and inline replies keep the sender's own lines.
"""

from __future__ import annotations

import re

_QUOTED = re.compile(r"^\s*>")
_ADDRESS_TAIL = re.compile(r"^\s*>\s*:\s*$")  # "... <bob@x.com\n>:" wrapped inside the address
_LEAD_WORD = (
    r"^[\s>*-]*(?:on|le|am|el|il|em|op|den|dne|dňa|på|w dniu|dnia|in data|il giorno|citando|zitat von)\b"
    r"|^\W*\d"
)
_STRONG_LEAD = re.compile(_LEAD_WORD, re.IGNORECASE)
_LEAD = re.compile(rf"{_LEAD_WORD}|^.{{0,30}}\d", re.IGNORECASE)  # or a date early in the line
_VERBS = (
    r"wrote|writes|a écrit|a ecrit|escribió|escribio|escreveu|ha scritto|scrisse|kirjoitti|írta|"
    r"napisał\(a\)|napisała|napisał|napisal|написал\(а\)|написала|написал|пишет|napsal|napísal|"
    r"schreef|yazdı|skrev|schrieb|skriver|kirjutas|rašė"
)
_VERB_COLON = re.compile(rf"(?:{_VERBS})\s*:\s*-*\s*$", re.IGNORECASE)
_VERB_BARE = re.compile(rf"\b(?:{_VERBS})\s*-*\s*$", re.IGNORECASE)
# German/Dutch/Nordic put the name after the verb: "Am 1.2.2017 schrieb Max <max@x.de>:"
_VERB_INNER = re.compile(r"\b(?:schrieb|schreef|skrev|escreveu|kirjoitti|написал\w*)\b.*:\s*$", re.IGNORECASE)
_DATED = re.compile(r"^(?=.*\d{1,2}[:.]\d{2})(?=.*@).*:\s*$")  # "30.09.2017, 18.30, "J" <j@x.com>:"
_SEPARATOR = re.compile(
    r"^\s*(?:[-=_*~]{2,}\s*(?:original message|original|forwarded message|forwarded|message d'origine|"
    r"message transféré|message transfere|ursprüngliche nachricht|weitergeleitete nachricht|"
    r"oprindelig besked|videresendt besked|videresendt meddelelse|mensaje original|mensaje reenviado|"
    r"messaggio originale|messaggio inoltrato|mensagem original|mensagem encaminhada|"
    r"oorspronkelijk bericht|doorgestuurd bericht|originalmeddelande|"
    r"vidarebefordrat meddelande|opprinnelig melding|videresendt melding|alkuperäinen viesti|"
    r"välitetty viesti|исходное сообщение|пересылаемое сообщение|пересланное сообщение|"
    r"wiadomość oryginalna|oryginalna wiadomość|przekazana wiadomość|původní zpráva|eredeti üzenet|"
    r"reply message|original e-?mail)\s*[-=_*~]{2,}"
    r"|(?:begin forwarded message|anfang der weitergeleiteten nachricht|début du message réexpédié|"
    r"inicio del mensaje reenviado|inizio messaggio inoltrato|início da mensagem reencaminhada)\s*:"
    r"|_{2,})\s*$",
    re.IGNORECASE,
)
_FROM_KEYS = r"from|de|von|van|da|fra|från|od|от|lähettäjä|feladó|kimden|发件人|寄件者|差出人|message du"
_OTHER_KEYS = (
    r"sent|date|to|cc|bcc|subject|reply-to|on behalf of|envoyé le|envoyé|à|a|objet|sujet|copie à|"
    r"gesendet|datum|an|betreff|kopie|verzonden|aan|onderwerp|inviato|oggetto|data|sendt|til|emne|dato|"
    r"kopi|skickat|till|ämne|lähetetty|vastaanottaja|aihe|wysłano|do|temat|отправлено|кому|тема|дата|"
    r"копия|enviado|enviada|para|assunto|asunto|fecha|tárgy|címzett|elküldve|收件人|主题|日期|发送时间"
)
_KEY = re.compile(rf"^\s*\*?\s*(?:({_FROM_KEYS})|{_OTHER_KEYS})\s*\*?\s*:", re.IGNORECASE)
_SENT_FROM = re.compile(
    r"^(?:(?:sent|envoyé|enviado|inviato|gesendet|verzonden|verstuurd|skickat|sendt|lähetetty|"
    r"отправлено|wysłane|odesláno)\s+(?:from|with|via|using|on|de|depuis|à partir de|desde|do|da|"
    r"von|mit|met|vanaf|från|fra|с|z)\b|get outlook for|obtenir outlook pour|von meinem \S+ gesendet|"
    r"descargar outlook para|scarica outlook per|hol dir outlook für)(?P<rest>.*)$",
    re.IGNORECASE,
)
_DASH_SIG = re.compile(r"^[—–]+$")  # an em/en-dash rule opening a signature block
_RULE = re.compile(r"^\s*[-_=*]{4,}\s*$")
_CONTACT = re.compile(r"\S+@\S+\.\w+|https?://|www\.|\+?\d[\d\s().-]{6,}\d")


def extract_reply(text: str, sender: str | None = None) -> str:
    """The part of ``text`` the sender wrote: quotes, forwarded history and signature removed."""
    return strip_signature(strip_quotes(text), sender)


def strip_quotes(text: str) -> str:
    """Drop quoted and forwarded mail, keeping the sender's lines (signature included)."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    kept: list[str] = []
    i = 0
    while i < len(lines):
        if _QUOTED.match(lines[i]) or _broken_wrap(lines, i):
            i += 1
            continue
        if _SEPARATOR.match(lines[i]) or _header_block(lines, i):
            break
        end = _attribution_end(lines, i)
        if end is None:
            kept.append(lines[i])
            i += 1
            continue
        after = _next_text(lines, end)
        if after is None or _QUOTED.match(lines[after]):
            i = end  # the quote's attribution: drop it, keep reading (bottom-posting, inline replies)
        elif re.search(r"@|\d", " ".join(lines[i:end])):
            break  # top-posting with the old mail pasted unquoted below
        else:
            kept.append(lines[i])  # "As Bob wrote:" in the sender's own prose
            i += 1
    return _tidy(kept)


def strip_signature(text: str, sender: str | None = None) -> str:
    """Cut a "-- " signature, a "Sent from my iPhone" line, or a trailing contact block."""
    lines = text.split("\n")
    cut = next((i for i in range(len(lines)) if _signature_starts(lines, i)), len(lines))
    lines = lines[:cut]
    return _tidy(_strip_contact_block(lines, sender))


def _signature_starts(lines: list[str], i: int) -> bool:
    stripped = lines[i].strip()
    if lines[i].rstrip() == "--":
        return True
    if _DASH_SIG.match(stripped):
        return len(lines) - i <= 12
    match = _SENT_FROM.match(stripped)
    return bool(match and _short_tail(match.group("rest")))


def _short_tail(rest: str) -> bool:
    """A device/app name, not a sentence: "my iPhone", "Outlook for iOS<https://...>"."""
    rest = re.sub(r"<[^>]*>|\([^)]*\)", " ", rest)
    return len(rest.split()) <= 6 and not re.search(r"[,;!?]|\.\s", rest)


def _strip_contact_block(lines: list[str], sender: str | None) -> list[str]:
    """Drop a trailing "Name / phone / email / url" block that starts with the sender's name."""
    names = _name_parts(sender)
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    for start in range(max(1, end - 16), end if names else 0):
        block = [line for line in lines[start:end] if line.strip()]
        head = lines[start].strip().lower()
        if (
            len(block) >= 2
            and len(head) <= 40
            and any(name in head for name in names)
            and all(len(line) <= 60 for line in block)
            and any(_CONTACT.search(line) for line in block[1:])
        ):
            rule = next((j for j in range(start - 1, max(0, start - 7), -1) if _RULE.match(lines[j])), start)
            return lines[:rule] if any(line.strip() for line in lines[:rule]) else lines
    return lines


def _name_parts(sender: str | None) -> list[str]:
    """Lowercase words of a display name, or of an address's local part ("john.doe@x" -> john, doe)."""
    text = (sender or "").split("@")[0].lower()
    return [part for part in re.split(r"[\W_]+", text) if len(part) >= 3]


def _broken_wrap(lines: list[str], i: int) -> bool:
    """An unquoted line between two quoted ones: a long quoted line re-wrapped without its ">"."""
    return (
        0 < i < len(lines) - 1
        and bool(lines[i].strip())
        and bool(_QUOTED.match(lines[i - 1]))
        and len(lines[i - 1]) >= 50
        and bool(_QUOTED.match(lines[i + 1]))
    )


def _attribution_end(lines: list[str], i: int) -> int | None:
    """End (exclusive) of an "On <date>, <name> wrote:" line starting at ``i``, wrapped over <= 3 lines."""
    for k in range(3):
        j = i + k
        if j >= len(lines) or not lines[j].strip():
            return None
        if _QUOTED.match(lines[j]) and not (k and _ADDRESS_TAIL.match(lines[j])):
            return None
        if k and not _LEAD.search(lines[i]):
            return None
        window = " ".join(line.strip() for line in lines[i : j + 1])
        if len(window) > 320:
            return None
        if _is_attribution(window, lead=bool(_LEAD.search(lines[i]))):
            # "Hi,\nOn Mon ... wrote:" belongs to the later line when it matches on its own
            if k and _STRONG_LEAD.search(lines[i + 1]) and _attribution_end(lines, i + 1) == j + 1:
                return None
            return j + 1
    return None


def _is_attribution(window: str, lead: bool) -> bool:
    if _VERB_COLON.search(window):
        return True
    if not lead or not re.search(r"@|\d", window):
        return False
    return bool(_VERB_BARE.search(window) or _VERB_INNER.search(window) or _DATED.search(window))


def _header_block(lines: list[str], i: int) -> bool:
    """A From:/Sent:/To:/Subject: block (any language) pasted without ">"; needs a From-like key."""
    first = _KEY.match(lines[i])
    if not first:
        return False
    keys, has_from = 1, bool(first.group(1))
    for line in lines[i + 1 : i + 9]:
        match = _KEY.match(line)
        if match:
            keys += 1
            has_from = has_from or bool(match.group(1))
    return keys >= 2 and has_from


def _next_text(lines: list[str], start: int) -> int | None:
    return next((j for j in range(start, len(lines)) if lines[j].strip()), None)


def _tidy(lines: list[str]) -> str:
    """Trim trailing spaces, runs of blank lines, and separator debris ("----", "====") at the end."""
    text = "\n".join(line.rstrip() for line in lines)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    return re.sub(r"(?:\n[\s\-_=*~]*)+$", "", text).strip("\n")

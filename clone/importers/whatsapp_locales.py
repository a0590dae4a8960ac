"""WhatsApp's own wording per UI language: the lines it writes itself, which must not train a clone.

One dict per kind of line, keyed by language (BCP 47), each value the wordings of iOS and Android (they
differ: Android writes "<Media omitted>" where iOS writes "image omitted", "video omitted"...). Bodies are
compared after removing invisible marks (LRM/RLM...) at both ends; ``whatsapp.normalise`` also drops marks
inside and reads Arabic-Indic/Persian digits as ASCII. Deleted wordings are compared without a final ".".

Sources, read through code search in public repositories (tables written here, not copied; a search id is
given where the repository name was not shown):
  [A] this importer's earlier tables and the shared fixtures (egregora pt-BR export, linuswillner's
      whatsapp-export-inconsistencies notes for en iOS/Android), and the wording quoted in issue 19;
  [B] a Dart WhatsApp export parser's enum of iOS notices in ru, fr, it, pt-PT, de, uk, cs, es, ar
      (code search id 13362965092);
  [C] a JavaScript "group wrapped" analyser's multilingual list of Android "<media omitted>" lines
      (id 41733768322; broad, some entries look like guesses, hence only used as whole bracketed lines);
  [D] Turkish parsers: a TS isMediaOmittedLine (id 67199608409), a Kotlin SYSTEM_MESSAGE_PATTERNS (id 23583770025),
      interlace's locale notes (id 62455834727);
  [E] Polish parsers (ids 65716749911, 71271937370); [F] Indonesian scripts (ids 22172268913, 63310411511);
  [G] German parsers (ids 58114576567, 19320636461, 60309923439).
Entries marked (M) come from memory of real exports and were not confirmed by a public source in that search:
extend or correct them from real files (a wrong entry only fails to match; a whole-line match keeps typed text safe).
"""

from __future__ import annotations

# Whole first line of a media message: Android's "<Media omitted>" and iOS's per-type placeholders.
MEDIA_OMITTED: dict[str, tuple[str, ...]] = {
    "en": (
        "<Media omitted>",
        "<media omitted>",
        "image omitted",
        "video omitted",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "Contact card omitted",
        "document omitted",
        "live location shared",
    ),  # [A]
    "es": (
        "<Multimedia omitido>",
        "imagen omitida",
        "video omitido",
        "Video omitido",
        "audio omitido",
        "sticker omitido",
        "GIF omitido",
        "Tarjeta de contacto omitida",
        "documento omitido",
    ),  # [A][B]
    "pt-BR": ("<Mídia oculta>", "<Mídia omitida>", "imagem ocultada", "vídeo omitido", "áudio ocultado"),  # [A][C], (M)
    "pt-PT": (
        "<ficheiro não revelado>",
        "imagem não revelada",
        "vídeo não revelado",
        "ficheiro de áudio não revelado",
        "sticker não revelado",
        "GIF não revelada",
        "Contacto não revelado",
        "documento não revelado",
    ),  # [B][C]
    "hi": ("<मीडिया के बिना>",),  # [C]
    "id": ("<Media tidak disertakan>", "gambar tidak disertakan", "video tidak disertakan", "stiker tidak disertakan"),
    # id: [F]; iOS per-type lines (M)
    "ar": (
        "<تم استبعاد الوسائط>",
        "لم يتم إدراج الصورة",
        "لم يتم إدراج الفيديوهات",
        "لم يتم إدراج المقاطع الصوتية",
        "تم حذف الملصقات",
        "لم يتم إدراج صورة GIF",
        "لم يتم إدراج بطاقة جهة اتصال",
        "لم يتم إدراج المستند",
    ),  # [B][C]
    "ru": (
        "<Без медиафайлов>",
        "изображение отсутствует",
        "видео отсутствует",
        "аудио отсутствует",
        "стикер не добавлен",
        "GIF отсутствует",
        "карточка контакта отсутствует",
        "документ отсутствует",
    ),  # [A][B]
    "de": (
        "<Medien ausgeschlossen>",
        "Bild weggelassen",
        "Video weggelassen",
        "Audio weggelassen",
        "Sticker weggelassen",
        "GIF weggelassen",
        "Kontaktkarte ausgelassen",
        "Dokument weggelassen",
    ),  # [A][B][G]
    "fr": (
        "<Médias omis>",
        "image absente",
        "vidéo absente",
        "audio omis",
        "sticker omis",
        "GIF retiré",
        "Fiche contact manquante",
        "document manquant",
    ),  # [A][B]
    "it": (
        "<Media omessi>",
        "immagine omessa",
        "video omesso",
        "audio omesso",
        "sticker non incluso",
        "GIF esclusa",
        "Scheda contatto omessa",
        "documento omesso",
    ),  # [A][B]
    "tr": (
        "<Medya dahil edilmedi>",
        "görüntü dahil edilmedi",
        "video dahil edilmedi",
        "ses dahil edilmedi",
        "çıkartma dahil edilmedi",
        "GIF dahil edilmedi",
        "belge dahil edilmedi",
    ),  # [D]
    "nl": ("<Media weggelaten>", "afbeelding weggelaten", "video weggelaten", "audio weggelaten"),  # [A][C], iOS (M)
    "pl": ("<Multimedia pominięte>", "<pominięto multimedia>"),  # [E][C]
    "uk": (
        "<медіа пропущено>",
        "<Медіа пропущено>",
        "зображення відсутнє",
        "відео відсутнє",
        "аудіо відсутнє",
        "Наклейку не додано",
        "GIF-анімацію пропущено",
        "Картка контакту відсутня",
        "документ пропущено",
    ),  # [B][C]
    "cs": (
        "<Média vynechány>",
        "<Média vynechána>",
        "obrázek vynechán",
        "video vynecháno",
        "nálepka vynechána",
        "GIF vynechán",
        "Vizitka vynechána",
        "dokument vynechán",
    ),  # [A][B][C]
    "vi": ("<Bỏ qua Media>", "<bỏ qua tệp phương tiện>", "<Media đã bị bỏ qua>"),  # [C], last (M)
    "th": ("<ไม่มีสื่อ>", "<ไฟล์สื่อถูกลบ>", "<สื่อถูกลบ>"),  # [C], first (M)
    "ja": (
        "<メディアは含まれていません>",
        "<メディアなし>",
        "画像は含まれていません",
        "動画は含まれていません",
    ),  # [A][C], 動画 (M)
    "ko": ("<미디어 파일 제외됨>", "<미디어 파일을 생략한 대화내용>", "<미디어 없음>"),  # [C], last (M)
    "zh-CN": ("<省略影音内容>", "<省略多媒体文件>"),  # (M), [C]
    "zh-TW": ("<忽略多媒體檔>", "<省略影音內容>"),  # [C], (M)
    "fa": ("<رسانه حذف شد>", "<رسانه حذف شده>"),  # [C], (M)
    "ms": ("<Media dikecualikan>", "<Media tidak disertakan>"),  # [C][F]
}

# Endings of a media message's first line: Android "IMG-...jpg (file attached)" and iOS document lines
# ("report.pdf • 2 pages document omitted").
ATTACHED: dict[str, tuple[str, ...]] = {
    "en": ("(file attached)", "document omitted"),  # [A]
    "es": ("(archivo adjunto)", "documento omitido"),  # [A][B]
    "pt-BR": ("(arquivo anexado)",),  # [A] egregora export
    "pt-PT": ("(ficheiro anexado)", "documento não revelado"),  # (M), [B]
    "hi": ("(फ़ाइल संलग्न)",),  # (M)
    "id": ("(file terlampir)",),  # [F]
    "ar": ("(الملف مرفق)", "لم يتم إدراج المستند"),  # (M), [B]
    "ru": ("(файл добавлен)", "документ отсутствует"),  # [A] issue 19, [B]
    "de": ("(Datei angehängt)", "Dokument weggelassen"),  # [A][G]
    "fr": ("(fichier joint)", "document manquant"),  # [A][B]
    "it": ("(file allegato)", "documento omesso"),  # [A][B]
    "tr": ("(dosya ekli)", "belge dahil edilmedi"),  # [D]
    "nl": ("(bestand bijgevoegd)",),  # [A]
    "pl": ("(załączono plik)",),  # (M)
    "uk": ("(файл додано)", "документ пропущено"),  # (M), [B]
    "cs": ("(soubor byl přiložen)", "dokument vynechán"),  # [A] issue 19, [B]
    "vi": ("(tệp đính kèm)",),  # (M)
    "th": ("(ไฟล์แนบ)",),  # (M)
    "ja": ("(ファイル添付)",),  # (M)
    "ko": ("(파일 첨부됨)",),  # (M)
    "zh-CN": ("(文件附件)",),  # (M)
    "fa": ("(فایل پیوست شد)",),  # (M)
    "ms": ("(fail dilampirkan)",),  # (M)
}

# A deleted message, someone else's and one's own.
DELETED: dict[str, tuple[str, ...]] = {
    "en": ("This message was deleted", "You deleted this message"),  # [A]
    "es": ("Se eliminó este mensaje", "Este mensaje fue eliminado", "Eliminaste este mensaje"),  # [A][B]
    "pt-BR": ("Mensagem apagada", "Esta mensagem foi apagada", "Você apagou esta mensagem"),  # [A]
    "pt-PT": ("Esta mensagem foi apagada", "Apagou esta mensagem"),  # [B]
    "hi": ("यह मैसेज हटा दिया गया था", "आपने यह मैसेज हटा दिया"),  # (M)
    "id": ("Pesan ini telah dihapus", "Anda menghapus pesan ini"),  # [F], (M)
    "ar": ("تم حذف هذه الرسالة", "لقد حذفت هذه الرسالة"),  # [B], (M)
    "ru": ("Данное сообщение удалено", "Вы удалили данное сообщение"),  # [A][B]
    "de": ("Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht"),  # [A][B][G]
    "fr": ("Ce message a été supprimé", "Vous avez supprimé ce message"),  # [A][B]
    "it": ("Questo messaggio è stato eliminato", "Hai eliminato questo messaggio"),  # [A][B]
    "tr": ("Bu mesaj silindi", "Bu mesajı sildiniz"),  # [D]
    "nl": ("Dit bericht is verwijderd", "Je hebt dit bericht verwijderd", "U hebt dit bericht verwijderd"),  # [A]
    "pl": ("Ta wiadomość została usunięta", "Usunięto tę wiadomość", "Twoja wiadomość została usunięta"),  # [E], (M)
    "uk": ("Це повідомлення було видалено", "Ви видалили це повідомлення"),  # [B]
    "cs": ("Tato zpráva byla smazána", "Tuto zprávu jste smazal/a", "Tato zpráva byla odstraněna"),  # [B][A]
    "vi": ("Tin nhắn này đã bị xóa", "Bạn đã xóa tin nhắn này"),  # (M)
    "th": ("ข้อความนี้ถูกลบแล้ว", "คุณลบข้อความนี้แล้ว"),  # (M)
    "ja": ("このメッセージは削除されました", "メッセージを削除しました"),  # (M)
    "ko": ("삭제된 메시지입니다", "메시지를 삭제했습니다"),  # (M)
    "zh-CN": ("此消息已删除", "你删除了此消息"),  # (M)
    "fa": ("این پیام حذف شد", "شما این پیام را حذف کردید"),  # (M)
    "ms": ("Mesej ini telah dipadam", "Anda telah memadam mesej ini"),  # (M)
}

# Starts of the end-to-end encryption notices (and the security-code change), which iOS writes under the
# contact's or group's name.
ENCRYPTION: dict[str, tuple[str, ...]] = {
    "en": (
        "Messages and calls are end-to-end encrypted",
        "Messages to this group are now secured with end-to-end encryption",
        "Messages to this chat and calls are now secured with end-to-end encryption",
        "Messages you send to this group are now secured with end-to-end encryption",
        "Messages you send to this chat and calls are now secured with end-to-end encryption",
        "Your security code with ",
    ),  # [A]
    "es": ("Los mensajes y las llamadas están cifrados de extremo a extremo",),  # [A][B]
    "pt-BR": (
        "As mensagens e ligações são protegidas com a criptografia de ponta a ponta",
        "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta",
    ),  # [A] egregora export
    "pt-PT": ("As mensagens e chamadas são encriptadas ponto a ponto",),  # [B]
    "hi": ("मैसेज और कॉल एंड-टू-एंड एन्क्रिप्टेड हैं",),  # (M)
    "id": ("Pesan dan panggilan terenkripsi secara end-to-end",),  # [F] (its "Pesan dan panggilan" prefix), (M)
    "ar": ("الرسائل والمكالمات مشفرة تمامًا بين الطرفين",),  # [B]
    "ru": ("Сообщения и звонки защищены сквозным шифрованием",),  # [A][B]
    "de": ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",),  # [A][B][G]
    "fr": ("Les messages et les appels sont chiffrés de bout en bout",),  # [A][B]
    "it": ("I messaggi e le chiamate sono crittografati end-to-end",),  # [A][B]
    "tr": ("Mesajlar ve aramalar uçtan uca şifrelidir",),  # [D]
    "nl": ("Berichten en oproepen zijn end-to-end versleuteld",),  # [A]
    "pl": ("Wiadomości i połączenia są w pełni zaszyfrowane",),  # [E]
    "uk": ("Повідомлення й дзвінки захищено наскрізним шифруванням",),  # [B]
    "cs": ("Zprávy a hovory jsou opatřeny koncovým šifrováním",),  # [B]
    "vi": ("Tin nhắn và cuộc gọi được mã hóa đầu cuối",),  # (M)
    "th": ("ข้อความและการโทรได้รับการเข้ารหัสตั้งแต่ต้นทางถึงปลายทาง",),  # (M)
    "ja": ("メッセージと通話はエンドツーエンドで暗号化されています",),  # (M)
    "ko": ("메시지와 통화는 종단간 암호화됩니다",),  # (M)
    "zh-CN": ("消息和通话都进行端到端加密",),  # (M)
    "fa": ("پیام‌ها و تماس‌ها سرتاسر رمزگذاری شده‌اند",),  # (M)
    "ms": ("Mesej dan panggilan disulitkan hujung ke hujung",),  # (M)
}

# Starts of missed-call notices (iOS writes them under the caller's name).
MISSED_CALL: dict[str, tuple[str, ...]] = {
    "en": ("Missed voice call", "Missed video call", "Missed group voice call", "Missed group video call"),  # [A]
    "es": ("Llamada perdida", "Llamada de voz perdida", "Videollamada perdida"),  # (M)
    "pt-BR": ("Chamada de voz perdida", "Chamada de vídeo perdida"),  # (M)
    "pt-PT": ("Chamada de voz não atendida", "Chamada de vídeo não atendida"),  # (M)
    "hi": ("मिस्ड वॉइस कॉल", "मिस्ड वीडियो कॉल"),  # (M)
    "id": ("Panggilan suara tak terjawab", "Panggilan video tak terjawab"),  # (M)
    "ar": ("مكالمة صوتية فائتة", "مكالمة فيديو فائتة"),  # (M)
    "ru": ("Пропущенный аудиозвонок", "Пропущенный видеозвонок"),  # [A] issue 19, (M)
    "de": ("Verpasster Sprachanruf", "Verpasster Videoanruf"),  # [G]
    "fr": ("Appel vocal manqué", "Appel vidéo manqué"),  # (M)
    "it": ("Chiamata vocale persa", "Videochiamata persa"),  # (M)
    "tr": ("Cevapsız sesli arama", "Cevapsız görüntülü arama"),  # [D]
    "nl": ("Gemiste spraakoproep", "Gemiste video-oproep"),  # (M)
    "pl": ("Nieodebrane połączenie głosowe", "Nieodebrane połączenie wideo"),  # [E]
    "uk": ("Пропущений аудіодзвінок", "Пропущений відеодзвінок"),  # (M)
    "cs": ("Zmeškaný hovor", "Zmeškaný videohovor"),  # [A] issue 19, [B], (M)
    "vi": ("Cuộc gọi thoại bị nhỡ", "Cuộc gọi video bị nhỡ"),  # (M)
    "th": ("สายที่ไม่ได้รับ",),  # (M)
    "ja": ("不在着信",),  # (M)
    "ko": ("부재중 음성통화", "부재중 영상통화"),  # (M)
    "zh-CN": ("未接语音通话", "未接视频通话"),  # (M)
    "fa": ("تماس صوتی بی‌پاسخ", "تماس تصویری بی‌پاسخ"),  # (M)
    "ms": ("Panggilan suara terlepas", "Panggilan video terlepas"),  # (M)
}

LANGUAGES = tuple(DELETED)  # zh-TW has media wording only

# ---------------------------------------------------------------------------------------------------
# Header wording: month names and times of day in words. Their forms are the CLDR ones that Android's and
# iOS's date formatters print (DateUtils "Mar 5, 8:11 PM", "19:23, 28 Aug 2013"; the "h:mm B" day-period
# pattern "9:15 in the morning"), seen in the real files quoted in issue 19 [A]; the other locales' period
# words are CLDR's (M: not yet seen in a public export).

# Month names as headers write them (no year for the export's own year: the importer infers it).
MONTHS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("Jan", "January"),
        ("Feb", "February"),
        ("Mar", "March"),
        ("Apr", "April"),
        ("May",),
        ("Jun", "June"),
        ("Jul", "July"),
        ("Aug", "August"),
        ("Sep", "Sept", "September"),
        ("Oct", "October"),
        ("Nov", "November"),
        ("Dec", "December"),
    ),  # [A]
}

# Times of day in words, and how each maps a 12-hour clock to 24 hours: "am", "pm", "noon" (10-11 stay in
# the morning, 12 and later are afternoon: "siang", "中午") and "night" (6-11 are evening, 12-5 after
# midnight: "at night", "de la noche", "malam", "晚上").
DAY_PERIODS: dict[str, dict[str, str]] = {
    "en": {
        "in the morning": "am",
        "in the afternoon": "pm",
        "in the evening": "pm",
        "at night": "night",
        "noon": "noon",
        "midnight": "am",
    },  # [A] issue 19 ("9:15 in the morning"); afternoon, evening, night, noon (M)
    "es": {
        "de la madrugada": "am",
        "de la mañana": "am",
        "del mediodía": "noon",
        "de la tarde": "pm",
        "de la noche": "night",
    },  # (M)
    "pt": {
        "da madrugada": "am",
        "da manhã": "am",
        "da tarde": "pm",
        "da noite": "night",
        "meio-dia": "noon",
        "meia-noite": "am",
    },  # (M)
    "id": {"pagi": "am", "siang": "noon", "sore": "pm", "malam": "night", "tengah malam": "am"},  # (M)
}

# The same written before the time ("下午9:15", "오후 9:15").
DAY_PERIODS_BEFORE: dict[str, dict[str, str]] = {
    "zh": {"凌晨": "am", "早上": "am", "上午": "am", "中午": "noon", "下午": "pm", "晚上": "night"},  # (M)
    "ko": {"새벽": "am", "오전": "am", "정오": "noon", "오후": "pm", "저녁": "pm", "밤": "night"},  # (M)
}


def every(table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """All wordings of one table, in every language, without repeats."""
    return tuple(dict.fromkeys(wording for wordings in table.values() for wording in wordings))

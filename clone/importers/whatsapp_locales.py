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
  [G] German parsers (ids 58114576567, 19320636461, 60309923439);
  [W] starkdmi/whats_json's WhatsAppPatterns (Dart, id 5538425153): one alternation per kind of line with every
      language of WhatsApp's own string files (iOS Localizable.strings v22.24.81, Android strings.xml 2.8.4278, as
      its comments name them); the alternations are not labelled by language, so each wording is filed here under
      the language it is written in;
  [X] parsers quoting real export lines: Chinese (ids 53770786775, 2489925561, 54784086503: "<省略影音内容>",
      "消息和通话已进行端到端加密", "(文件附件)", zh-TW iOS "圖片已略去"), pt-BR (ids 69459170186, 950913866,
      53175864523: iOS "\u200eimagem ocultada", "áudio ocultado", "vídeo ocultado", "figurinha omitida"), nl iOS
      (ids 21414001308, 71409184373, 14130696130: "afbeelding weggelaten" after a U+200E mark);
  [C2] scrapinghub/dateparser's date_translation_data (CLDR-derived month and weekday names: tr, id, nl read);
  [C3] PSeitz/f4ker-rs's CLDR release-27 ru month table (format and stand-alone, abbreviated and wide).
Entries marked (M) come from memory of real exports and were not confirmed by a public source in those searches:
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
    ),  # [A][W]
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
    ),  # [A][B][W]
    "pt-BR": (
        "<Mídia oculta>",
        "<Mídia omitida>",
        "imagem ocultada",
        "vídeo omitido",
        "vídeo ocultado",
        "áudio ocultado",
        "figurinha omitida",
        "Cartão do contato omitido",
    ),  # [A][C][W][X]
    "pt-PT": (
        "<ficheiro não revelado>",
        "imagem não revelada",
        "vídeo não revelado",
        "ficheiro de áudio não revelado",
        "sticker não revelado",
        "GIF não revelada",
        "Contacto não revelado",
        "documento não revelado",
    ),  # [B][C][W]
    "hi": (
        "<मीडिया के बिना>",
        "फ़ोटो हटाई गई",
        "वीडियो छोड़ा गया",
        "ऑडियो हटाई गयी",
        "स्टिकर छोड़ा गया",
        "GIF छोड़ा गया",
        "कॉन्टैक्ट कार्ड छोड़ा गया",
        "डॉक्यूमेंट छोड़ा गया",
    ),  # [C][W]
    "id": (
        "<Media tidak disertakan>",
        "gambar tidak disertakan",
        "video tidak disertakan",
        "audio tidak disertakan",
        "stiker tidak disertakan",
        "GIF tidak disertakan",
        "Kartu kontak tidak disertakan",
        "dokumen tidak disertakan",
    ),  # [F][W]
    "ar": (
        "<تم استبعاد الوسائط>",
        "لم يتم إدراج الصورة",
        "لم يتم إدراج الفيديوهات",
        "لم يتم إدراج المقاطع الصوتية",
        "تم حذف الملصقات",
        "لم يتم إدراج صورة GIF",
        "لم يتم إدراج بطاقة جهة اتصال",
        "لم يتم إدراج المستند",
    ),  # [B][C][W]
    "ru": (
        "<Без медиафайлов>",
        "изображение отсутствует",
        "видео отсутствует",
        "аудио отсутствует",
        "аудиофайл отсутствует",
        "стикер не добавлен",
        "GIF отсутствует",
        "карточка контакта отсутствует",
        "документ отсутствует",
    ),  # [A][B][W]
    "de": (
        "<Medien ausgeschlossen>",
        "<Medien weggelassen>",
        "Bild weggelassen",
        "Video weggelassen",
        "Audio weggelassen",
        "Sticker weggelassen",
        "GIF weggelassen",
        "Kontaktkarte ausgelassen",
        "Dokument weggelassen",
    ),  # [A][B][G][W]
    "fr": (
        "<Médias omis>",
        "image absente",
        "vidéo absente",
        "audio omis",
        "sticker omis",
        "GIF retiré",
        "Fiche contact manquante",
        "document manquant",
    ),  # [A][B][W]
    "it": (
        "<Media omessi>",
        "<Media omesso>",
        "immagine omessa",
        "video omesso",
        "audio omesso",
        "sticker non incluso",
        "GIF esclusa",
        "Scheda contatto omessa",
        "documento omesso",
    ),  # [A][B][W]
    "tr": (
        "<Medya dahil edilmedi>",
        "görüntü dahil edilmedi",
        "video dahil edilmedi",
        "ses dahil edilmedi",
        "çıkartma dahil edilmedi",
        "Çıkartma dahil edilmedi",
        "GIF dahil edilmedi",
        "Kişi kartı dahil edilmedi",
        "belge dahil edilmedi",
    ),  # [D][W]
    "nl": (
        "<Media weggelaten>",
        "afbeelding weggelaten",
        "video weggelaten",
        "audio weggelaten",
        "sticker weggelaten",
        "GIF weggelaten",
        "Visitekaartje weggelaten",
        "document weggelaten",
    ),  # [A][C][W][X]
    "pl": (
        "<Multimedia pominięte>",
        "<pominięto multimedia>",
        "<pliki pominięto>",
        "obraz pominięty",
        "wideo pominięte",
        "audio pominięte",
        "pominięto naklejkę",
        "Plik GIF pominięty",
        "Pominięta wizytówka kontaktu",
        "dokument pominięty",
    ),  # [E][C][W]
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
    ),  # [B][C][W]
    "cs": (
        "<Média vynechány>",
        "<Média vynechána>",
        "obrázek vynechán",
        "video vynecháno",
        "zvukový soubor vynechán",
        "nálepka vynechána",
        "GIF vynechán",
        "Vizitka vynechána",
        "dokument vynechán",
    ),  # [A][B][C][W]
    "vi": (
        "<Bỏ qua Media>",
        "<bỏ qua tệp phương tiện>",
        "đã bỏ qua hình ảnh",
        "đã bỏ video",
        "bỏ qua tệp âm thanh",
        "đã bỏ sticker",
        "Đã bỏ qua ảnh GIF",
        "Bỏ qua thẻ liên lạc",
        "đã bỏ qua tài liệu",
        "<Media đã bị bỏ qua>",
    ),  # [C][W]; the last (M)
    "th": (
        "<สื่อถูกลบ>",
        "<ไฟล์สื่อถูกลบ>",
        "ไม่มีรูปภาพ",
        "วิดีโอถูกลบ",
        "ไม่มีไฟล์เสียง",
        "ไม่มีสติกเกอร์",
        "ละเว้น GIF",
        "บัตรรายชื่อที่ละเว้น",
        "ละเว้นเอกสาร",
        "<ไม่มีสื่อ>",
    ),  # [C][W]; the last (M)
    "ja": (
        "<メディアは含まれていません>",
        "<メディアなし>",
        "画像は含まれていません",
        "ビデオは含まれていません",
        "音声は含まれていません",
        "スタンプは含まれていません",
        "GIFは含まれていません",
        "連絡先カードを省略",
        "ドキュメントは含まれていません",
    ),  # [A][C][W]
    "ko": (
        "<미디어 파일을 생략한 대화내용>",
        "<미디어 파일 제외됨>",
        "이미지 생략됨",
        "비디오 생략됨",
        "오디오 생략됨",
        "스티커 제외됨",
        "GIF 생략됨",
        "연락처 카드 생략됨",
        "문서 생략됨",
        "<미디어 없음>",
    ),  # [C][W]; the last (M)
    "zh-CN": (
        "<省略影音内容>",
        "<省略多媒体文件>",
        "照片已忽略",
        "视频已忽略",
        "音频已忽略",
        "贴图已省略",
        "GIF 动态图已被忽略",
        "联系人卡片已忽略",
        "文档已省略",
    ),  # [X][C][W]
    "zh-TW": (
        "<忽略多媒體檔>",
        "<已省略多媒體檔案>",
        "圖片已略去",
        "影片已略去",
        "音訊已略去",
        "貼圖已略去",
        "貼圖已忽略",
        "GIF 已略去",
        "聯絡人卡片已略去",
        "文件已略去",
        "<省略影音內容>",
    ),  # [C][W][X]; the last (M)
    "fa": (
        "<رسانه حذف شد>",
        "تصویر حذف شد",
        "ویدیو حذف شد",
        "صدا حذف شد",
        "استیکر حذف شد",
        "GIF حذف شد",
        "برگ مخاطب حذف شد",
        "سند حذف شد",
        "<رسانه حذف شده>",
    ),  # [C][W]; the last (M)
    "ms": (
        "<Media dikecualikan>",
        "<Media disingkirkan>",
        "<Media tidak disertakan>",
        "imej tidak dimasukkan",
        "video tidak dimasukkan",
        "audio tidak dimasukkan",
        "pelekat tidak disertakan",
        "GIF tidak dimasukkan",
        "Kad kenalan tidak dimasukkan",
        "dokumen tidak dimasukkan",
    ),  # [C][F][W]
}

# Endings of a media message's first line: Android "IMG-...jpg (file attached)" and iOS document lines
# ("report.pdf • 2 pages document omitted").
ATTACHED: dict[str, tuple[str, ...]] = {
    "en": ("(file attached)", "document omitted"),  # [A][W]
    "es": ("(archivo adjunto)", "(archivo adjuntado)", "documento omitido"),  # [A][B][W]
    "pt-BR": ("(arquivo anexado)",),  # [A] egregora export, [W]
    "pt-PT": ("(ficheiro anexado)", "documento não revelado"),  # [W][X], [B]
    "hi": ("(फाइल अटैच कर दी गई है)", "(फाइल संलग्न)", "डॉक्यूमेंट छोड़ा गया"),  # [W]
    "id": ("(file terlampir)", "dokumen tidak disertakan"),  # [F][W]
    "ar": ("(الملف مرفق)", "لم يتم إدراج المستند"),  # [W], [B]
    "ru": ("(файл добавлен)", "документ отсутствует"),  # [A] issue 19, [B][W]
    "de": ("(Datei angehängt)", "Dokument weggelassen"),  # [A][G][W]
    "fr": ("(fichier joint)", "document manquant"),  # [A][B][W]
    "it": ("(file allegato)", "documento omesso"),  # [A][B][W]
    "tr": ("(dosya ekli)", "belge dahil edilmedi"),  # [D][W]
    "nl": ("(bestand bijgevoegd)", "document weggelaten"),  # [A][W]
    "pl": ("(załączony plik)", "dokument pominięty"),  # [W]
    "uk": ("(файл додано)", "документ пропущено"),  # [W], [B]
    "cs": ("(soubor byl přiložen)", "dokument vynechán"),  # [A] issue 19, [B][W]
    "vi": ("(tệp đính kèm)", "đã bỏ qua tài liệu"),  # [W]
    "th": ("(ไฟล์ที่แนบ)", "ละเว้นเอกสาร"),  # [W]
    "ja": ("(添付ファイル有り)", "ドキュメントは含まれていません"),  # [W]
    "ko": ("(파일 첨부됨)", "문서 생략됨"),  # [W]
    "zh-CN": ("(文件附件)", "文档已省略"),  # [W][X]
    "zh-TW": ("(附件檔案)", "文件已略去"),  # [W]
    "fa": ("(فایل پیوست شد)", "سند حذف شد"),  # (M), [W]
    "ms": ("(fail dilampirkan)", "dokumen tidak dimasukkan"),  # [W]
}

# A deleted message, someone else's and one's own.
DELETED: dict[str, tuple[str, ...]] = {
    "en": ("This message was deleted", "You deleted this message"),  # [A][W]
    "es": ("Se eliminó este mensaje", "Este mensaje fue eliminado", "Eliminaste este mensaje"),  # [A][B][W]
    "pt-BR": ("Mensagem apagada", "Esta mensagem foi apagada", "Você apagou esta mensagem"),  # [A][W]
    "pt-PT": ("Esta mensagem foi apagada", "Apagou esta mensagem"),  # [B][W]
    "hi": (
        "यह मैसेज डिलीट कर दिया गया है",
        "यह संदेश मिटाया गया",
        "आपने यह मैसेज डिलीट किया",
        "आपने यह संदेश मिटाया",
    ),  # [W]
    "id": (
        "Pesan ini telah dihapus",
        "Pesan ini dihapus",
        "Anda menghapus pesan ini",
        "Anda telah menghapus pesan ini",
    ),  # [F][W]
    "ar": ("تم حذف هذه الرسالة", "لقد حذَفت هذه الرسالة", "أنت حذفت هذه الرسالة", "لقد حذفت هذه الرسالة"),
    # ar: [B][W]; the last (M)
    "ru": ("Данное сообщение удалено", "Вы удалили данное сообщение", "Вы удалили это сообщение"),  # [A][B][W]
    "de": ("Diese Nachricht wurde gelöscht", "Du hast diese Nachricht gelöscht"),  # [A][B][G][W]
    "fr": ("Ce message a été supprimé", "Vous avez supprimé ce message"),  # [A][B][W]
    "it": ("Questo messaggio è stato eliminato", "Hai eliminato questo messaggio"),  # [A][B][W]
    "tr": ("Bu mesaj silindi", "Bu mesajı sildiniz"),  # [D][W]
    "nl": ("Dit bericht is verwijderd", "Je hebt dit bericht verwijderd", "U hebt dit bericht verwijderd"),  # [A][W]
    "pl": (
        "Ta wiadomość została usunięta",
        "Usunąłeś(-ęłaś) tę wiadomość",
        "Usunąłeś(aś) tę wiadomość",
        "Usunięto tę wiadomość",
        "Twoja wiadomość została usunięta",
    ),  # [E][W]; the last two (M)
    "uk": ("Це повідомлення було видалено", "Ви видалили це повідомлення"),  # [B][W]
    "cs": (
        "Tato zpráva byla smazána",
        "Tuto zprávu jste smazal/a",
        "Tato zpráva byla odstraněna",
        "Tuto zprávu jste odstranil/a",
    ),  # [B][A][W]
    "vi": ("Tin nhắn này đã bị xóa", "Tin nhắn này đã bị xoá", "Bạn đã xóa tin nhắn này", "Bạn đã xoá tin nhắn này"),
    # vi: [W]
    "th": ("ข้อความนี้ถูกลบแล้ว", "ข้อความนี้ได้ถูกลบ", "คุณลบข้อความนี้", "คุณได้ลบข้อความนี้"),  # [W]
    "ja": ("このメッセージは削除されました", "このメッセージを削除しました"),  # [W]
    "ko": ("이 메시지는 삭제되었습니다", "삭제한 메시지입니다", "이 메시지를 삭제했습니다"),  # [W]
    "zh-CN": ("这条消息已被删除", "信息已删除", "您已删除这条消息", "您删除这个信息"),  # [W]
    "fa": ("این پیام حذف شد", "این پیام حذف شده است", "شما این پیام را حذف کردید"),  # [W]
    "ms": ("Mesej ini telah dipadam", "Anda telah memadamkan mesej ini"),  # [W]
    "zh-TW": ("此訊息已刪除", "您已刪除此訊息"),  # [W][X]
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
    ),  # [A][W]
    "es": ("Los mensajes y las llamadas están cifrados de extremo a extremo",),  # [A][B][W]
    "pt-BR": (
        "As mensagens e ligações são protegidas com a criptografia de ponta a ponta",
        "As mensagens e as chamadas são protegidas com a criptografia de ponta a ponta",
    ),  # [A] egregora export, [W]
    "pt-PT": ("As mensagens e chamadas são encriptadas ponto a ponto",),  # [B][W]
    "hi": ("मैसेजेस और कॉल्स एंड-टू-एंड एन्क्रिप्टेड हैं",),  # [W]
    "id": ("Pesan dan panggilan terenkripsi secara end-to-end",),  # [F][W]
    "ar": ("الرسائل والمكالمات مشفرة تمامًا بين الطرفين",),  # [B][W]
    "ru": ("Сообщения и звонки защищены сквозным шифрованием",),  # [A][B][W]
    "de": ("Nachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt",),  # [A][B][G][W]
    "fr": ("Les messages et les appels sont chiffrés de bout en bout",),  # [A][B][W]
    "it": ("I messaggi e le chiamate sono crittografati end-to-end",),  # [A][B][W]
    "tr": ("Mesajlar ve aramalar uçtan uca şifrelidir",),  # [D][W]
    "nl": (
        "Berichten en oproepen zijn end-to-end versleuteld",
        "Berichten en gesprekken worden end-to-end versleuteld",
    ),  # [A]; the second [W]
    "pl": ("Wiadomości i połączenia są w pełni zaszyfrowane",),  # [E][W]
    "uk": ("Повідомлення й дзвінки захищено наскрізним шифруванням",),  # [B][W]
    "cs": ("Zprávy a hovory jsou opatřeny koncovým šifrováním",),  # [B][W]
    "vi": ("Tin nhắn và cuộc gọi được mã hóa đầu cuối",),  # [W]
    "th": ("ข้อความและการโทรได้รับการเข้ารหัสจากต้นทางถึงปลายทาง",),  # [W]
    "ja": ("メッセージと通話はエンドツーエンド暗号化されています",),  # [W]
    "ko": ("메시지 및 전화는 종단간 암호화되어 안전합니다",),  # [W]
    "zh-CN": ("消息和通话都进行端到端加密", "消息和通话已进行端到端加密"),  # iOS [W]; Android [X]
    "zh-TW": ("訊息和通話經端對端加密", "訊息已受端對端加密保護"),  # [W]
    "fa": ("پیام‌ها و تماس‌ها سرتاسر رمزگذاری شده‌اند", "پیامها و تماسها سرتاسر رمزگذاری شدهاند"),
    # fa: [W] (with and without the zero-width non-joiners)
    "ms": ("Mesej dan panggilan disulitkan hujung ke hujung",),  # [W]
}

# Starts of missed-call notices (iOS writes them under the caller's name).
MISSED_CALL: dict[str, tuple[str, ...]] = {
    "en": ("Missed voice call", "Missed video call", "Missed group voice call", "Missed group video call"),  # [A][W]
    "es": ("Llamada perdida", "Llamada de voz perdida", "Videollamada perdida"),  # [W]
    "pt-BR": ("Chamada de voz perdida", "Chamada de vídeo perdida"),  # [W]
    "pt-PT": ("Chamada de voz perdida", "Videochamada perdida"),  # [W]
    "hi": ("मिस्ड वॉइस कॉल", "मिस्ड वीडियो कॉल", "वॉइस कॉल मिस हुई"),  # [W]
    "id": ("Panggilan suara tak terjawab", "Panggilan video tak terjawab"),  # [W]
    "ar": ("مكالمة صوتية فائتة", "مكالمة فيديو فائتة"),  # [W]
    "ru": ("Пропущенный аудиозвонок", "Пропущенный видеозвонок"),  # [A] issue 19, [W]
    "de": ("Verpasster Sprachanruf", "Verpasster Videoanruf"),  # [G][W]
    "fr": ("Appel vocal manqué", "Appel vidéo manqué"),  # [W]
    "it": ("Chiamata vocale persa", "Videochiamata persa"),  # [W]
    "tr": ("Cevapsız sesli arama", "Cevapsız görüntülü arama"),  # [D][W]
    "nl": ("Gemiste spraakoproep", "Gemiste video-oproep", "Gemist spraakgesprek", "Gemist videogesprek"),  # [W]
    "pl": ("Nieodebrane połączenie głosowe", "Nieodebrane połączenie wideo", "Nieodebrane poł"),  # [E][W]
    "uk": ("Пропущений аудіодзвінок", "Пропущений відеодзвінок"),  # [W]
    "cs": ("Zmeškaný hovor", "Zmeškaný hlasový hovor", "Zmeškaný videohovor"),  # [A] issue 19, [B][W]
    "vi": ("Cuộc gọi nhỡ",),  # [W] ("Cuộc gọi nhỡ video" too)
    "th": ("สายที่ไม่ได้รับ", "วิดีโอคอลที่ไม่ได้รับ", "สายโทรวิดีโอที่ไม่ได้รับ"),  # [W]
    "ja": ("不在着信", "音声通話不在着信", "ビデオ通話不在着信"),  # [W]
    "ko": ("부재중 전화", "부재중 영상통화", "부재중 음성통화"),  # [W]; the last (M)
    "zh-CN": ("未接语音通话", "未接视频通话"),  # [W]
    "zh-TW": ("未接語音通話", "未接視像通話"),  # [W]
    "fa": ("تماس صوتی پاسخ داده نشده", "تماس تصویری پاسخ داده نشده", "تماس تصویری بی‌پاسخ", "تماس تصویری بیپاسخ"),
    # fa: [W]
    "ms": ("Panggilan suara terlepas", "Panggilan video terlepas"),  # [W]
}

LANGUAGES = tuple(DELETED)

# ---------------------------------------------------------------------------------------------------
# Header wording: month names and times of day in words. Their forms are the CLDR ones that Android's and
# iOS's date formatters print (DateUtils "Mar 5, 8:11 PM", "19:23, 28 Aug 2013"; the "h:mm B" day-period
# pattern "9:15 in the morning"): month-name dates and "in the morning"/"in the afternoon" are in [W]'s header
# grammar and in issue 19's real files [A]; 上午/下午, 오전/오후, 午前/午後 before the time in [X] (id 53729757568).
# The other words are CLDR's (M: not yet seen in a public export).

# Month names as headers write them (no year for the export's own year: the importer infers it), January
# first: abbreviated and full, without a trailing dot (the grammar allows one, and ignores case for all but
# English). Other languages: CLDR's format and stand-alone forms (Android's DateUtils and iOS print these:
# "18 mars 2019", "18. März 2019", "18 mar 2019", "18 de mar. de 2019", "18 мар. 2019 г.", "18 Mar 2019"),
# checked against dateparser's CLDR-derived tables [C2] and a CLDR-derived ru table [C3]; older spellings that
# date libraries also accept ("Mrz", "Jän", "сен", "ноя", "Agt") (M); pl, uk and cs as dateparser has them [C2].
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
    "fr": (
        ("janv", "janvier"),
        ("févr", "fév", "février"),
        ("mars",),
        ("avr", "avril"),
        ("mai",),
        ("juin",),
        ("juil", "juillet"),
        ("août",),
        ("sept", "septembre"),
        ("oct", "octobre"),
        ("nov", "novembre"),
        ("déc", "décembre"),
    ),
    "de": (
        ("Jan", "Januar", "Jän", "Jänner"),
        ("Feb", "Februar"),
        ("März", "Mär", "Mrz"),
        ("Apr", "April"),
        ("Mai",),
        ("Jun", "Juni"),
        ("Jul", "Juli"),
        ("Aug", "August"),
        ("Sep", "Sept", "September"),
        ("Okt", "Oktober"),
        ("Nov", "November"),
        ("Dez", "Dezember"),
    ),
    "es": (
        ("ene", "enero"),
        ("feb", "febrero"),
        ("mar", "marzo"),
        ("abr", "abril"),
        ("may", "mayo"),
        ("jun", "junio"),
        ("jul", "julio"),
        ("ago", "agosto"),
        ("sep", "sept", "set", "septiembre", "setiembre"),
        ("oct", "octubre"),
        ("nov", "noviembre"),
        ("dic", "diciembre"),
    ),
    "it": (
        ("gen", "gennaio"),
        ("feb", "febbraio"),
        ("mar", "marzo"),
        ("apr", "aprile"),
        ("mag", "maggio"),
        ("giu", "giugno"),
        ("lug", "luglio"),
        ("ago", "agosto"),
        ("set", "settembre"),
        ("ott", "ottobre"),
        ("nov", "novembre"),
        ("dic", "dicembre"),
    ),
    "pt": (
        ("jan", "janeiro"),
        ("fev", "fevereiro"),
        ("mar", "março"),
        ("abr", "abril"),
        ("mai", "maio"),
        ("jun", "junho"),
        ("jul", "julho"),
        ("ago", "agosto"),
        ("set", "setembro"),
        ("out", "outubro"),
        ("nov", "novembro"),
        ("dez", "dezembro"),
    ),
    "nl": (
        ("jan", "januari"),
        ("feb", "februari"),
        ("mrt", "maart"),
        ("apr", "april"),
        ("mei",),
        ("jun", "juni"),
        ("jul", "juli"),
        ("aug", "augustus"),
        ("sep", "sept", "september"),
        ("okt", "oktober"),
        ("nov", "november"),
        ("dec", "december"),
    ),
    "ru": (  # the genitive ("18 марта") and the stand-alone nominative ("март")
        ("янв", "января", "январь"),
        ("февр", "фев", "февраля", "февраль"),
        ("мар", "марта", "март"),
        ("апр", "апреля", "апрель"),
        ("мая", "май"),
        ("июн", "июня", "июнь"),
        ("июл", "июля", "июль"),
        ("авг", "августа", "август"),
        ("сент", "сен", "сентября", "сентябрь"),
        ("окт", "октября", "октябрь"),
        ("нояб", "ноя", "ноября", "ноябрь"),
        ("дек", "декабря", "декабрь"),
    ),
    "tr": (
        ("Oca", "Ocak"),
        ("Şub", "Şubat"),
        ("Mar", "Mart"),
        ("Nis", "Nisan"),
        ("May", "Mayıs"),
        ("Haz", "Haziran"),
        ("Tem", "Temmuz"),
        ("Ağu", "Ağustos"),
        ("Eyl", "Eylül"),
        ("Eki", "Ekim"),
        ("Kas", "Kasım"),
        ("Ara", "Aralık"),
    ),
    "id": (
        ("Jan", "Januari"),
        ("Feb", "Februari"),
        ("Mar", "Maret"),
        ("Apr", "April"),
        ("Mei",),
        ("Jun", "Juni"),
        ("Jul", "Juli"),
        ("Agu", "Agt", "Agustus"),
        ("Sep", "Sept", "September"),
        ("Okt", "Oktober"),
        ("Nov", "November"),
        ("Des", "Desember"),
    ),
    "pl": (  # the genitive ("18 marca 2019") and the nominative
        ("sty", "stycznia", "styczeń"),
        ("lut", "lutego", "luty"),
        ("mar", "marca", "marzec"),
        ("kwi", "kwietnia", "kwiecień"),
        ("maj", "maja"),
        ("cze", "czerwca", "czerwiec"),
        ("lip", "lipca", "lipiec"),
        ("sie", "sierpnia", "sierpień"),
        ("wrz", "września", "wrzesień"),
        ("paź", "października", "październik"),
        ("lis", "listopada", "listopad"),
        ("gru", "grudnia", "grudzień"),
    ),
    "uk": (  # the genitive ("18 березня 2019 р.") and the nominative
        ("січ", "січня", "січень"),
        ("лют", "лютого", "лютий"),
        ("бер", "берез", "березня", "березень"),
        ("квіт", "кві", "квітня", "квітень"),
        ("трав", "тра", "травня", "травень"),
        ("черв", "чер", "червня", "червень"),
        ("лип", "липня", "липень"),
        ("серп", "сер", "серпня", "серпень"),
        ("вер", "верес", "вересня", "вересень"),
        ("жовт", "жов", "жовтня", "жовтень"),
        ("лист", "листоп", "лис", "листопада", "листопад"),
        ("груд", "гру", "грудня", "грудень"),
    ),
    "cs": (  # the genitive ("18. března 2019") and the nominative
        ("led", "ledna", "leden"),
        ("úno", "února", "únor"),
        ("bře", "března", "březen"),
        ("dub", "dubna", "duben"),
        ("kvě", "května", "květen"),
        ("čvn", "čer", "června", "červen"),
        ("čvc", "črc", "července", "červenec"),
        ("srp", "srpna", "srpen"),
        ("zář", "září"),
        ("říj", "října", "říjen"),
        ("lis", "listopadu", "listopad"),
        ("pro", "prosince", "prosinec"),
    ),
}

# Weekday names that may lead a header's date ("Tue, 5 Mar 2019, 20:11 - ", "[Tue 05/03/2019, 20:11:03] "),
# Monday first: the date is read from the date itself, the weekday is only skipped.
WEEKDAYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "en": (
        ("Mon", "Monday"),
        ("Tue", "Tues", "Tuesday"),
        ("Wed", "Wednesday"),
        ("Thu", "Thur", "Thurs", "Thursday"),
        ("Fri", "Friday"),
        ("Sat", "Saturday"),
        ("Sun", "Sunday"),
    ),  # [A] issue 19
    # CLDR's abbreviated and full names, as for MONTHS [C2][C3]
    "fr": (
        ("lun", "lundi"),
        ("mar", "mardi"),
        ("mer", "mercredi"),
        ("jeu", "jeudi"),
        ("ven", "vendredi"),
        ("sam", "samedi"),
        ("dim", "dimanche"),
    ),
    "de": (
        ("Mo", "Montag"),
        ("Di", "Dienstag"),
        ("Mi", "Mittwoch"),
        ("Do", "Donnerstag"),
        ("Fr", "Freitag"),
        ("Sa", "Samstag", "Sonnabend"),
        ("So", "Sonntag"),
    ),
    "es": (
        ("lun", "lunes"),
        ("mar", "martes"),
        ("mié", "miércoles"),
        ("jue", "jueves"),
        ("vie", "viernes"),
        ("sáb", "sábado"),
        ("dom", "domingo"),
    ),
    "it": (
        ("lun", "lunedì"),
        ("mar", "martedì"),
        ("mer", "mercoledì"),
        ("gio", "giovedì"),
        ("ven", "venerdì"),
        ("sab", "sabato"),
        ("dom", "domenica"),
    ),
    "pt": (
        ("seg", "segunda-feira"),
        ("ter", "terça-feira"),
        ("qua", "quarta-feira"),
        ("qui", "quinta-feira"),
        ("sex", "sexta-feira"),
        ("sáb", "sábado"),
        ("dom", "domingo"),
    ),
    "nl": (
        ("ma", "maandag"),
        ("di", "dinsdag"),
        ("wo", "woensdag"),
        ("do", "donderdag"),
        ("vr", "vrijdag"),
        ("za", "zaterdag"),
        ("zo", "zondag"),
    ),
    "ru": (
        ("пн", "понедельник"),
        ("вт", "вторник"),
        ("ср", "среда"),
        ("чт", "четверг"),
        ("пт", "пятница"),
        ("сб", "суббота"),
        ("вс", "воскресенье"),
    ),
    "tr": (
        ("Pzt", "Pazartesi"),
        ("Sal", "Salı"),
        ("Çar", "Çarşamba"),
        ("Per", "Perşembe"),
        ("Cum", "Cuma"),
        ("Cmt", "Cumartesi"),
        ("Paz", "Pazar"),
    ),
    "pl": (
        ("pon", "poniedziałek"),
        ("wt", "wtorek"),
        ("śr", "środa"),
        ("czw", "czwartek"),
        ("pt", "piątek"),
        ("sob", "sobota"),
        ("niedz", "niedziela"),
    ),
    "uk": (
        ("пн", "понеділок"),
        ("вт", "вівторок"),
        ("ср", "середа"),
        ("чт", "четвер"),
        ("пт", "пʼятниця", "п'ятниця"),
        ("сб", "субота"),
        ("нд", "неділя"),
    ),
    # cs is left out: its "so" (sobota, Saturday) is German "So" (Sonntag, Sunday).
    "id": (
        ("Sen", "Senin"),
        ("Sel", "Selasa"),
        ("Rab", "Rabu"),
        ("Kam", "Kamis"),
        ("Jum", "Jumat"),
        ("Sab", "Sabtu"),
        ("Min", "Minggu"),
    ),
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
    },  # [A] issue 19 ("9:15 in the morning"), [W] (morning, afternoon); evening, night, noon, midnight (M)
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

# The same written before the time ("下午9:15", "오후 9:15"): 上午/下午, 오전/오후 and 午前/午後 [X], the others (M).
DAY_PERIODS_BEFORE: dict[str, dict[str, str]] = {
    "zh": {"凌晨": "am", "早上": "am", "上午": "am", "中午": "noon", "下午": "pm", "晚上": "night"},
    "ko": {"새벽": "am", "오전": "am", "정오": "noon", "오후": "pm", "저녁": "pm", "밤": "night"},
    "ja": {"午前": "am", "午後": "pm"},  # [X]
}


def every(table: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    """All wordings of one table, in every language, without repeats."""
    return tuple(dict.fromkeys(wording for wordings in table.values() for wording in wordings))

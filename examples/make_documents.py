"""Write the demo's long-form writing: Maya Chen's notes, journal pages and blog posts, and a small family corpus
(letters from her grandmother, Rose), for `clone import --documents` / `--author` and the pre-training stage.

    python examples/make_documents.py OUT          # OUT/maya/..., OUT/family/...
    clone import OUT/maya --documents --me "Maya Chen"
    clone import OUT/family --author "Grandma Rose"

Deterministic: the same seed writes the same bytes (a fixed date for the .docx core properties too). Synthetic,
like the demo chats: the persona's life (climbing with Sam and the crew, Mochi the cat, the monstera, work
standups, the farmers market, sourdough) in her lowercase, "ngl"/"tbh" voice, a few thousand words in all.
Formats: Markdown notes with front matter, plain-text journal pages named by date, a WordPress export (WXR), an
HTML page and a .docx.
"""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, timedelta
from html import escape
from pathlib import Path

TOPICS = {
    "climbing": [
        "went to boulder yard after work and the new set on the overhang wall is brutal",
        "sam flashed the purple v3 and then pretended it was nothing, classic sam",
        "my forearms are still pumped from the crimpy problem by the window",
        "finally sent the blue v4 that has been haunting me for two weeks",
        "the crew wants to do an outdoor day at the quarry before it gets too cold",
        "i keep falling off the same heel hook, i think my hips are just wrong lol",
        "warmed up properly for once and it made such a difference tbh",
        "taped my fingers like a pro and still got a flapper, amazing",
    ],
    "mochi": [
        "mochi knocked a whole glass of water off the desk during my standup",
        "mochi has decided the laundry basket is her new office",
        "caught mochi chewing the monstera again, she looked me dead in the eye",
        "mochi woke me up at 5am by sitting on my face, which is love i guess",
        "bought mochi a fancy scratching post and she prefers the box it came in",
    ],
    "plants": [
        "the monstera put out a new leaf and it has real holes this time",
        "repotted the pothos and got soil absolutely everywhere",
        "moved the plants to the window by teh kitchen so they get morning sun",
        "i think i overwatered the fiddle leaf, it is dropping leaves like a drama queen",
    ],
    "work": [
        "standup ran over again because we argued about naming for twenty minutes",
        "shipped the search fix today and nobody noticed which means it works",
        "spent the whole afternoon in a meeting that could have been a message",
        "pair programmed with priya and we found the bug in like ten minutes",
        "wrote the design doc for the new sync service, ngl im kind of proud of it",
        "the deploy broke at 4:55pm on a friday, of course it did",
    ],
    "food": [
        "farmers market had the good peaches again so i bought way too many",
        "tried to make dumplings from scratch and they looked sad but tasted great",
        "sam gave me a loaf of his sourdough and it was actually good this time",
        "ramen at hoshi after climbing, the only correct post climb meal",
        "made grandma rose's plum cake and the kitchen smelled like her house",
    ],
}
FEELINGS = [
    "honestly a good day",
    "kind of tired but happy",
    "feeling a bit scattered tbh",
    "weirdly proud of myself",
    "need more sleep ngl",
    "grateful for my people",
]
CLOSERS = [
    "anyway thats it for today.",
    "note to self: drink more water.",
    "tomorrow: stretch, climb, sleep.",
    "more soon i guess.",
    "ok bed now.",
]
ROSE_LINES = [
    "The plums came early this year, and I made three jars of jam before the wasps found them.",
    "Your grandfather would have laughed to see me on the telephone computer, but here I am writing to you.",
    "Remember to warm the pan before the butter goes in, or the cake will stick no matter what you do.",
    "The garden is quiet now; the roses have gone over and the beans are finished.",
    "I went to the market on Saturday and the man with the apples asked after you.",
    "Mrs Patel next door brought me soup when I had my cold, which was very kind of her.",
    "Do not work too late, dear. The work will still be there in the morning, and so will you.",
    "I found the old photographs of your mother at the seaside, the summer she learnt to swim.",
    "Write to me about the climbing, though I confess it frightens me a little.",
    "The kettle has been on all afternoon, and the house smells of cinnamon and wet wool.",
]


def paragraph(rng: random.Random, topic: str, sentences: int) -> str:
    lines = rng.sample(TOPICS[topic], k=min(sentences, len(TOPICS[topic])))
    return ". ".join(lines) + "."


def entry(rng: random.Random, topics: list[str]) -> str:
    """One note: two or three paragraphs on the day's topics, a feeling, a closing line."""
    parts = [paragraph(rng, topic, rng.randint(2, 4)) for topic in topics]
    parts.append(f"{rng.choice(FEELINGS)}. {rng.choice(CLOSERS)}")
    return "\n\n".join(parts)


def notes(rng: random.Random, folder: Path, start: date, count: int) -> None:
    """Markdown notes with front matter, and plain-text journal pages named by their day."""
    (folder / "notes").mkdir(parents=True, exist_ok=True)
    (folder / "journal").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        day = start + timedelta(days=4 * i)
        topics = rng.sample(sorted(TOPICS), k=2)
        body = entry(rng, topics)
        if i % 2:
            (folder / "journal" / f"{day.isoformat()}.txt").write_text(body + "\n", encoding="utf-8")
        else:
            title = f"{topics[0]} and {topics[1]}"
            text = f"---\ntitle: {title}\ndate: {day.isoformat()}\ntags: [{', '.join(topics)}]\n---\n\n# {title}\n\n"
            (folder / "notes" / f"{day.isoformat()}-{topics[0]}.md").write_text(text + body + "\n", encoding="utf-8")


def blog(rng: random.Random, path: Path, start: date, count: int) -> None:
    """A WordPress export (WXR 1.2) of her blog: posts, a draft, and an attachment item that is not writing."""
    items = []
    for i in range(count):
        day = start + timedelta(days=9 * i)
        topic = sorted(TOPICS)[i % len(TOPICS)]
        html = "".join(f"<p>{escape(p)}</p>" for p in entry(rng, [topic, rng.choice(sorted(TOPICS))]).split("\n\n"))
        status = "draft" if i == count - 1 else "publish"
        items.append(_wxr_item(f"a post about {topic}", html, day, "post", status))
    items.append(_wxr_item("crag.jpg", "", start, "attachment", "inherit"))
    path.write_text(
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>maya climbs things</title>\n'
        + "".join(items)
        + "</channel>\n</rss>\n",
        encoding="utf-8",
    )


def _wxr_item(title: str, html: str, day: date, kind: str, status: str) -> str:
    return (
        f"<item><title>{escape(title)}</title><dc:creator>maya</dc:creator>"
        f"<content:encoded><![CDATA[{html}]]></content:encoded>"
        f"<wp:post_date>{day.isoformat()} 20:00:00</wp:post_date><wp:status>{status}</wp:status>"
        f"<wp:post_type>{kind}</wp:post_type></item>\n"
    )


def page(rng: random.Random, path: Path) -> None:
    body = "".join(f"<p>{escape(p)}</p>" for p in entry(rng, ["climbing", "food"]).split("\n\n"))
    path.write_text(
        f"<!doctype html><html><head><title>about me</title><style>p {{ margin: 1em }}</style></head>"
        f"<body><h1>about me</h1><p>hi im maya, i write code and climb rocks.</p>{body}</body></html>\n",
        encoding="utf-8",
    )


def word_document(rng: random.Random, path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "why i climb"
    document.core_properties.created = datetime(2025, 6, 1, 12, 0)
    document.core_properties.modified = datetime(2025, 6, 1, 12, 0)
    for text in entry(rng, ["climbing", "work", "mochi"]).split("\n\n"):
        document.add_paragraph(text)
    document.save(path)


def letters(rng: random.Random, folder: Path, start: date, count: int) -> None:
    """Grandma Rose's letters: another author's voice, a family corpus."""
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        day = start + timedelta(days=30 * i)
        lines = rng.sample(ROSE_LINES, k=6)
        text = f"My dear Maya,\n\n{' '.join(lines[:3])}\n\n{' '.join(lines[3:])}\n\nAll my love,\nGrandma Rose\n"
        (folder / f"{day.isoformat()} letter.txt").write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path, help="folder to write maya/ and family/ into")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    maya = args.out / "maya"
    notes(rng, maya, date(2025, 1, 6), 30)
    blog(rng, maya / "blog.xml", date(2025, 2, 1), 10)
    page(rng, maya / "about.html")
    word_document(rng, maya / "why i climb.docx")
    letters(rng, args.out / "family", date(2024, 9, 1), 8)
    texts = [p for p in args.out.rglob("*") if p.is_file() and p.suffix != ".docx"]
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in texts)
    print(f"wrote {args.out}/maya and {args.out}/family (about {words} words of text files)")


if __name__ == "__main__":
    main()

"""Write a longer synthetic history for "Maya Chen": WhatsApp exports and a contacts.yaml, deterministic.

    python examples/make_persona.py                       # -> examples/persona/ (about 2,500 messages)
    python examples/make_persona.py --out /tmp/maya --seed 1 --months 5

The bundled demo (the two exports beside this script) is small: 600 lines, a few facts. This history is for
measuring memory (bench/memory_proof.py, issue 15): six months of chats with four people and one group, in
which Maya states facts about herself and later conversations come back to them without naming them:

- her job (a product designer at Loomwork), her city (Bristol), her cat (Mochi), her sister (Lena, in one
  of the chats); stated to several people, so memory may tell anyone;
- a trip to Lisbon planned with Sam only: the dates, the flight, where they stay, what they will do first;
- an inside joke with Priya only: Gerald, the pigeon who lives in the rafters of their climbing gym;
- Jordan, met in November, asks the get-to-know-you questions whose answers are those facts.

Every conversation is drawn from templates with many slots (foods, shows, weather, climbing grades, work
trouble...) so that a small model sees varied text. The same seed writes the same files, byte for byte.
`make demo` does not use this history.
"""

from __future__ import annotations

import argparse
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

ME = "Maya Chen"
SAM, PRIYA, LENA, JORDAN = "Sam Okafor", "Priya Raman", "Lena Chen", "Jordan Blake"
GROUP, GROUP_MEMBERS = "Climbing Crew", (PRIYA, SAM, "Theo Marsh")
CONTACTS = {SAM: "close friend", PRIYA: "climbing friend", LENA: "sister", JORDAN: "new friend from the gym"}
START = datetime(2025, 9, 1)
JORDAN_FROM = 70  # days after START: Maya meets Jordan in November

# --- the slots --------------------------------------------------------------------------------------------------
FOODS = [
    "ramen",
    "dumplings",
    "tacos",
    "pho",
    "pizza",
    "a massive burrito",
    "katsu curry",
    "falafel wraps",
    "bibimbap",
    "pad thai",
    "banh mi",
    "shakshuka",
    "mac and cheese",
    "sushi",
    "laksa",
    "a sad desk salad",
]
PLACES = [
    "the noodle bar on Gloucester Road",
    "that new taco place",
    "the market",
    "the pub by the harbour",
    "the little cafe near work",
    "the bakery on the corner",
    "the food hall",
    "the ramen place",
]
SHOWS = [
    "Severance",
    "The Bear",
    "Slow Horses",
    "Bake Off",
    "Succession",
    "Shogun",
    "Only Murders",
    "the new Ghibli film",
    "Taskmaster",
    "Drive to Survive",
    "a documentary about octopuses",
    "Fleabag",
]
WEATHER = [
    "raining sideways",
    "weirdly sunny",
    "freezing",
    "so grey",
    "foggy",
    "windy enough to steal my hat",
    "drizzling all day",
    "actually nice for once",
]
GRADES = ["V2", "V3", "V4", "V5", "6a", "6b", "6b+", "6c"]
HOLDS = [
    "crimps",
    "slopers",
    "the overhang",
    "the slab",
    "the dyno",
    "the roof problem",
    "the comp wall",
    "the purple circuit",
]
WORK_TROUBLE = [
    "the onboarding flow",
    "a design review",
    "the checkout redesign",
    "the new icon set",
    "a usability test",
    "the quarterly roadmap",
    "a client workshop",
    "the style guide",
    "a prototype for the app",
    "a million figma comments",
]
FEELINGS = [
    "exhausted",
    "weirdly hyped",
    "so done",
    "fine actually",
    "brain dead",
    "chaotic",
    "pretty good",
    "a bit fried",
    "cautiously optimistic",
]
DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
TIMES = ["6", "6:30", "7", "7:30", "8"]
CAT_NEWS = [
    "knocked a mug off the counter",
    "sat on my keyboard during a call",
    "ate a hair tie again",
    "is asleep in the laundry basket",
    "screamed at a pigeon for an hour",
    "stole my seat the second i got up",
    "learned to open the cupboard",
    "brought me a sock as a gift",
    "is sulking because i was late",
    "knocked my plant over again",
]
GIFTS = [
    "dumplings from mum",
    "way too many snacks",
    "her terrible puns",
    "a bag of oranges",
    "a new board game",
    "homemade kimchi",
    "her sourdough starter",
]
PIGEON_NEWS = [
    "watched me fall off the slab",
    "sat on the top of the comp wall",
    "judged my heel hook",
    "was back in the rafters",
    "walked across the mats like he owns the place",
    "stole a crisp",
    "was perched right above the purple circuit",
]
REACT = ["lol", "omg", "ngl", "tbh", "lmao", "haha", "honestly", "wait", "ok", "ugh"]
EMOJI = ["😂", "😭", "🙃", "✨", "🧗‍♀️", "🍜", "😅", "💀", "🥲", "🙌", "", "", "", ""]


@dataclass
class World:
    """What has happened so far: later conversations refer back to it."""

    rng: random.Random
    day: int = 0
    met_jordan: bool = False
    trip_planned: bool = False
    told: set[str] = field(default_factory=set)  # (fact, person) pairs already stated

    def pick(self, options: list[str]) -> str:
        return self.rng.choice(options)

    def maybe(self, p: float) -> bool:
        return self.rng.random() < p

    def tail(self) -> str:
        """Maya's usual ending: an emoji or nothing."""
        mark = self.pick(EMOJI)
        return f" {mark}" if mark else ""


Line = tuple[str, str]  # (speaker, text)
Scene = Callable[[World, str], list[Line]]


# --- scenes any chat can have ----------------------------------------------------------------------------------
def weekend(w: World, them: str) -> list[Line]:
    food, place, show = w.pick(FOODS), w.pick(PLACES), w.pick(SHOWS)
    return [
        (them, w.pick(["Any plans this weekend?", "What are you up to this weekend?", "Free on saturday?"])),
        (ME, f"{w.pick(REACT)} not really, maybe {food} at {place}{w.tail()}"),
        (ME, w.pick([f"and finishing {show} obviously", f"might rewatch {show} tbh", "and a nap. a long one"])),
        (them, w.pick([f"I still haven't seen {show}.", f"{place.capitalize()} is great.", "Sounds perfect."])),
        (ME, w.pick(["u should come!!", "ur missing out fr", "come with if u want", "join meee"])),
        (them, w.pick(["Maybe! I'll let you know.", "I'm in.", "Only if we get dessert."])),
        (ME, w.pick(["deal", "yesss", "ok ok", "iconic"]) + w.tail()),
    ]


def work_rant(w: World, them: str) -> list[Line]:
    trouble, feeling = w.pick(WORK_TROUBLE), w.pick(FEELINGS)
    return [
        (them, w.pick(["How was work?", "How's your week going?", "Survived today?"])),
        (ME, f"{feeling} tbh, {trouble} ate my whole day{w.tail()}"),
        (
            ME,
            w.pick(
                [
                    "my manager keeps adding small tweaks",
                    "three meetings about one button",
                    "the devs found a bug in my specs",
                    "we have a review on " + w.pick(DAYS),
                ]
            ),
        ),
        (them, w.pick(["That sounds like a lot.", "Small tweaks are never small.", "Do you need a drink?"])),
        (ME, w.pick(["literally yes", "i need " + w.pick(FOODS) + " and silence", "it'll be fine. probably"])),
        (them, w.pick(["You'll smash it.", "Hang in there.", f"{w.pick(FOODS).capitalize()} on me next time."])),
        (ME, w.pick(["ur the best", "ty 🥲", "holding u to that", "ok that helped lol"])),
    ]


def food_chat(w: World, them: str) -> list[Line]:
    food, place = w.pick(FOODS), w.pick(PLACES)
    return [
        (ME, f"i am thinking about {food} again{w.tail()}"),
        (them, w.pick([f"From {place}?", "Again?? You had that on Tuesday.", "Same honestly."])),
        (ME, w.pick([f"{place} does the best one", "no shame", "its a personality trait at this point"])),
        (them, w.pick(["Fair.", "Get me one too.", "I respect the commitment."])),
        (ME, w.pick([f"{w.pick(TIMES)}pm?", "say less", "omw"]) + w.tail()),
    ]


def show_chat(w: World, them: str) -> list[Line]:
    show, other = w.pick(SHOWS), w.pick(SHOWS)
    return [
        (them, f"Have you watched {show}?"),
        (
            ME,
            w.pick(
                [
                    f"YES. obsessed{w.tail()}",
                    "not yet, is it good",
                    f"i fell asleep during episode {w.rng.randint(1, 6)}",
                ]
            ),
        ),
        (them, w.pick(["It's so good.", "The ending got me.", f"Better than {other}, honestly."])),
        (ME, w.pick([f"ok adding it after {other}", "no spoilers pls", "ur taste is usually good so ok"])),
        (them, w.pick(["You won't regret it.", "Tell me when you finish.", "I'll say nothing."])),
    ]


def weather_chat(w: World, them: str) -> list[Line]:
    weather = w.pick(WEATHER)
    return [
        (ME, f"its {weather} out {w.pick(REACT)}"),
        (them, w.pick(["Same here.", "Classic.", "I saw. Stay inside."])),
        (
            ME,
            w.pick(
                [
                    "i got soaked walking to work",
                    "my umbrella died a hero",
                    "cancel everything",
                    "perfect weather for " + w.pick(FOODS),
                ]
            )
            + w.tail(),
        ),
        (them, w.pick(["Tea and blankets then.", "Ha, of course.", "Stay dry."])),
    ]


def climbing_recap(w: World, them: str) -> list[Line]:
    grade, hold = w.pick(GRADES), w.pick(HOLDS)
    return [
        (them, w.pick(["Good session today!", "My arms are dead.", f"Did you finish that {grade}?"])),
        (
            ME,
            w.pick([f"i finally sent the {grade} on {hold}!!", f"{hold} destroyed me", f"still stuck on that {grade}"]),
        ),
        (ME, w.pick(["my forearms are crying", "next week for sure", "chalk everywhere lol"]) + w.tail()),
        (them, w.pick(["Proud of you.", f"{hold.capitalize()} is evil.", "Same time next week?"])),
        (ME, w.pick([f"{w.pick(DAYS)} at {w.pick(TIMES)}?", "always", "if my fingers grow back"])),
    ]


# --- facts: Maya states them in the first person --------------------------------------------------------------
def job_fact(w: World, them: str) -> list[Line]:
    w.told.add(f"job|{them}")
    return [
        (them, w.pick(["Busy at work?", "Is work still mad?", "Did the new project start?"])),
        (ME, f"i work at Loomwork and its {w.pick(['chaos', 'a lot', 'fine', 'actually fun'])} rn{w.tail()}"),
        (ME, f"product design team, we're redoing {w.pick(WORK_TROUBLE)}"),
        (them, w.pick(["Loomwork sounds fancy.", "Sounds busy.", "Nice, is the team good?"])),
        (ME, w.pick(["the team is lovely tbh", "its a tiny startup so everyone does everything", "ask me friday"])),
    ]


def city_fact(w: World, them: str) -> list[Line]:
    w.told.add(f"city|{them}")
    return [
        (them, w.pick(["Do you like it there?", "Would you ever move?", "How's the flat?"])),
        (ME, f"i live in Bristol and honestly i love it{w.tail()}"),
        (ME, w.pick(["the harbour at sunset is unreal", "even the hills are growing on me", "best food scene tbh"])),
        (them, w.pick(["Fair, it's a great city.", "The hills though.", "I need to visit more."])),
    ]


def cat_fact(w: World, them: str) -> list[Line]:
    w.told.add(f"cat|{them}")
    news = w.pick(CAT_NEWS)
    return [
        (ME, f"my cat Mochi {news}{w.tail()}"),
        (them, w.pick(["Of course she did.", "She's a menace.", "Photos or it didn't happen."])),
        (ME, w.pick(["zero remorse", "she just stared at me", "i love her but wow"])),
    ]


def sister_fact(w: World, them: str) -> list[Line]:
    w.told.add(f"sister|{them}")
    gift = w.pick(GIFTS)
    return [
        (ME, f"my sister Lena is visiting on {w.pick(DAYS)}, she's bringing {gift}{w.tail()}"),
        (them, w.pick(["That's lovely.", "Is she staying long?", "Say hi from me!"])),
        (ME, w.pick(["just the weekend", "two nights, mochi will be thrilled", "she always stays too short"])),
    ]


# --- Sam only: the Lisbon trip ---------------------------------------------------------------------------------
def trip_plan(w: World, them: str) -> list[Line]:
    w.trip_planned = True
    return [
        (SAM, "Ok, we need a holiday. Lisbon in March?"),
        (ME, "YES. lisbon. i've wanted to go forever"),
        (SAM, "Flights are cheap on the 12th of March, back on the 16th."),
        (ME, "booking it. we fly on the 12th, 6:40am from Bristol airport 😭"),
        (SAM, "Brutal. Where do we stay?"),
        (ME, "Casa Azul in Alfama, the guesthouse with the blue tiles"),
        (SAM, "Perfect. What do we do first?"),
        (ME, "tram 28 then pastel de nata obviously, then the miradouro at sunset"),
        (SAM, "You've planned this already."),
        (ME, "i've had a spreadsheet since 2023 lol"),
    ]


def trip_detail(w: World, them: str) -> list[Line]:
    return [
        (
            SAM,
            w.pick(
                [
                    "Did the guesthouse confirm?",
                    "I got the travel insurance.",
                    "Do we need adapters?",
                    "Should we book anything ahead?",
                    "I've started a packing list.",
                ]
            ),
        ),
        (
            ME,
            w.pick(
                [
                    f"{w.pick(REACT)} casa azul confirmed",
                    "the 12th cant come fast enough",
                    "tram 28 first, non negotiable",
                    f"{w.pick(REACT)} i already made a playlist",
                    "pastel de nata research is ongoing",
                ]
            )
            + w.tail(),
        ),
        (SAM, w.pick(["Good.", "I'm bringing one small bag.", "Noted.", "Excellent.", "Of course you did."])),
        (
            ME,
            w.pick(
                [
                    "we're gonna eat so much",
                    "alfama is gonna be so pretty",
                    "sunset at the miradouro!!",
                    f"and {w.pick(FOODS)} on the last night",
                    "counting the days",
                ]
            )
            + w.tail(),
        ),
    ]


TRIP_ASKS = {  # what Sam asks (several ways) -> the cores of Maya's answers
    "day": (
        [
            "Remind me, which day do we fly?",
            "When do we leave again?",
            "What date is the flight?",
            "Which day are we off?",
        ],
        ["the 12th!!", "12th of march", "we fly on the 12th", "the 12th, back on the 16th"],
    ),
    "time": (
        ["What time is the flight again?", "How early is the flight?", "When do we need to be at the airport?"],
        ["6:40am 😭", "6:40am from bristol airport", "6:40am on the 12th", "its 6:40am, pray for us"],
    ),
    "stay": (
        [
            "What's the name of the place we're staying?",
            "Where are we staying again?",
            "What was the guesthouse called?",
            "Which area is our place in?",
        ],
        ["casa azul in alfama", "Casa Azul!! the blue tiles one", "casa azul, in alfama", "alfama, casa azul"],
    ),
    "first": (
        ["What's the first thing we do when we land?", "What's the plan for day one?", "What are we doing first?"],
        [
            "tram 28 then pastel de nata",
            "pastel de nata and then tram 28",
            "tram 28, obviously",
            "nata first, tram 28 second",
        ],
    ),
}


def trip_recall(w: World, them: str) -> list[Line]:
    """Sam asks what they planned without naming it: the answer is in earlier chats."""
    questions, answers = TRIP_ASKS[w.pick(sorted(TRIP_ASKS))]
    return [
        (
            SAM,
            w.pick(
                [
                    "Quick question about the trip.",
                    "Trip admin time.",
                    "Ok, Lisbon question.",
                    "Sorry, one more trip thing.",
                    "Question.",
                ]
            ),
        ),
        (ME, w.pick(["go", "yes??", "ooh ok", "hit me", "hmm?"])),
        (SAM, w.pick(questions)),
        (ME, f"{w.pick(['', '', 'omg ', 'sam ', 'lol '])}{w.pick(answers)}{w.tail()}"),
        (SAM, w.pick(["Right, thanks.", "I knew that.", "Writing it down this time.", "Great.", "Got it."])),
        (
            ME,
            w.pick(
                [
                    "u never listen lol",
                    "i'll send u the spreadsheet",
                    "counting down",
                    "so excited",
                    "i have it all in a doc",
                ]
            )
            + w.tail(),
        ),
    ]


# --- Priya only: Gerald the pigeon -----------------------------------------------------------------------------
def gerald_origin(w: World, them: str) -> list[Line]:
    return [
        (PRIYA, "There's a pigeon living in the rafters at Boulder Yard!!"),
        (ME, "i saw him!! his name is Gerald now, i've decided"),
        (PRIYA, "haha Gerald is perfect!!"),
        (ME, "gerald is our mascot. gerald sees every fall"),
    ]


def gerald_recall(w: World, them: str) -> list[Line]:
    """Priya hints at the joke; Maya names him."""
    news = w.pick(PIGEON_NEWS)
    return [
        (
            PRIYA,
            w.pick(
                [
                    "Guess who was at the gym today!!",
                    "You'll never guess who I saw!!",
                    "Guess who's back!!",
                    "Our feathery friend is back!!",
                    "Someone was watching me climb today!!",
                    "Look up next time you're at the wall!!",
                ]
            ),
        ),
        (ME, w.pick(["GERALD??", "not gerald 😭", "omg gerald!!", "is it gerald", "gerald!! king"])),
        (PRIYA, f"haha yes!! He {news}{w.pick(['!!', '!! Again!!', ' today!!', '!! So rude!!'])}"),
        (
            ME,
            w.pick(
                [
                    "gerald is the real route setter",
                    "we should make gerald a tshirt",
                    "protect gerald",
                    "gerald sees all",
                    "gerald for president",
                    "gerald deserves a membership",
                ]
            )
            + w.tail(),
        ),
        (PRIYA, w.pick(["Agreed!!", "haha I'd wear it!!", "He's our boy!!", "haha yes!!", "Always!!"])),
    ]


# --- Jordan: meets Maya later, asks what a new friend asks ------------------------------------------------------
def jordan_hello(w: World, them: str) -> list[Line]:
    w.met_jordan = True
    return [
        (JORDAN, "Hey! It's Jordan from the gym, Priya gave me your number."),
        (ME, f"heyy!! yes hi{w.tail()}"),
        (JORDAN, "You were flying up that overhang. How long have you been climbing?"),
        (ME, "like a year? priya dragged me to boulder yard and now its my whole personality"),
    ]


JORDAN_ASKS = [  # (ways to ask, cores of Maya's answers): facts she told other people before
    (
        ["So what do you do for work?", "Where did you say you work?", "What's your job?"],
        ["Loomwork!", "i'm a designer at Loomwork", "product design at Loomwork", "Loomwork, its a tiny startup"],
    ),
    (
        ["Are you from around here?", "Where are you based?", "Which city are you in?"],
        ["i live in Bristol", "Bristol!", "Bristol, moved for work", "bristol, near the harbour"],
    ),
    (
        ["Any pets?", "Do you have a cat or a dog?", "What's your cat called again?"],
        ["Mochi!!", "one cat, Mochi", "Mochi, a menace", "a cat called Mochi"],
    ),
    (
        ["Do you have siblings?", "Any brothers or sisters?", "Who was that in your photo, your sister?"],
        ["one sister, Lena", "Lena! my little sister", "a sister, Lena", "Lena, the organised one"],
    ),
]


def jordan_asks(w: World, them: str) -> list[Line]:
    """A question whose answer Maya has told other people before (shared facts)."""
    questions, answers = w.pick(JORDAN_ASKS)
    extra = w.pick(["", "", " haha", f", she {w.pick(CAT_NEWS)}" if "Mochi" in answers[0] else "", " lol"])
    return [
        (JORDAN, w.pick(["Hey!", "Morning!", "Random question.", "Ok getting to know you time.", "Hi hi."])),
        (ME, w.pick(["hiii", "go on", "ask away", "hey!!", "yes?"])),
        (JORDAN, w.pick(questions)),
        (ME, f"{w.pick(answers)}{extra}{w.tail()}"),
        (JORDAN, w.pick(["Love that.", "Nice!", "Ha, amazing.", "Very cool.", "Oh fun."])),
        (ME, w.pick(["what about u?", "ur turn", "anyway how was ur session", "wbu"]) + w.tail()),
        (
            JORDAN,
            w.pick(
                [
                    "Boring in comparison.",
                    "I'll tell you at the gym.",
                    "I work in a bank, don't judge.",
                    "Nothing so exciting.",
                ]
            ),
        ),
    ]


def family_recall(w: World, them: str) -> list[Line]:
    """Lena asks about home things; Maya answers with what she told others (the cat, the trip)."""
    return [
        (LENA, w.pick(["How's my favourite niece?", "Is the furball behaving?", "How's the little gremlin?"])),
        (ME, f"Mochi {w.pick(CAT_NEWS)}{w.tail()}"),
        (LENA, w.pick(["Classic.", "She gets it from you.", "Give her a kiss from me."])),
        (ME, w.pick(["mum says hi btw", "u coming down soon?", "i miss uuu"])),
        (LENA, w.pick(["Soon! Maybe next month.", "Mum calls me every day, I know.", "Miss you too!"])),
    ]


def cat_recall(w: World, them: str) -> list[Line]:
    """Someone asks after the cat without naming her."""
    return [
        (them, w.pick(["How's the cat?", "Is your furry flatmate ok?", "How's the little menace doing?"])),
        (ME, f"Mochi {w.pick(CAT_NEWS)}{w.tail()}"),
        (them, w.pick(["Sounds about right.", "Give her a scratch from me.", "She runs that flat."])),
    ]


def sister_recall(w: World, them: str) -> list[Line]:
    return [
        (
            them,
            w.pick(["Any visitors this weekend?", "Is your family coming down soon?", "Doing anything with family?"]),
        ),
        (
            ME,
            f"Lena is coming on {w.pick(DAYS)}!! {w.pick(['my sister', 'she', 'the organised one'])} is bringing "
            f"{w.pick(GIFTS)}",
        ),
        (them, w.pick(["Have fun!", "Say hi to her.", "Lovely."])),
    ]


def group_session(w: World, them: str) -> list[Line]:
    grade, day, time = w.pick(GRADES), w.pick(DAYS), w.pick(["6", "7", "8"])
    theo, priya, sam = "Theo Marsh", PRIYA, SAM
    return [
        (priya, f"Session on {day}?? {time}pm!!"),
        (ME, w.pick(["in!!", "yes pls", f"i can do {time}:30"]) + w.tail()),
        (sam, w.pick(["I'll be there.", "Only if we stretch this time.", "Yes."])),
        (theo, w.pick(["Count me in", "might be late but yes", "new set is up btw"])),
        (ME, w.pick([f"i'm projecting that {grade}", "i need to redeem myself on the slab", "theo teach me ur ways"])),
        (priya, w.pick(["YES!!", "haha we'll all project it!!", "Bring chalk!!"])),
    ]


def group_gerald(w: World, them: str) -> list[Line]:
    """Gerald in the group chat too (Priya and Maya's joke, the others are lost)."""
    return [
        (
            PRIYA,
            w.pick(
                [
                    "Update: our friend in the rafters is still there!!",
                    "He's back!! In the rafters!!",
                    "Guess who was at the gym!!",
                ]
            ),
        ),
        (ME, w.pick(["GERALD LIVES", "gerald!!", "omg gerald"])),
        ("Theo Marsh", w.pick(["who is gerald", "who??", "i'm lost"])),
        (ME, w.pick(["u wouldn't understand theo", "a legend", "long story"])),
        (SAM, "I've stopped asking."),
    ]


FILLER: list[Scene] = [weekend, work_rant, food_chat, show_chat, weather_chat]
CHATS = {
    SAM: (0.85, [*FILLER, climbing_recap]),
    PRIYA: (0.75, [*FILLER, climbing_recap, climbing_recap]),
    LENA: (0.55, [weekend, work_rant, food_chat, weather_chat, family_recall]),
    JORDAN: (0.45, [weekend, climbing_recap, show_chat, food_chat]),
    GROUP: (0.4, [group_session, group_session]),
}


def scene_for(w: World, chat: str) -> Scene | None:
    """What this chat talks about today (None: nothing today)."""
    chance, scenes = CHATS[chat]
    if chat == JORDAN and w.day < JORDAN_FROM:
        return None
    if w.rng.random() > chance:
        return None
    if chat == JORDAN and not w.met_jordan:
        return jordan_hello
    if chat == SAM and not w.trip_planned and w.day >= 25:
        return trip_plan
    if chat == PRIYA and w.day > 10 and "gerald" not in w.told:
        w.told.add("gerald")
        return gerald_origin
    return special(w, chat) or w.pick(scenes)


def special(w: World, chat: str) -> Scene | None:
    """The fact scenes: told early and to several people, referred back to later."""
    r = w.rng.random()
    if chat == GROUP:
        return group_gerald if r < 0.15 else None
    if chat == LENA:
        return cat_fact if r < 0.15 else None
    if chat == JORDAN:
        return jordan_asks if r < 0.45 else None
    facts = [
        f for f in (job_fact, city_fact, cat_fact, sister_fact) if f"{f.__name__.split('_')[0]}|{chat}" not in w.told
    ]
    if facts and r < 0.3:
        return facts[0]
    if chat == SAM and w.trip_planned and r < 0.42:
        return w.pick([trip_recall, trip_recall, trip_detail])  # asked back twice as often as planned further
    if chat == PRIYA and "gerald" in w.told and r < 0.4:
        return gerald_recall
    if r < 0.5:
        return w.pick([cat_recall, sister_recall, cat_fact, job_fact])
    return None


def history(seed: int, months: int) -> dict[str, list[tuple[datetime, str, str]]]:
    """Every chat's messages as (time, sender, text), one conversation per chat on a day at most."""
    w = World(random.Random(seed))
    chats: dict[str, list[tuple[datetime, str, str]]] = {name: [] for name in CHATS}
    days = months * 30
    for w.day in range(days):
        for chat in CHATS:
            scene = scene_for(w, chat)
            if scene is None:
                continue
            when = START + timedelta(days=w.day, hours=w.rng.randint(8, 21), minutes=w.rng.randint(0, 59))
            for speaker, text in scene(w, chat):
                chats[chat].append((when, speaker, text))
                when += timedelta(minutes=w.rng.choice([0, 0, 1, 1, 2, 3]))
    return chats


def export_text(chat: str, messages: list[tuple[datetime, str, str]]) -> str:
    """One chat as WhatsApp's Android export writes it ("dd/mm/yyyy, hh:mm - Sender: text")."""
    first = messages[0][0] - timedelta(minutes=5)
    lines = [
        f"{first:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. Only people in this chat can "
        "read, listen to, or share them. Learn more."
    ]
    if chat == GROUP:
        lines.append(f'{first:%d/%m/%Y, %H:%M} - {PRIYA} created group "{GROUP}"')
        lines += [f"{first:%d/%m/%Y, %H:%M} - {PRIYA} added {name}" for name in (ME, SAM, "Theo Marsh")]
    lines += [f"{when:%d/%m/%Y, %H:%M} - {sender}: {text}" for when, sender, text in messages]
    return "\n".join(lines) + "\n"


def write(out: Path, seed: int, months: int) -> int:
    out.mkdir(parents=True, exist_ok=True)
    total = 0
    for chat, messages in history(seed, months).items():
        (out / f"WhatsApp Chat with {chat}.txt").write_text(export_text(chat, messages), encoding="utf-8")
        total += len(messages)
    (out / "contacts.yaml").write_text("".join(f"{name}: {rel}\n" for name, rel in CONTACTS.items()), encoding="utf-8")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "persona")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--months", type=int, default=6)
    args = parser.parse_args()
    total = write(args.out, args.seed, args.months)
    print(f"{args.out}: {total} messages in {len(CHATS)} chats, and contacts.yaml")


if __name__ == "__main__":
    main()

"""Word lists the generator combines: common names, handle words, bland everyday small talk.

Names are common given names and surnames combined at random, so no generated person is a
real one. Chat lines are neutral adult small talk (coffee, football, work, weather) only.
"""

from __future__ import annotations

FIRST_NAMES: tuple[str, ...] = (
    "Adam", "Alex", "Amir", "Anders", "Andrew", "Anna", "Ben", "Chris", "Daniel", "David",
    "Emil", "Emma", "Erik", "Fatima", "Frank", "Hanna", "Henrik", "Ida", "Ingrid", "Jack",
    "Jakob", "James", "Jan", "Jonas", "Karen", "Kari", "Kim", "Lars", "Laura", "Leo",
    "Lina", "Magnus", "Maria", "Mark", "Martin", "Mats", "Mohammed", "Nina", "Nora", "Ole",
    "Oliver", "Omar", "Paul", "Per", "Peter", "Rob", "Sam", "Sara", "Simon", "Sofia",
    "Stian", "Thomas", "Tom", "Tor", "Vidar", "Kevin", "Robin", "Linda", "Hassan", "Eva",
)  # fmt: skip

LAST_NAMES: tuple[str, ...] = (
    "Andersen", "Bakke", "Berg", "Brown", "Dahl", "Davies", "Eriksen", "Evans", "Haugen",
    "Hansen", "Hill", "Holm", "Jensen", "Johansen", "Johnson", "Jones", "Karlsen", "Khan",
    "Larsen", "Lie", "Lund", "Moen", "Nilsen", "Olsen", "Pedersen", "Roberts", "Smith",
    "Solberg", "Strand", "Taylor", "Thomas", "Walker", "White", "Wilson", "Wright", "Ali",
    "Nguyen", "Berntsen", "Foster", "Hughes",
)  # fmt: skip

HANDLE_ADJECTIVES: tuple[str, ...] = (
    "dark", "silent", "night", "grey", "blue", "lone", "quiet", "red", "cold", "swift",
    "old", "wild", "black", "iron", "lucky", "lazy", "north", "stone", "misty", "shady",
    "rusty", "sunny", "frost", "amber", "storm", "pale", "hidden", "steel", "copper", "urban",
)  # fmt: skip

HANDLE_NOUNS: tuple[str, ...] = (
    "fox", "wolf", "owl", "hawk", "tiger", "bear", "raven", "otter", "falcon", "badger",
    "lynx", "moose", "shark", "viper", "heron", "eagle", "bison", "crow", "panda", "gecko",
    "rider", "sailor", "walker", "pilot", "ranger", "drifter", "hunter", "player", "coder",
    "gamer",
)  # fmt: skip

EMPLOYERS: tuple[str, ...] = (
    "Northgate Logistics", "Harbour Print Ltd", "Fjordline Facilities", "Brightwater Schools",
    "Kestrel IT Services", "Granite Build", "Meadow Care Homes", "Quayside Motors",
    "Lighthouse Insurance", "Pinewood Retail", "Summit Accounting", "Bluebell Catering",
)  # fmt: skip

GROUP_NAMES_NETWORK: tuple[str, ...] = (
    "Sunday football", "Quiz night", "Cabin trip", "Fishing lads", "Poker Fridays",
    "Gym crew", "Car meet", "Five-a-side", "Darts league", "Film club", "Ski weekend",
    "Golf swing", "Bike rides", "Board games",
)  # fmt: skip

CASE_WORDS: tuple[str, ...] = (
    "Grey Heron", "Lantern", "Northern Gate", "Harbour Light", "Quiet Fjord", "Ashfall",
    "Kingfisher", "Stillwater", "Blue Ridge", "Iron Pine",
)  # fmt: skip

OFFICERS: tuple[str, ...] = (
    "DC A. Strand", "DS K. Lund", "DC M. Holm", "DI R. Bakke", "DC S. Moen", "DS J. Dahl",
    "DC L. Haugen", "DS P. Lie",
)  # fmt: skip

SMALL_TALK: tuple[str, ...] = (
    "Fancy a coffee on {day}?",
    "Did you see the match last night?",
    "{team} were awful in the second half",
    "Running late, be there in {n} minutes",
    "Weather looks grim for {day}",
    "Meeting got moved to {time}",
    "Can you grab milk on the way?",
    "Traffic is terrible on the ring road",
    "How was work today?",
    "Long day, heading home now",
    "Are we still on for {day}?",
    "Sure, {time} works for me",
    "Sounds good",
    "Ok",
    "Thanks!",
    "No worries",
    "Haha yes",
    "Let me check and get back to you",
    "Did you book the table?",
    "The train is delayed again",
    "Happy birthday! Have a great day",
    "Good luck with the interview",
    "{team} away on {day}, you watching?",
    "Rain all week apparently",
    "Finally some sun today",
    "I'll bring the charger back tomorrow",
    "Car's in the garage until {day}",
    "Can you send me the address?",
    "On my way",
    "Just parked",
    "Great, see you there",
    "What time does it start?",
    "I think around {time}",
    "Did you get my email about the rota?",
    "Boss wants the report by {day}",
    "Lunch at the usual place?",
    "That new cafe does decent coffee",
    "Gym tonight or tomorrow?",
    "Too tired, maybe {day}",
    "Pizza or curry?",
    "Either is fine with me",
    "Who's driving?",
    "I can drive",
    "Bring a jacket, it's cold out",
    "Quiz starts at {time}",
    "We came third again",
    "Need to fix the bike this weekend",
    "Have you got a spare ladder?",
    "The plumber finally came",
    "Shop closes at {time} on {day}",
)

SECOND_LINES: tuple[str, ...] = (
    "Let me know",
    "No rush",
    "Cheers",
    "See you",
    "Or the day after",
)

DAYS: tuple[str, ...] = (
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday",
)  # fmt: skip
TEAMS: tuple[str, ...] = ("Rovers", "United", "City", "Athletic", "Wanderers", "the lads")

NOTE_LINES: tuple[str, ...] = (
    "Buy light bulbs",
    "Dentist next Tuesday",
    "Renew car insurance",
    "Return library books",
    "Ask about the holiday rota",
    "Pick up dry cleaning",
    "Book tyre change before winter",
    "Pay the electricity bill",
    "Call the landlord about the boiler",
    "Birthday present for mum",
    "Fix the garden gate",
    "Order new printer ink",
)

PHONE_MODELS: tuple[tuple[str, str, str], ...] = (
    ("samsung", "SM-A525F", "A525FXXU4BVJ1"),
    ("samsung", "SM-G991B", "G991BXXU5CVLL"),
    ("Google", "Pixel 6a", "TQ3A.230901.001"),
    ("motorola", "moto g54 5G", "U1TDS34.94-12"),
    ("Xiaomi", "Redmi Note 12", "V14.0.6.0.TMGEUXM"),
    ("OnePlus", "CPH2449", "CPH2449_13.1.0.580"),
)
IPHONE_MODELS: tuple[str, ...] = ("iPhone 13", "iPhone 14", "iPhone SE (3rd generation)", "iPhone 15")
CAMERA_MODELS: tuple[tuple[str, str, str], ...] = (
    ("Canon", "Canon EOS 250D", "Firmware Version 1.0.2"),
    ("NIKON CORPORATION", "NIKON D3500", "Ver.1.02"),
    ("SONY", "ILCE-6000", "ILCE-6000 v3.21"),
)
LAPTOP_MODELS: tuple[str, ...] = (
    "Lenovo ThinkPad T14",
    "Dell Latitude 5420",
    "HP EliteBook 840",
    "Acer Aspire 5",
)

# Planted triage scripts (synth/events.py): bland, non-explicit chat between two adults about
# looking after a child, a visit, a birth, deleting a chat or paying. Never addressed to a child.
# "A" writes the lines about the child, "B" answers; {when} is a date expression the generator
# renders from the message day, {past} one that names a day already gone.
EVENT_SCRIPTS: dict[str, tuple[tuple[tuple[str, str], ...], ...]] = {
    "en": (
        (("A", "Her mum is away {when}, so I'm looking after the little one on my own"),
         ("B", "Ok. Can I come over then?"),
         ("A", "Yes, come round in the evening. Delete this chat after")),
        (("A", "I'm babysitting {when}, her parents are away"),
         ("B", "Good. I'll drive up and stay over"),
         ("A", "Fine. Keep this between us")),
    ),
    "nb": (
        (("A", "Mora er bortreist {when}, så jeg passer den lille alene"),
         ("B", "Ok. Kan jeg komme innom da?"),
         ("A", "Ja, kom innom på kvelden. Slett chatten etterpå")),
        (("A", "Jeg er barnevakt {when}, foreldrene er bortreist"),
         ("B", "Bra. Jeg kjører opp og overnatter"),
         ("A", "Greit. Dette blir mellom oss")),
    ),
}  # fmt: skip
BIRTH_SCRIPTS: dict[str, tuple[tuple[str, str], ...]] = {
    "en": (("A", "When she is born {when} I will be looking after her a lot"),
           ("B", "Then I will visit you when she is here"),
           ("A", "Yes. Keep it between us")),
    "nb": (("A", "Når hun blir født {when} skal jeg passe henne mye"),
           ("B", "Da kommer jeg på besøk"),
           ("A", "Ja. Hold det mellom oss")),
}  # fmt: skip
DECOY_SCRIPTS: dict[str, dict[str, tuple[tuple[str, str], ...]]] = {
    "no-child": {
        "en": (("A", "Shall we meet up at the cabin {when}?"), ("B", "Sure, I'll come over after lunch")),
        "nb": (("A", "Skal vi møtes på hytta {when}?"), ("B", "Ja, jeg kommer innom etter lunsj")),
    },
    "past-date": {
        "en": (("A", "I was looking after her {past}, it went fine"),
               ("B", "Good. Come over for a coffee some time")),
        "nb": (("A", "Jeg passet henne {past}, det gikk fint"), ("B", "Så bra. Kom innom på kaffe en gang")),
    },
    "negation": {
        "en": (("A", "I'm not looking after her {when} after all, her mum cancelled"),
               ("B", "Ok. Come over for the match instead?")),
        "nb": (("A", "Jeg skal ikke passe henne {when} likevel"), ("B", "Ok, kom innom på kampen i stedet?")),
    },
}  # fmt: skip
CHATTER_LINES: dict[str, tuple[str, ...]] = {
    "en": ("Delete this chat when you have read it", "Use the other app from now on",
           "I can send the money tonight", "Did the gift card work?"),
    "nb": ("Slett chatten når du har lest", "Bruk den andre appen fra nå av",
           "Jeg kan sende penger i kveld", "Fikk du vipps fra meg?"),
}  # fmt: skip

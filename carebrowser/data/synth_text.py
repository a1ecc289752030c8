"""The words of a synthetic archive: names of people and bodies, and the sentences they say."""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable

from carebrowser.data.vocabulary import STANCES

#: Sentences made once per archive, chosen from at random.
POOL = 8192

# -- words ------------------------------------------------------------------------------------

PLACE_HEADS = (
    "North", "South", "East", "West", "Ash", "Brook", "Castle", "Green", "Hart", "High", "King",
    "Long", "Mill", "New", "Old", "Red", "Stone", "Wood", "Black", "White", "Fair", "Great",
    "Market", "Bridge", "Chester", "Har", "Wel", "Brad", "Cal", "Dun", "Elm", "Fox", "Glen",
    "Hazel", "Ivy", "Lang", "Mor", "Oak", "Pen", "Ros",
)  # fmt: skip
PLACE_TAILS = (
    "ford", "ham", "field", "borough", "wick", "shire", "ton", "bury", "ley", "worth", "mouth",
    "minster", "by", "dale", "gate", "stead", "caster", "port", "bridge", "moor",
)  # fmt: skip
FIRST = (
    "Alan", "Jacqui", "Tony", "Margaret", "David", "Helen", "Paul", "Sarah", "John", "Ruth",
    "Peter", "Anne", "Michael", "Jane", "Richard", "Moira", "Stephen", "Denise", "Andrew", "Liz",
    "Ian", "Frances", "Nigel", "Patricia", "Simon", "Harriet", "Keith", "Gillian", "Martin",
    "Renée", "Chris", "Bob", "Sally", "Mark", "Carol", "Neil", "Lesley", "Graham", "Judith",
    "Hugh", "Joanna", "Colin", "Brenda", "Tim", "Wendy", "Roger", "Julia", "Derek", "Sue", "Ken",
)  # fmt: skip
LAST = (
    "Milburn", "Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
    "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
    "Wood", "Jackson", "Clarke", "Patel", "Khan", "Hughes", "Edwards", "Lewis", "Turner", "Hill",
    "Moore", "Cooper", "Ward", "Morris", "King", "Watson", "Harris", "Baker", "Young", "Allen",
    "Mitchell", "Anderson", "Bell", "Carter", "Phillips", "Parker", "Shaw", "Marshall", "Bennett",
    "Gray", "Murray", "Ellis", "Grant", "Pearce", "Hussain", "Chapman", "Dixon", "Knight", "Fox",
    "Ahmed", "Mason", "Hunt", "Palmer", "Mills", "Holmes", "Barnes", "Lloyd", "Fletcher", "Reid",
    "Ross", "O'Brien", "Stone", "Bailey", "Simpson", "Owen", "Gibson", "Kelly", "Russell", "Ryan",
    "Webb", "Rose", "Burns", "Price", "Lee", "Cole", "Wells", "Jenkins", "Hayes", "Powell",
    "Dawson", "Hart", "Payne", "Rowe", "Stevens", "Gardner", "Lamb", "Day", "Booth", "Nash",
    "Bishop", "Lowe", "Fraser", "Hudson",
)  # fmt: skip
ROLES = (
    "director of social services", "chief executive", "chair of social services",
    "health secretary", "junior health minister", "social care policy officer", "president",
    "chair of social affairs, health and housing", "general secretary", "spokesperson",
    "chief inspector", "head of policy", "research fellow", "leader of the council",
    "director of adult services", "editor", "care home manager", "social worker",
)  # fmt: skip
GROUPS = (
    "older people", "children", "disabled people", "carers", "young offenders", "care leavers",
    "people with learning disabilities", "mental health service users", "families", "councils",
    "care homes", "hospitals", "social workers", "home care workers", "asylum seekers",
)  # fmt: skip
SERVICES = (
    "care trusts", "children's trusts", "social services", "home care", "residential care",
    "delayed discharge", "star ratings", "ring-fenced budgets", "hospital beds",
    "direct payments", "foster care", "adoption services", "intermediate care",
    "mental health services", "the social care workforce", "primary care trusts",
    "inspection regimes", "pooled budgets", "council tax", "nursing homes", "child protection",
    "the General Social Care Council", "performance indicators", "the voluntary sector",
    "community care", "rehabilitation", "domiciliary care", "youth services", "school places",
)  # fmt: skip
PROPOSAL_HEADS = (
    "Fines for", "Star ratings for", "New freedoms for", "Pooled budgets for", "Inspection of",
    "Direct payments for", "Ring-fencing of", "Intervention in", "Care trusts for",
    "Children's trusts for", "Charging for", "National standards for", "Local targets for",
    "Private provision of", "Free personal care for", "League tables for", "Registration of",
    "Training levy for", "Independent review of", "Extra funding for",
)  # fmt: skip
REAL_PROPOSALS = (
    ("Children's trusts", "Combine education, health and social services for children."),
    ("Care trusts", "Join NHS and council services for adults in one trust."),
    ("Fines for delayed discharge", "Charge councils for patients kept in hospital too long."),
    ("Star ratings for social services", "Rate every council's social services with stars."),
    ("Freedoms for top-performing councils", "Fewer inspections for the best-rated councils."),
)
SUBJECTS = (
    "The government", "Councils", "Directors of social services", "The health secretary",
    "Local authorities", "Primary care trusts", "The inspectorate", "Voluntary groups",
    "Ministers", "The Local Government Association", "Care home owners", "Social workers",
    "The Treasury", "Health authorities", "Campaigners", "The opposition", "Unions",
)  # fmt: skip
VERBS = (
    "will press ahead with", "has warned against", "is expected to announce changes to",
    "must deliver", "have struggled with", "are reviewing", "plan to expand", "want to scrap",
    "have called for more money for", "will be judged on", "are consulting on",
    "face a shake-up of", "have welcomed", "remain sceptical about", "are under pressure over",
)  # fmt: skip
TAILS = (
    "", " in the next financial year", " despite opposition from councils", " within two years",
    " across England", " by April", " after the general election", " in the white paper",
    " at a cost of £{n}m", " from next year", " as the bill goes through parliament",
    " in {n} areas", " following the spending review", " under the new legislation",
)  # fmt: skip
OPENERS = {
    "supports": ("We welcome", "I strongly support", "This is the right approach to",
                 "We have long argued for", "There is a clear case for"),
    "conditional support": ("We could support", "We will back", "There is merit in",
                            "We are prepared to accept"),
    "mixed": ("There are good and bad points in", "We are divided over",
              "The jury is still out on", "It is too early to judge"),
    "concerns": ("We have serious concerns about", "There are real worries about",
                 "I am not convinced by", "We are troubled by"),
    "opposes": ("We are opposed to", "There is no case for", "We will fight",
                "I reject", "It would be a mistake to introduce"),
}  # fmt: skip
CONDITIONS = {
    "supports": (", because it will", ", which will"),
    "conditional support": (", provided that it does not", ", as long as it does not"),
    "mixed": (", although it may", ", but it could"),
    "concerns": (", because it could", ", which risks making it harder to"),
    "opposes": (", because it will", ", which would"),
}
EFFECTS = (
    "bring services closer to the people who use them",
    "break down the barriers between health and social care",
    "penalise councils for problems they did not cause",
    "take money away from front-line services", "give councils the freedom to innovate",
    "put vulnerable people at risk", "reduce the time people wait for care",
    "undermine local democracy", "drive up standards", "create another layer of bureaucracy",
    "help families who are struggling", "leave social workers demoralised",
    "end the postcode lottery in care", "shift the burden onto carers",
    "make the system more accountable", "cost far more than the government admits",
)  # fmt: skip
REPORTED = {
    "supports": ("backed", "welcomed", "spoke in favour of"),
    "conditional support": ("gave qualified backing to", "said it could accept"),
    "mixed": ("was divided over", "gave a mixed response to"),
    "concerns": ("raised serious concerns about", "voiced doubts about"),
    "opposes": ("opposed", "attacked", "rejected"),
}
REPORTING = ("said", "warned", "argued", "insisted", "claimed", "told the conference",
              "has made clear", "has repeatedly said")  # fmt: skip
PUBLICATIONS = (
    "Community Care", "The Guardian", "The Independent", "Local Government Chronicle",
    "Society Guardian", "Health Service Journal", "The Times", "Daily Telegraph", "BBC News",
    "The Observer", "Financial Times", "Municipal Journal", "Nursing Times", "Public Finance",
    "Children Now", "Care and Health", "Yorkshire Post", "Manchester Evening News",
    "Birmingham Post", "Western Mail", "Evening Standard", "Daily Mail", "The Scotsman",
    "New Statesman", "The Economist",
)  # fmt: skip
ORG_TEMPLATES = {
    "government": ("Department of {Area}", "{Area} Unit", "Office for {Area}",
                   "{Area} Taskforce"),
    "local government": ("{Place} Social Services Partnership", "{Place} Councils Network",
                         "Association of {Place} Authorities"),
    "professional association": ("Association of {Area} Professionals",
                                 "Institute of {Area} Managers", "College of {Area}"),
    "NHS body": ("{Place} Primary Care Trust", "{Place} NHS Trust", "{Place} Health Authority",
                 "{Place} Care Trust"),
    "political party": ("{Place} Independents", "{Area} Party"),
    "regulator or inspectorate": ("{Area} Inspectorate", "Commission for {Area}"),
    "think tank or research": ("Institute for {Area} Research", "{Area} Policy Centre",
                               "{Place} Foundation"),
    "council": ("{Place} County Council", "{Place} City Council", "{Place} Borough Council",
                "{Place} District Council", "{Place} Metropolitan Borough Council"),
    "press": ("{Place} Gazette", "{Place} Herald", "{Area} Weekly"),
    "other": ("{Place} Carers Association", "{Area} Action", "Friends of {Place} Hospital",
              "{Place} Age Concern", "{Place} Care Homes Group"),
}  # fmt: skip
AREAS = (
    "Social Care", "Health", "Children", "Older People", "Mental Health", "Disability",
    "Community Care", "Public Services", "Local Government", "Welfare", "Family Policy",
    "Housing", "Care Standards", "Social Work", "Youth", "Learning Disability",
)  # fmt: skip


class Names:
    """Unique names: a template first, then with an initial or a number when taken."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()
        self.places = [h + t for h in PLACE_HEADS for t in PLACE_TAILS]

    def claim(self, make: Callable[[], str]) -> str:
        name = make()
        for attempt in itertools.count(2):
            if name.casefold() not in self.taken:
                self.taken.add(name.casefold())
                return name
            name = make() if attempt < 6 else f"{make()} ({attempt})"
        raise AssertionError("unreachable")

    def organisation(self, category: str) -> str:
        template = self.rng.choice(ORG_TEMPLATES[category])
        return self.claim(
            lambda: template.format(Place=self.rng.choice(self.places), Area=self.rng.choice(AREAS))
        )

    def person(self) -> str:
        rng = self.rng

        def make() -> str:
            middle = f" {chr(65 + rng.randrange(26))}." if rng.random() < 0.5 else ""
            return f"{rng.choice(FIRST)}{middle} {rng.choice(LAST)}"

        return self.claim(make)


def sentence_pool(rng: random.Random) -> list[str]:
    """Reporting sentences of an article that are nobody's statement."""
    pool = []
    for _ in range(POOL):
        tail = rng.choice(TAILS).format(n=rng.randrange(2, 900))
        what = rng.choice(SERVICES) if rng.random() < 0.7 else rng.choice(GROUPS)
        pool.append(f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {what}{tail}.")
    return pool


def clause_pool(rng: random.Random) -> list[str]:
    """Sentences that a quotation may go on with."""
    pool = []
    for _ in range(POOL):
        group = rng.choice(GROUPS)
        service = rng.choice(SERVICES)
        pool.append(
            rng.choice(
                (
                    f"The real question is what this means for {group}.",
                    f"Nobody has explained how {service} will be paid for.",
                    f"We have seen this before with {service}.",
                    f"It is {group} who will feel the difference.",
                    f"This is about {service} and nothing else.",
                    f"The evidence on {service} is clear.",
                    f"Councils cannot do this on their own, and {group} know it.",
                    f"We need {service} that work for {group}.",
                )
            )
        )
    return pool


def quotation(rng: random.Random, clauses: list[str], stance: int, title: str | None) -> str:
    name = STANCES[stance]
    first = rng.choice(OPENERS[name])
    topic = title[0].lower() + title[1:] if title else rng.choice(SERVICES)
    sentence = f"{first} {topic}{rng.choice(CONDITIONS[name])} {rng.choice(EFFECTS)}."
    more = rng.choices((0, 1, 2, 3), (45, 30, 15, 10))[0]
    return " ".join([sentence, *(clauses[int(rng.random() * POOL)] for _ in range(more))])


def report(rng: random.Random, name: str, stance: int, title: str | None) -> str:
    topic = title[0].lower() + title[1:] if title else rng.choice(SERVICES)
    verb = rng.choice(REPORTED[STANCES[stance]])
    return f"{name} {verb} {topic}, arguing that it would {rng.choice(EFFECTS)}."

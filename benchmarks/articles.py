"""Deterministic synthetic articles that pass every editorial rule, for the build benchmark.

Each article has the full front matter of the content brief, people and categories from the settings,
two to four footnoted sources whose DOI links come from the team's reference list, `##`/`###` headings,
a list, cross-links to neighbouring synthetic articles, sometimes an FAQ section, and (one in ten) an
affiliate search link, so the plugin and the audit do the same work they do on real articles.
"""

from __future__ import annotations

import datetime
import random
import re
from pathlib import Path

REFERENCES = Path("/work/shared/references.md")
TAGS = ["ketamine", "neuropathic pain", "fibromyalgia", "crps", "central sensitization", "medication safety",
        "opioids", "self-care", "sleep", "evidence"]
# Calm, claim-free vocabulary; checked against FLAGGED_CLAIMS at generation time anyway.
SUBJECTS = ["Your clinician", "A pain specialist", "The care team", "Many patients", "A physical therapist",
            "Some people", "The reviewing physician", "A pharmacist", "Your primary care clinician"]
VERBS = ["may discuss", "often reviews", "can explain", "usually checks", "will ask about", "tends to track",
         "may suggest", "looks at", "writes down", "compares"]
OBJECTS = ["how long the pain has lasted", "which treatments you have tried", "your sleep over the past month",
           "any side effects you noticed", "the medicines you take each day", "how far you can walk",
           "what makes the pain ease", "changes in your mood", "your goals for the next few weeks",
           "the results of earlier tests", "how the pain affects work", "the timing of each dose"]
TAILS = ["before any change is made", "at each visit", "over several weeks", "with you and your family",
         "in plain terms", "when a plan is agreed", "as the evidence allows", "at a follow-up appointment"]
HEADINGS = ["What to expect", "Questions to ask", "How the evidence looks", "Living with the pain",
            "Planning the next step", "Side effects to watch for", "Working with your care team"]
QUESTIONS = ["How long does an appointment take?", "Should I keep a pain diary?", "Can I bring a relative?",
             "What if a treatment does not help?"]


def doi_references(path: Path = REFERENCES) -> list[str]:
    """Reference-list entries that cite a DOI link, in the list's order."""
    entries = re.findall(r"^- (.+?https://doi\.org/\S+)", path.read_text(encoding="utf-8"), re.M)
    return [re.sub(r"(https://doi\.org/\S+)", r"<\1>", entry) for entry in entries]


def _sentence(rng: random.Random) -> str:
    return f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(TAILS)}."


def _paragraph(rng: random.Random, sentences: int = 7) -> str:
    return " ".join(_sentence(rng) for _ in range(sentences))


def slug(index: int) -> str:
    return f"bench-article-{index:05d}"


def article(index: int, total: int, settings: dict, references: list[str], today: datetime.date) -> str:
    rng = random.Random(index)
    category = settings["CATEGORIES"][index % len(settings["CATEGORIES"])]
    tags = rng.sample(TAGS, rng.randint(2, 4))
    reviewed = today - datetime.timedelta(days=1 + index % 60)
    published = reviewed - datetime.timedelta(days=index % 30)
    people = list(settings["PEOPLE"])
    author, reviewer = people[0], people[1 + index % (len(people) - 1)]
    cited = rng.sample(range(len(references)), rng.randint(2, 4))
    body = [_paragraph(rng) + f"[^s{cited[0]}]"]
    for number, heading in enumerate(rng.sample(HEADINGS, 4)):
        body.append(f"## {heading}")
        body.append(_paragraph(rng))
        body.append(f"### {rng.choice(OBJECTS).capitalize()}")
        body.append(_paragraph(rng) + f"[^s{cited[(number + 1) % len(cited)]}]")
        body.append("\n".join(f"- {rng.choice(OBJECTS)}" for _ in range(4)))
    neighbour = slug((index + 1) % total)
    body.append(f"Read [the next guide in this series]({{filename}}{neighbour}.md) for more on this topic.")
    # One article in ten has an affiliate link, in a category that may carry them (AFFILIATE_CATEGORIES).
    if index % 10 == 4 and category in (settings.get("AFFILIATE_CATEGORIES") or [category]):
        body.append("[search Amazon for heating pads with auto shut-off](amazon-search:heating+pad+auto+shut+off)")
    if index % 3 == 0:
        body.append("## Frequently asked questions {: .faq }")
        for question in rng.sample(QUESTIONS, 2):
            body += [f"### {question}", _paragraph(rng, 3)]
    body += [f"[^s{i}]: {references[i]}" for i in cited]
    header = "\n".join([
        f"Title: Synthetic guide {index}: {rng.choice(HEADINGS).lower()}",
        f"Date: {published.isoformat()}",
        f"Modified: {reviewed.isoformat()}",
        f"Category: {category}",
        f"Tags: {', '.join(tags)}",
        f"Slug: {slug(index)}",
        f"Summary: A synthetic article used to measure how long the site takes to build ({index}).",
        f"Author: {author}",
        f"Reviewer: {reviewer}",
        f"Last_reviewed: {reviewed.isoformat()}",
        "Key_points: Pain that lasts is common.",
        "    A clinician can help you plan care.",
        "    Rest and movement both help.",
    ])
    return header + "\n\n" + "\n\n".join(body) + "\n"


def flagged(text: str, settings: dict) -> list[str]:
    """The claim-flagged problems the build would report on `text` (clinic.rules.claims, the rule itself)."""
    from types import SimpleNamespace

    from clinic.rules import claims

    return [p.message for p in claims.check(SimpleNamespace(source_path="synthetic.md"), settings, text, [])
            if p.rule == "claim-flagged"]


def write_articles(directory: Path, count: int, settings: dict, today: datetime.date | None = None) -> list[Path]:
    """Write `count` articles into `directory`; the same inputs always give the same files."""
    today = today or datetime.date.today()
    references = doi_references()
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        text = article(index, count, settings, references, today)
        bad = flagged(text, settings)
        if bad:
            raise ValueError(f"synthetic article {index} uses flagged words {bad}")
        path = directory / f"{slug(index)}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths

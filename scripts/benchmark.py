"""Benchmark cjmkit against its peers: validate, lint and render versus check-jsonschema and libyaml.

Generates workspaces of N realistic journey maps (about 275 lines each), then times real
processes, a new one per run, so that start-up counts as it does for a user or a CI job.
Prints one Markdown table (best and median wall time, per-map cost, peak RSS of the child)
and the ratios the project tracks, each with its goal and PASS/FAIL.

It drives the `cjm` installed next to this Python (the project's .venv), never cjmkit's code
in-process, so it measures whatever that `cjm` is.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime
import importlib.metadata
import json
import os
import pathlib
import platform
import random
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence

ROOT = pathlib.Path(__file__).resolve().parent.parent
JOURNEY_SCHEMA = ROOT / "schemas" / "journey.schema.json"
BIN = pathlib.Path(sys.executable).parent
CJM = BIN / "cjm"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"

DEFAULT_SIZES = "100,300,1000,3000"
QUICK_SIZES = "100,300"
PEER_SIZE = 300  # where cjmkit is compared with check-jsonschema and a bare parse
LINT_GOAL_SIZE = 3000
QUICK_RENDER_LIMIT = 1000
SEED = "cjmkit-benchmark-v1"

# Loads every file to plain data and nothing else, as most Python tools read YAML with
# libyaml (PyYAML's C loader; ruamel.yaml's own C loader is slower: its Python resolver
# raises and catches two exceptions per node). The goal's yardstick.
LIBYAML_PARSE = (
    "import sys\n"
    "import yaml\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, encoding='utf-8') as f:\n"
    "        yaml.load(f.read(), Loader=yaml.CSafeLoader)\n"
)
# Drains libyaml's events for every file and builds nothing: the floor under any loader.
LIBYAML_EVENTS = (
    "import sys\n"
    "from _ruamel_yaml import CParser\n"
    "for name in sys.argv[1:]:\n"
    "    with open(name, encoding='utf-8') as f:\n"
    "        parser = CParser(f.read())\n"
    "    while parser.get_event() is not None and parser.check_event():\n"
    "        pass\n"
)
BARE_IMPORT = "import pydantic, ruamel.yaml"


# --- Generated workspaces -------------------------------------------------------------------

SEGMENTS = [
    ("young-professionals", "Young professionals in cities", 184000),
    ("families", "Families with children", 236000),
    ("students", "Students and first jobbers", 142000),
    ("retirees", "Active retirees", 97000),
    ("small-business", "Small business owners", 38000),
    ("enterprise-it", "Enterprise IT buyers", 4200),
    ("bargain-hunters", "Bargain hunters", 310000),
    ("premium", "Premium buyers", 21000),
    ("returning", "Lapsed customers coming back", 64000),
    ("gift-buyers", "Gift buyers", 118000),
]
PERSONAS = [
    ("anna", "Anna, 34", "young-professionals", "Product manager renting a flat downtown"),
    ("mark", "Mark, 41", "families", "Father of two who shops on his phone in the evening"),
    ("li", "Li, 22", "students", "Design student with a tight monthly budget"),
    ("greta", "Greta, 67", "retirees", "Retired teacher who compares every offer twice"),
]
CHANNELS = [
    ("website", "Online store", "owned"),
    ("email", "Email automations", "owned"),
    ("search-ads", "Search ads", "paid"),
    ("social-ads", "Social media ads", "paid"),
    ("mobile-app", "Mobile app and push", "owned"),
    ("support-chat", "Support chat", "owned"),
]
PRODUCTS = [
    "home insurance",
    "kitchen appliances",
    "running shoes",
    "accounting software",
    "garden furniture",
    "language courses",
    "smart thermostats",
    "office chairs",
    "pet food",
    "bicycles",
    "coffee machines",
    "travel packages",
    "mattresses",
    "solar panels",
]
COMPANIES = [
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Tailspin",
    "Litware",
    "Adatum",
    "Proseware",
    "Wingtip",
    "Woodgrove",
    "Lucerne",
    "Alpine Ski House",
    "Coho Vineyard",
    "Fourth Coffee",
    "Margie's Travel",
]
CURRENCIES = ["EUR", "USD", "GBP", "RUB", "CHF"]
EVIDENCE_SOURCES = ["analytics", "survey", "interviews", "staff", "reviews", "market-research"]

# What a stage of each phase says, one item a line: the stage draws its wording from here.
# `touchpoint: NAME @ CHANNEL`, `objection: TEXT => RESPONSE`, `barrier: TEXT => RECOMMENDATION`,
# `kpi: NAME; UNIT; DIRECTION`. Kept as text so the pools read like the maps they produce.
PHASE_TEXT = """
[awareness]
name: Discovery
name: First contact
name: Problem framing
goal: Understand which {product} would solve the problem
goal: Find out who sells {product} nearby
action: Searches for {product} reviews
action: Sees an ad in the social feed
action: Asks friends for advice
action: Reads a comparison article
thought: Is it worth the money?
thought: Everyone says something different
thought: I have never heard of them
strategy: Search campaign on problem keywords with a comparison landing page
strategy: Social video ads showing the product in real homes, retargeting for 14 days
touchpoint: Search ad @ search-ads
touchpoint: Social video ad @ social-ads
touchpoint: Comparison article @ website
touchpoint: Retargeting banner @ social-ads
objection: I do not trust ads => Independent reviews and ratings next to every claim
objection: It is probably too expensive => Price range shown in the ad itself
barrier: The ad does not say what makes the offer different => Lead with the benefit reviews quote most
barrier: Landing page loads slowly on mobile => Compress images and drop the video autoplay
kpi: Click-through rate of search ads; ratio; higher
kpi: Cost per click; currency; lower
kpi: Brand recall in survey; percent; higher

[consideration]
name: Research and comparison
name: Shortlist
name: Evaluation
goal: Compare two or three offers of {product} and pick the best value
goal: Check that {product} fits the household
action: Compares prices on three sites
action: Reads customer reviews
action: Watches a product video
action: Asks a question in the chat
thought: Which one lasts longer?
thought: Are the reviews real?
thought: I need to ask my partner
strategy: Comparison table on the product page, chat replies within two minutes
strategy: Email with a buying guide and customer photos after a wishlist save
touchpoint: Product page @ website
touchpoint: Buying guide email @ email
touchpoint: Chat with an adviser @ support-chat
touchpoint: Wishlist reminder @ mobile-app
objection: The competitor is cheaper => Cost calculator with delivery and service included
objection: I cannot see it in person => Free returns within 30 days and a showroom map
barrier: Specifications are hidden in a PDF => Put the key dimensions and specs on the page
barrier: No answers in the evening => Extend chat hours to 22.00 on weekdays
kpi: Product page to cart rate; ratio; higher
kpi: Chat response time; seconds; lower
kpi: Guide email open rate; percent; higher

[purchase]
name: Checkout
name: First order
name: Contract signing
goal: Buy {product} quickly with a delivery date that suits
goal: Pay safely without surprises
action: Adds the item to the cart
action: Enters the delivery address
action: Applies the discount code
action: Pays by card
thought: Why is delivery extra?
thought: I hope the code still works
thought: Finally done
strategy: Delivery cost shown from the product page on, guest checkout and wallet payments
strategy: Abandoned cart chain of one email and one push within 24 hours
touchpoint: Cart and checkout @ website
touchpoint: Abandoned cart email @ email
touchpoint: Cart push @ mobile-app
touchpoint: Order confirmation @ email
objection: Delivery is too expensive => Free delivery over a threshold shown in the cart
objection: I do not want an account => Guest checkout with an optional account after payment
barrier: Delivery cost appears only at the last step => Show delivery cost in the cart
barrier: Card payment fails on some banks => Add wallet payments and a retry with another method
kpi: Checkout completion rate; ratio; higher
kpi: Checkout abandonment; percent; lower
kpi: Payment failures per 1000 orders; count; lower

[onboarding]
name: Delivery and set-up
name: Welcome
name: Installation
goal: Receive {product} on time and start using it
goal: Set everything up without calling support
action: Tracks the parcel
action: Reschedules the delivery slot
action: Unpacks and sets up
action: Reads the quick start guide
thought: When exactly will it arrive?
thought: The manual is confusing
thought: That was easier than expected
strategy: Proactive delivery updates with a one-hour window and a video quick start
strategy: Welcome series of three emails with set-up tips
touchpoint: Shipping notification @ mobile-app
touchpoint: Delivery day message @ email
touchpoint: Quick start video @ website
touchpoint: Set-up help chat @ support-chat
objection: I am not at home during the day => Safe place and parcel locker options in the tracking link
objection: Set-up looks complicated => Free video call with a technician in the first week
barrier: Parcels miss the promised date in peak weeks => Second carrier for peak weeks
barrier: Customers without the app get no updates => Fall back to email when push is off
kpi: Deliveries on time; percent; higher
kpi: Set-up tickets per 100 orders; count; lower
kpi: Welcome email click rate; ratio; higher

[usage]
name: First use
name: Everyday use
name: Getting value
goal: Get the promised value from {product} every week
goal: Learn the features that matter
action: Uses the product daily
action: Writes a review
action: Contacts support once
action: Shares a photo
thought: It works as promised
thought: Why is this feature hidden?
thought: I would buy this again
strategy: Tips emails tied to actual usage and a review request a week after delivery
strategy: In-app hints for the three features customers miss most
touchpoint: Review request @ email
touchpoint: In-app tips @ mobile-app
touchpoint: Help centre @ website
touchpoint: Support chat @ support-chat
objection: I do not have time to write reviews => One-tap rating with an optional photo
objection: Support is hard to reach => Callback within one hour from the help centre
barrier: Key feature is buried in the settings => Move it to the home screen
barrier: Review form asks for too much => Cut the form to a rating and one text field
kpi: Review rate; ratio; higher
kpi: Weekly active users; percent; higher
kpi: Customer satisfaction score; score; higher

[retention]
name: Repeat purchase
name: Renewal
name: Win-back
goal: Reorder {product} accessories at a fair price
goal: Renew without a price shock
action: Gets a replenishment reminder
action: Compares the renewal price
action: Reorders in the app
thought: They remembered what I bought
thought: The renewal went up again
thought: Loyalty points help
strategy: Replenishment reminders from purchase history and a loyalty programme with points
strategy: Win-back email with a personal offer after 60 quiet days
touchpoint: Replenishment reminder @ email
touchpoint: Loyalty points push @ mobile-app
touchpoint: Win-back offer @ email
touchpoint: Reorder page @ website
objection: You send too many messages => Frequency cap of two marketing messages a week
objection: The renewal price is too high => Loyalty discount shown before the renewal date
barrier: Generic newsletters get ignored => Build the newsletter from browse and purchase history
barrier: Points expire without notice => Reminder two weeks before points expire
kpi: Repeat purchase within 90 days; ratio; higher
kpi: Unsubscribe rate; percent; lower
kpi: Renewal rate; percent; higher

[advocacy]
name: Referral
name: Recommendation
name: Community
goal: Recommend {product} to friends and get a reward
goal: Share the experience with others
action: Shares a referral link
action: Posts a photo
action: Answers a question in the community
thought: My friends should try this
thought: Nice to get something back
thought: Happy to help others
strategy: Referral programme with a reward for both sides and a community for power users
strategy: Showcase of customer photos with credit to the author
touchpoint: Referral email @ email
touchpoint: Referral link in the app @ mobile-app
touchpoint: Customer gallery @ website
touchpoint: Community post @ social-ads
objection: I do not want to spam my friends => Personal message templates and a private link
objection: The reward is not worth it => Reward both sides with a voucher they can combine
barrier: The referral link is hard to find => Put the link in the order confirmation and the app menu
barrier: Rewards arrive weeks later => Credit the reward when the friend's order ships
kpi: Referral share rate; ratio; higher
kpi: Net promoter score; score; higher
kpi: Referred orders per month; count; higher
"""


def parse_phases(text: str) -> list[tuple[str, dict[str, list[str]]]]:
    phases: list[tuple[str, dict[str, list[str]]]] = []
    for line in text.strip().splitlines():
        if line.startswith("["):
            phases.append((line.strip("[]"), {}))
        elif line:
            key, value = line.split(": ", 1)
            phases[-1][1].setdefault(key, []).append(value)
    return phases


PHASES = parse_phases(PHASE_TEXT)

_PLAIN = re.compile(r"[A-Za-z][^:#\"'\n]*[^:\s]")
_YAML_WORDS = {"yes", "no", "true", "false", "null", "on", "off", "y", "n"}


def scalar(text: str) -> str:
    """The text as a YAML scalar: plain when that reads back as the same string, else quoted."""
    if _PLAIN.fullmatch(text) and text.lower() not in _YAML_WORDS:
        return text
    return json.dumps(text, ensure_ascii=False)


def flow_scalar(text: str) -> str:
    """The text as an item of a `[...]` list, where commas and brackets would end it."""
    return json.dumps(text, ensure_ascii=False) if re.search(r"[,\[\]{}]", text) else scalar(text)


def slug(text: str, limit: int = 40) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower())[:limit].strip("-")


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else repr(value)


def workspace_yaml() -> str:
    lines = [
        "# Generated by scripts/benchmark.py.",
        "cjm: 1",
        "name: Benchmark workspace FY2026",
        "locale: en",
    ]
    lines.append("segments:")
    for segment_id, name, size in SEGMENTS:
        lines += [f"  - id: {segment_id}", f"    name: {scalar(name)}", f"    size: {size}", "    kind: b2c"]
    lines.append("personas:")
    for persona_id, name, segment_id, description in PERSONAS:
        lines += [
            f"  - id: {persona_id}",
            f"    name: {scalar(name)}",
            f"    segment: {segment_id}",
            f"    description: {scalar(description)}",
            "    needs: [Clear prices before checkout, Delivery when at home]",
            "    pains: [Hidden fees, Missed deliveries]",
            "    motivations:",
            "      rational: [Save time, Save money]",
            "      emotional: [Feel in control]",
        ]
    lines.append("channels:")
    for channel_id, name, kind in CHANNELS:
        lines += [f"  - id: {channel_id}", f"    name: {scalar(name)}", f"    kind: {kind}"]
    return "\n".join(lines) + "\n"


def kpi_values(rng: random.Random, unit: str) -> tuple[float, float]:
    """A target and an actual within the unit's range; the actual misses the target about half the time."""
    if unit == "ratio":
        target = round(rng.uniform(0.02, 0.8), 3)
        return target, round(min(1.0, target * rng.uniform(0.6, 1.3)), 4)
    if unit == "percent":
        target = round(rng.uniform(5, 80), 1)
        return target, round(min(100.0, target * rng.uniform(0.7, 1.2)), 1)
    high = {"count": 500, "currency": 40, "seconds": 3600, "score": 80}[unit]
    digits = 2 if unit == "currency" else 0
    target = round(rng.uniform(high / 20, high), digits)
    return target, round(target * rng.uniform(0.6, 1.4), digits)


def stage_yaml(
    rng: random.Random,
    phase: str,
    pool: dict[str, list[str]],
    entered: int,
    emotion: int,
    product: str,
    company: str,
) -> tuple[list[str], int]:
    def pick(key: str) -> str:
        return rng.choice(pool[key]).format(product=product)

    stage_id = slug(pick("name"))
    # Funnels shrink stage by stage as real ones do; the next stage enters what this one advanced.
    advanced = int(entered * rng.uniform(0.1, 0.85))
    actions = [action.format(product=product) for action in rng.sample(pool["action"], rng.randint(2, 3))]
    lines = [
        f"  - id: {stage_id}",
        f"    name: {scalar(pick('name'))}",
        f"    phase: {phase}",
        f"    customer_goal: {scalar(pick('goal'))}",
        f"    actions: [{', '.join(flow_scalar(action) for action in actions)}]",
        "    thoughts:",
        *(f"      - {json.dumps(thought)}" for thought in rng.sample(pool["thought"], 2)),
        f"    emotion: {emotion}",
        f"    strategy: {scalar(pick('strategy'))}",
        "    touchpoints:",
    ]
    for number_in_stage, touchpoint in enumerate(rng.sample(pool["touchpoint"], 2), start=1):
        name, channel = touchpoint.split(" @ ")
        lines += [
            f"      - id: {stage_id}-{slug(name)}-{number_in_stage}",
            f"        name: {scalar(name)}",
            f"        channel: {channel}",
            f"        description: {scalar(f'{name} for {product} by {company}')}",
            f"        emotion: {max(-2, min(2, emotion + rng.choice((-1, 0, 0, 1))))}",
        ]
    objection, response = pick("objection").split(" => ")
    barrier, recommendation = pick("barrier").split(" => ")
    kpi_name, unit, direction = pick("kpi").split("; ")
    target, actual = kpi_values(rng, unit)
    sources = ", ".join(rng.sample(EVIDENCE_SOURCES, rng.randint(1, 3)))
    lines += [
        "    objections:",
        f"      - id: {slug(objection)}",
        f"        text: {scalar(objection)}",
        f"        response: {scalar(response)}",
        "    barriers:",
        f"      - id: {slug(barrier)}",
        f"        text: {scalar(barrier)}",
        f"        recommendation: {scalar(recommendation)}",
        "    kpis:",
        f"      - id: {slug(kpi_name)}",
        f"        name: {scalar(kpi_name)}",
        f"        target: {number(target)}",
        f"        actual: {number(actual)}",
        f"        unit: {unit}",
        f"        direction: {direction}",
        f"    funnel: {{entered: {entered}, advanced: {advanced}}}",
        f"    evidence: {{level: {rng.choice(('data', 'data', 'partial'))}, sources: [{sources}]}}",
    ]
    return lines, advanced


def journey_yaml(index: int) -> tuple[str, str]:
    """The file name and text of journey number INDEX.

    Journey INDEX is the same in every workspace (it has its own seed), so the 300-map workspace
    is the 100-map one plus 200 more: per-map costs compare like with like at every size.
    """
    rng = random.Random(f"{SEED}-{index}")
    segment_id, segment_name, _ = rng.choice(SEGMENTS)
    product, company = rng.choice(PRODUCTS), rng.choice(COMPANIES)
    journey_id = f"{segment_id}-{index:05d}"
    persona = next((p[0] for p in PERSONAS if p[2] == segment_id), None)
    updated = datetime.date(2026, 1, 1) + datetime.timedelta(days=rng.randrange(300))
    lines = [
        f"# {company}: how {segment_name.lower()} buy {product}. Generated by scripts/benchmark.py.",
        "cjm: 1",
        f"id: {journey_id}",
        f"title: {scalar(f'{segment_name} buying {product} from {company}')}",
        "description: >-",
        f"  How {segment_name.lower()} discover {company}, compare {product} with",
        "  the alternatives, buy, set up, come back and recommend it to friends.",
        f"owner: {scalar(f'Customer experience team, {company}')}",
        f"updated: {updated.isoformat()}",
        "locale: en",
        f"segment: {segment_id}",
        *([f"persona: {persona}"] if persona else []),
        "economics:",
        f"  currency: {rng.choice(CURRENCIES)}",
        f"  average_order_value: {rng.randrange(20, 3000)}",
        "stages:",
    ]
    entered, emotion = rng.randrange(20_000, 400_000), 0
    for phase, pool in PHASES:
        emotion = max(-2, min(2, emotion + rng.choice((-1, 0, 1))))
        stage, entered = stage_yaml(rng, phase, pool, entered, emotion, product, company)
        lines += stage
    return f"{journey_id}.yaml", "\n".join(lines)


def generate_workspace(folder: pathlib.Path, maps: int) -> list[pathlib.Path]:
    """Write cjm.yaml and MAPS journeys under FOLDER (replacing it); return the journey files."""
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "journeys").mkdir(parents=True)
    (folder / "cjm.yaml").write_text(workspace_yaml(), encoding="utf-8")
    files = []
    for index in range(maps):
        name, text = journey_yaml(index)
        path = folder / "journeys" / name
        path.write_text(text, encoding="utf-8")
        files.append(path)
    return files


# --- Measuring ------------------------------------------------------------------------------


@dataclasses.dataclass
class Sample:
    seconds: float
    peak_kib: int


@dataclasses.dataclass
class Row:
    key: str  # stable name the ratios refer to, e.g. "validate@300"
    label: str  # the command as the table shows it
    maps: int | None
    samples: list[Sample]

    @property
    def best(self) -> float:
        return min(s.seconds for s in self.samples)

    @property
    def median(self) -> float:
        return statistics.median(s.seconds for s in self.samples)

    @property
    def peak_mib(self) -> float:
        return max(s.peak_kib for s in self.samples) / 1024

    @property
    def per_map_ms(self) -> float | None:
        return self.best / self.maps * 1000 if self.maps else None


@dataclasses.dataclass
class Command:
    key: str
    label: str
    maps: int | None
    argv: Callable[[pathlib.Path], list[str]]  # gets an empty folder per run, for output files


class CommandFailed(RuntimeError):
    pass


def run_once(argv: Sequence[str], scratch: pathlib.Path) -> Sample:
    """Run ARGV as a new process; return its wall time and its own peak RSS.

    os.wait4 gives the rusage of this one child; RUSAGE_CHILDREN is the maximum over every
    child so far, so a small command measured after a big one would report the big one's peak.
    Output goes to files, not pipes, so a chatty child never blocks on a full pipe.
    """
    with open(os.devnull, "wb") as null, open(scratch / "stderr.txt", "w+b") as err:
        start = time.perf_counter()
        process = subprocess.Popen(argv, stdout=null, stderr=err)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)  # reaped here: Popen must not wait again
        if process.returncode != 0:
            err.seek(0)
            tail = err.read().decode("utf-8", "replace")[-3000:]
            raise CommandFailed(f"exit {process.returncode}: {shlex.join(argv)}\n{tail}")
    return Sample(seconds, usage.ru_maxrss)  # KiB on Linux


def measure(command: Command, runs: int, scratch: pathlib.Path) -> Row:
    samples = []
    for run in range(runs):
        workdir = scratch / f"run-{run}"
        workdir.mkdir(parents=True)
        try:
            samples.append(run_once(command.argv(workdir), scratch))
        finally:
            shutil.rmtree(workdir, ignore_errors=True)
    row = Row(command.key, command.label, command.maps, samples)
    progress(f"  {row.label}: best {row.best:.3f} s, median {row.median:.3f} s, peak {row.peak_mib:.0f} MiB")
    return row


def progress(message: str) -> None:
    # stderr, so that stdout is exactly the report to paste.
    print(message, file=sys.stderr, flush=True)


def output_of(argv: Sequence[str]) -> str:
    result = subprocess.run(argv, capture_output=True, text=True, check=False)
    return (result.stdout + result.stderr).strip()


def supports_jobs(command: str) -> bool:
    return re.search(r"--jobs\b", output_of([str(CJM), command, "--help"])) is not None


def git(*args: str) -> str:
    """Git's answer about this checkout, or "" outside one (say, a copy made with git archive)."""
    if not (ROOT / ".git").exists() or shutil.which("git") is None:
        return ""
    result = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=False)
    return result.stdout.strip()


@dataclasses.dataclass
class Plan:
    sizes: list[int]
    runs: int
    jobs: int | None
    peer_size: int
    render_sizes: list[int]
    jobs_support: dict[str, bool]

    def jobs_flag(self, command: str) -> list[str]:
        return ["--jobs", str(self.jobs)] if self.jobs and self.jobs_support[command] else []

    def commands(self, n: int, workspace: pathlib.Path, journeys: list[pathlib.Path]) -> list[Command]:
        ws = str(workspace)
        validate = self.jobs_flag("validate")
        commands = [
            Command(
                f"validate@{n}",
                shlex.join(["cjm", "validate", "WS", *validate]),
                n,
                lambda _: [str(CJM), "validate", ws, *validate],
            ),
        ]
        # Serial validation shows what the parallel default buys, once cjm can run in parallel.
        if self.jobs_support["validate"] and self.jobs != 1:
            commands.append(
                Command(
                    f"validate-jobs1@{n}",
                    "cjm validate WS --jobs 1",
                    n,
                    lambda _: [str(CJM), "validate", ws, "--jobs", "1"],
                )
            )
        lint = self.jobs_flag("lint")
        commands.append(
            Command(
                f"lint@{n}",
                shlex.join(["cjm", "lint", "WS", "--format", "json", *lint]) + " > /dev/null",
                n,
                lambda _: [str(CJM), "lint", ws, "--format", "json", *lint],
            )
        )
        if n in self.render_sizes:
            render = self.jobs_flag("render")
            commands.append(
                Command(
                    f"render@{n}",
                    shlex.join(["cjm", "render", "WS", "--to", "html", "--out", "TMP", *render]),
                    n,
                    lambda out: [str(CJM), "render", ws, "--to", "html", "--out", str(out), *render],
                )
            )
        if n == self.peer_size:
            files = [str(p) for p in journeys]
            commands += [
                Command(
                    f"check-jsonschema@{n}",
                    "check-jsonschema --schemafile schemas/journey.schema.json",
                    n,
                    lambda _: [str(CHECK_JSONSCHEMA), "--schemafile", str(JOURNEY_SCHEMA), *files],
                ),
                # Every file cjm validate reads, the workspace's cjm.yaml included.
                Command(
                    f"libyaml@{n}",
                    "python -c 'yaml.load(text, Loader=yaml.CSafeLoader)' (bare libyaml parse)",
                    n,
                    lambda _: [sys.executable, "-c", LIBYAML_PARSE, str(workspace / "cjm.yaml"), *files],
                ),
                Command(
                    f"events@{n}",
                    "python -c 'CParser(text).get_event()...' (libyaml events, nothing built)",
                    n,
                    lambda _: [sys.executable, "-c", LIBYAML_EVENTS, str(workspace / "cjm.yaml"), *files],
                ),
            ]
        return commands

    def startup_commands(self) -> list[Command]:
        return [
            Command("help", "cjm --help", None, lambda _: [str(CJM), "--help"]),
            Command("version", "cjm --version", None, lambda _: [str(CJM), "--version"]),
            Command(
                "import", f'python -c "{BARE_IMPORT}"', None, lambda _: [sys.executable, "-c", BARE_IMPORT]
            ),
        ]


# --- Report ---------------------------------------------------------------------------------

ROW_ORDER = ["validate", "validate-jobs1", "lint", "render", "check-jsonschema", "libyaml", "events"]


@dataclasses.dataclass
class Verdict:
    name: str
    shown: str
    goal: str
    verdict: str


def verdict(name: str, value: float | None, limit: float, *, strict: bool = False, unit: str = "") -> Verdict:
    goal = f"{'<' if strict else '≤'} {limit:g}{unit}"
    if value is None:
        return Verdict(name, "–", goal, "n/a")
    ok = value < limit if strict else value <= limit
    return Verdict(name, f"{value:.2f}{unit}", goal, "PASS" if ok else "FAIL")


def verdicts(rows: dict[str, Row], plan: Plan) -> list[Verdict]:
    def quotient(numerator: str, denominator: str) -> float | None:
        if numerator in rows and denominator in rows:
            return rows[numerator].best / rows[denominator].best
        return None

    peer = plan.peer_size
    out = [
        verdict(
            f"validate / check-jsonschema at {peer} maps",
            quotient(f"validate@{peer}", f"check-jsonschema@{peer}"),
            0.25,
        ),
        verdict(
            f"validate / bare libyaml parse at {peer} maps",
            quotient(f"validate@{peer}", f"libyaml@{peer}"),
            1.5,
        ),
    ]
    for command in ("validate", "lint", "render"):
        sizes = plan.render_sizes if command == "render" else plan.sizes
        small, large = (sizes[0], sizes[-1]) if sizes else (0, 0)
        value = None
        if large > small:  # one size alone says nothing about scaling
            small_row, large_row = rows[f"{command}@{small}"], rows[f"{command}@{large}"]
            value = (large_row.per_map_ms or 0) / (small_row.per_map_ms or 1)
        out.append(verdict(f"{command} per-map cost, {large} / {small} maps", value, 1.3))
    # Stated for 3000 maps: a run without that size neither passes nor fails it.
    lint = rows.get(f"lint@{LINT_GOAL_SIZE}")
    out += [
        verdict(
            f"lint at {LINT_GOAL_SIZE} maps, median time",
            lint.median if lint else None,
            20,
            strict=True,
            unit=" s",
        ),
        verdict(
            f"lint at {LINT_GOAL_SIZE} maps, peak RSS",
            lint.peak_mib if lint else None,
            600,
            strict=True,
            unit=" MiB",
        ),
        verdict("cjm --help / bare import", quotient("help", "import"), 2.5),
        verdict("cjm --version / bare import", quotient("version", "import"), 2.5),
    ]
    return out


def seconds_text(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def table(rows: list[Row], checks: list[Verdict]) -> list[str]:
    lines = [
        "| command | maps | best s | median s | per-map ms | peak MiB |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        per_map = f"{row.per_map_ms:.2f}" if row.per_map_ms is not None else "–"
        lines.append(
            f"| `{row.label}` | {row.maps or '–'} | {seconds_text(row.best)} | {seconds_text(row.median)}"
            f" | {per_map} | {row.peak_mib:.0f} |"
        )
    lines += ["", "| ratio | value | goal | verdict |", "|---|---:|---|---|"]
    lines += [f"| {c.name} | {c.shown} | {c.goal} | {c.verdict} |" for c in checks]
    return lines


# --- Main -----------------------------------------------------------------------------------


def parse_sizes(text: str) -> list[int]:
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma-separated list of map counts: {text!r}") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes are positive map counts, e.g. 100,300,1000")
    return sizes


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


EPILOG = f"""\
measured, a new process per run (best and median of --runs, peak RSS of the child):
  at every size     cjm validate WS (and --jobs 1 when cjm has --jobs),
                    cjm lint WS --format json > /dev/null, cjm render WS --to html --out TMP
  at {PEER_SIZE} maps       check-jsonschema --schemafile schemas/journey.schema.json on the journeys,
                    a bare libyaml parse of every file (PyYAML's CSafeLoader) and libyaml's
                    events drained with nothing built (ruamel.yaml.clib's CParser)
  once              cjm --help, cjm --version, python -c "{BARE_IMPORT}"
Without {PEER_SIZE} in --sizes the peers run at the nearest size. Progress goes to stderr;
stdout is the Markdown report. Needs check-jsonschema in the same virtualenv
(.venv/bin/pip install check-jsonschema, or pip install -e '.[dev]').

examples:
  .venv/bin/python scripts/benchmark.py                 # full run: several minutes
  .venv/bin/python scripts/benchmark.py --quick         # smoke run: under a minute
  .venv/bin/python scripts/benchmark.py --sizes 300 --runs 5 --out /tmp/cjm-bench
"""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmark.py",
        description=(__doc__ or "").split("\n\n")[0],
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        metavar="N,N,...",
        help=f"workspace sizes in maps (default {DEFAULT_SIZES}; {QUICK_SIZES} with --quick)",
    )
    parser.add_argument(
        "--runs", type=positive, help="processes timed per command (default 3; 1 with --quick)"
    )
    parser.add_argument(
        "--jobs", type=positive, help="pass --jobs N to the cjm commands whose --help lists it (else ignored)"
    )
    parser.add_argument(
        "--out",
        type=pathlib.Path,
        metavar="DIR",
        help="folder for the generated workspaces, kept afterwards (default: a temporary folder, removed)",
    )
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: sizes {QUICK_SIZES}, 1 run (unless given), no render over {QUICK_RENDER_LIMIT}",
    )
    options = parser.parse_args(argv)
    if options.sizes is None:
        options.sizes = parse_sizes(QUICK_SIZES if options.quick else DEFAULT_SIZES)
    if options.runs is None:
        options.runs = 1 if options.quick else 3
    return options


def relative(path: pathlib.Path) -> str:
    with contextlib.suppress(ValueError):
        return str(path.relative_to(pathlib.Path.cwd()))
    return str(path)


def reproduce_command(options: argparse.Namespace) -> str:
    args = [relative(pathlib.Path(sys.executable)), relative(pathlib.Path(__file__).resolve())]
    args += ["--sizes", ",".join(map(str, options.sizes)), "--runs", str(options.runs)]
    args += ["--jobs", str(options.jobs)] if options.jobs else []
    args += ["--quick"] if options.quick else []
    return shlex.join(args)


def run(options: argparse.Namespace, plan: Plan, base: pathlib.Path, keep: bool) -> list[Row]:
    scratch = base / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in plan.sizes:
        workspace = base / f"ws-{n}"
        progress(f"{n} maps: writing {workspace}")
        journeys = generate_workspace(workspace, n)
        lines = sum(p.read_text(encoding="utf-8").count("\n") for p in journeys) / n
        progress(f"  {lines:.0f} lines per map")
        # Untimed: proves the maps valid (timing error reports would be another benchmark) and
        # warms the page cache and cjmkit's bytecode, which a commit landing mid-run invalidates.
        try:
            run_once([str(CJM), "validate", str(workspace)], scratch)
        except CommandFailed as error:
            sys.exit(f"benchmark.py: the generated {n}-map workspace does not validate:\n{error}")
        rows += [measure(command, options.runs, scratch) for command in plan.commands(n, workspace, journeys)]
        if not keep:
            shutil.rmtree(workspace)  # 3000 maps are ~30 MB on disk
    progress("start-up")
    rows += [measure(command, options.runs, scratch) for command in plan.startup_commands()]
    shutil.rmtree(scratch, ignore_errors=True)
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    options = parse_args(argv)
    for tool, hint in ((CJM, "pip install -e ."), (CHECK_JSONSCHEMA, "pip install check-jsonschema")):
        if not tool.exists():
            sys.exit(f"benchmark.py: {tool} not found; run me with the project's .venv/bin/python ({hint})")
    sizes: list[int] = options.sizes
    jobs_support = {command: supports_jobs(command) for command in ("validate", "lint", "render")}
    if options.jobs and not any(jobs_support.values()):
        progress(f"note: this cjm has no --jobs option; --jobs {options.jobs} is ignored")
    plan = Plan(
        sizes=sizes,
        runs=options.runs,
        jobs=options.jobs,
        peer_size=min(sizes, key=lambda n: (abs(n - PEER_SIZE), n)),
        render_sizes=[n for n in sizes if not (options.quick and n > QUICK_RENDER_LIMIT)],
        jobs_support=jobs_support,
    )
    head_before = git("log", "-1", "--format=%h %s")
    load_before = os.getloadavg()[0]
    dirty = bool(git("status", "--porcelain", "--", "src"))
    started = time.perf_counter()
    try:
        if options.out is None:
            with tempfile.TemporaryDirectory(prefix="cjm-benchmark-") as folder:
                rows = run(options, plan, pathlib.Path(folder), keep=False)
        else:
            rows = run(options, plan, options.out.resolve(), keep=True)
    except CommandFailed as error:
        sys.exit(f"benchmark.py: a measured command failed, so its time would mean nothing:\n{error}")
    elapsed = time.perf_counter() - started
    head_after = git("log", "-1", "--format=%h %s")

    rows.sort(key=lambda r: (0, ROW_ORDER.index(r.key.split("@")[0]), r.maps) if r.maps else (1, 0, 0))
    cpus = os.cpu_count()
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cpus
    version = importlib.metadata.version
    lines = [
        f"- Machine: {cpus} CPUs ({usable} usable), {platform.platform()}, "
        f"Python {platform.python_version()} ({platform.python_implementation()}); "
        # Other work on the machine slows every row; the load average says how much to trust them.
        f"load average {load_before:.1f} at the start, {os.getloadavg()[0]:.1f} at the end",
        f"- Tools: {output_of([str(CJM), '--version'])}; check-jsonschema {version('check-jsonschema')}; "
        f"ruamel.yaml {version('ruamel.yaml')}, ruamel.yaml.clib {version('ruamel.yaml.clib')}, "
        f"PyYAML {version('pyyaml')}",
    ]
    if head_before:
        changes = " + uncommitted changes in src/" if dirty else ""
        lines.append(f"- Measured: commit {head_before}{changes}")
    lines += [f"- Reproduce: `{reproduce_command(options)}`", ""]
    lines += table(rows, verdicts({row.key: row for row in rows}, plan))
    lines += [
        "",
        f"Ratios compare best times; the absolute goals use the median time and the highest peak. "
        f"{options.runs} run(s) per command, {elapsed:.0f} s in all.",
    ]
    if any(jobs_support.values()):
        # wait4 reports the largest single process of the tree (Linux keeps the maximum, not the sum).
        lines.append("Peak MiB of a parallel cjm is its largest process (main or one worker), not their sum.")
    if head_after != head_before:
        lines.append(f"WARNING: the checkout moved from {head_before!r} to {head_after!r} during the run.")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

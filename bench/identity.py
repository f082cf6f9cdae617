"""Identity resolution time on the dark-room case and on generated populations 1x and 10x its size.

Resolution (`run_identity`: shared-identifier guard, deterministic links, the Splink model trained
on the case, persons written with stable ids) is timed beside the reference: the same stage with
`use_model=False`, a plain deterministic-only pass over the same store. The ratio says what the
probabilistic model costs on top; the growth from 1x to 10x says how cost scales with records.

Populations are written straight into a case (accounts, contact cards, identifiers, as the parsers
and the identifier stage leave them): each person has a mobile (some two), a WhatsApp and phone
account, often a Telegram alias or an email; a third live in households sharing a landline; each
seized owner's address book saves the people they know under varying names. Numbers are NANP
555-01xx (reserved for fiction in every area code); emails are at example.org. The generated truth
gives pairwise precision and recall of each run too.

Run: `.venv/bin/python bench/identity.py [--case /path/to/dark-room/case] [--persons 1900] [--json]`,
or `--quick` (150 and 1,500 persons) for a look in about a minute. `--case` is copied into
`bench/out/identity/` first (resolution writes persons). Exit code 0 whatever the figures.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = ROOT / "bench" / "out" / "identity"
FIRST = [
    "Ada",
    "Bo",
    "Cyril",
    "Dagny",
    "Eirik",
    "Frida",
    "Gorm",
    "Hedda",
    "Ivar",
    "Jorunn",
    "Kjell",
    "Liv",
    "Mads",
    "Nanna",
    "Odd",
    "Pia",
    "Ragnar",
    "Siv",
    "Tormod",
    "Unni",
    "Vebjorn",
    "Wenche",
    "Yngve",
    "Aase",
    "Brede",
    "Cecilie",
    "Didrik",
    "Elin",
    "Fredrik",
    "Gunn",
    "Halvor",
    "Inger",
    "Jens",
    "Kaia",
    "Leif",
    "Marit",
    "Njal",
    "Oda",
    "Petter",
    "Randi",
    "Sindre",
    "Tove",
    "Ulrik",
    "Vigdis",
    "Arne",
    "Borghild",
    "Colin",
    "Dina",
    "Espen",
    "Fride",
    "Geir",
    "Hilde",
    "Isak",
    "Janne",
    "Knut",
    "Lene",
    "Morten",
    "Nora",
    "Ole",
    "Pernille",
]
LAST = [
    "Aune",
    "Bakken",
    "Dahle",
    "Eide",
    "Foss",
    "Grande",
    "Haugland",
    "Isaksen",
    "Juvik",
    "Kvamme",
    "Lien",
    "Moe",
    "Nesheim",
    "Odegard",
    "Pettersen",
    "Rustad",
    "Solheim",
    "Tangen",
    "Ulvik",
    "Vatne",
    "Wiik",
    "Aasen",
    "Berge",
    "Dalen",
    "Engen",
    "Fjeld",
    "Gjerde",
    "Hovland",
    "Ingebrigtsen",
    "Jakobsen",
    "Kleven",
    "Lunde",
    "Myhre",
    "Naess",
    "Oyen",
    "Ringdal",
    "Sande",
    "Tveit",
    "Urdal",
    "Vold",
    "Aamodt",
    "Brekke",
    "Eggen",
    "Fossum",
    "Gran",
    "Hauge",
    "Iversen",
    "Johnsen",
    "Karlsen",
    "Lie",
    "Midtbo",
    "Nygard",
    "Opsahl",
    "Rönning",
    "Strand",
    "Teigen",
    "Ueland",
    "Vik",
    "Alme",
    "Bjerke",
]
WORDS = [
    "amber",
    "birch",
    "cobalt",
    "dune",
    "ember",
    "fjord",
    "glacier",
    "heron",
    "iris",
    "juniper",
    "kestrel",
    "lichen",
    "moss",
    "north",
    "otter",
]
DECORATIONS = ("home", "work", "gym", "football", "cabin")


def log(message: str) -> None:
    """Progress on stderr, so `--json` leaves stdout to the result."""
    print(message, file=sys.stderr, flush=True)


class Numbers:
    """Distinct NANP 555-01xx numbers (fictional in every area code)."""

    def __init__(self, rng: random.Random) -> None:
        areas = [a for a in range(201, 990) if a % 100 != 11]  # no N11 service codes
        self.pool = [f"+1{area}55501{n:02d}" for area in areas for n in range(100)]
        rng.shuffle(self.pool)

    def take(self) -> str:
        return self.pool.pop()


def _person(rng: random.Random, index: int, numbers: Numbers, handles: set[str]) -> dict[str, Any]:
    first, last = rng.choice(FIRST), rng.choice(LAST)
    mobiles = [numbers.take()] + ([numbers.take()] if rng.random() < 0.2 else [])
    handle = None
    if rng.random() < 0.25:
        handle = f"{rng.choice(WORDS)}_{rng.choice(WORDS)}{rng.randrange(10, 99)}"
        while handle in handles:  # a taken handle gets a digit more, as a sign-up would force
            handle += str(rng.randrange(10))
        handles.add(handle)
    email = f"{first}.{last}{index}@example.org".lower() if rng.random() < 0.4 else None
    return {
        "id": f"T{index}",
        "first": first,
        "last": last,
        "mobiles": mobiles,
        "handle": handle,
        "email": email,
    }


class Writer:
    """Rows for one case, inserted in bulk at the end."""

    def __init__(self) -> None:
        self.accounts: list[tuple[Any, ...]] = []
        self.names: list[tuple[Any, ...]] = []
        self.contacts: list[tuple[Any, ...]] = []
        self.identifiers: dict[tuple[str, str], int] = {}
        self.occurrences: list[tuple[Any, ...]] = []
        self.account_ids: list[tuple[int, int]] = []
        self.truth: dict[str, str] = {}

    def identifier(self, kind: str, value: str) -> int:
        return self.identifiers.setdefault((kind, value), len(self.identifiers) + 1)

    def account(self, platform: str, handle: str, name: str, exhibit: int, person: str) -> None:
        account_id = len(self.accounts) + 1
        norm = handle if handle.startswith("+") else handle.lower()
        self.accounts.append((account_id, platform, norm, handle))
        self.names.append((account_id, name, exhibit, exhibit, "profile"))
        kind = "phone" if handle.startswith("+") else ("email" if platform == "email" else "handle")
        value = norm if kind != "handle" else f"{platform}:{norm}"
        self.account_ids.append((account_id, self.identifier(kind, value)))
        self.truth[f"account:{account_id}"] = person

    def card(self, exhibit: int, name: str, phones: list[str], email: str | None, person: str) -> None:
        contact_id = len(self.contacts) + 1
        fields = {"FN": [name], "TEL": phones, **({"EMAIL": [email]} if email else {})}
        self.contacts.append((contact_id, name, json.dumps(fields), exhibit, exhibit, f"card {contact_id}"))
        for value in [*phones, *([email] if email else [])]:
            kind = "email" if "@" in value else "phone"
            identifier = self.identifier(kind, value)
            self.occurrences.append((identifier, value, contact_id, exhibit, exhibit, f"card {contact_id}"))
        self.truth[f"contact:{contact_id}"] = person


def _saved_name(rng: random.Random, person: dict[str, Any]) -> str:
    first, last = person["first"], person["last"]
    return rng.choice(
        (f"{first} {last}", f"{first} {last}", f"{first} {last[0]}", f"{first} {rng.choice(DECORATIONS)}")
    )


def populate(store: Any, persons: int, seed: int) -> dict[str, str]:
    """Write a generated population into the case; returns record ref -> true person."""
    from darkroom.store.case import execute_many  # noqa: PLC0415

    rng = random.Random(seed)
    numbers = Numbers(rng)
    handles: set[str] = set()
    people = [_person(rng, i, numbers, handles) for i in range(persons)]
    for start in range(0, persons - 3, 9):  # households: a landline shared by two to four people
        if rng.random() < 0.35:
            line = numbers.take()
            for member in people[start : start + rng.randint(2, 4)]:
                member["landline"] = line
    owners = max(3, persons // 32)
    w = Writer()
    for person in people:
        exhibit = rng.randrange(owners) + 1
        w.account("phone", person["mobiles"][0], f"{person['first']} {person['last']}", exhibit, person["id"])
        if rng.random() < 0.8:
            w.account("whatsapp", person["mobiles"][0], person["first"], exhibit, person["id"])
        if person["handle"]:
            w.account("telegram", person["handle"], person["first"], exhibit, person["id"])
        if person["email"]:
            w.account("email", person["email"], f"{person['first']} {person['last']}", exhibit, person["id"])
    for owner in range(1, owners + 1):
        for person in rng.sample(people, min(len(people), 80)):
            phones = [person["mobiles"][0]] if rng.random() < 0.92 else []
            phones += person["mobiles"][1:] if rng.random() < 0.5 else []
            phones += [person["landline"]] if "landline" in person and rng.random() < 0.3 else []
            email = person["email"] if rng.random() < 0.2 else None
            if phones or email:
                w.card(owner, _saved_name(rng, person), phones, email, person["id"])
    now = "2026-01-01T00:00:00+00:00"
    with store.write() as conn:
        execute_many(
            conn,
            "INSERT INTO exhibits (id, ref, source_path, source_kind, seized_from, seized_at_utc, seized_by, "
            "intake_status, registered_at_utc) VALUES (?, ?, x'2f', 'folder', ?, ?, 'PC', 'complete', ?)",
            [(e, f"EX-{e:04d}", f"owner {e}", now, now) for e in range(1, owners + 1)],
        )
        execute_many(
            conn,
            "INSERT INTO files (id, exhibit_id, path, display_path, entry_kind, recorded_at_utc) "
            "VALUES (?, ?, x'2f', 'contacts.vcf', 'file', ?)",
            [(e, e, now) for e in range(1, owners + 1)],
        )
        execute_many(
            conn, "INSERT INTO accounts (id, platform, handle_norm, handle) VALUES (?, ?, ?, ?)", w.accounts
        )
        execute_many(
            conn,
            "INSERT OR IGNORE INTO account_names (account_id, display_name, exhibit_id, file_id, locator) "
            "VALUES (?, ?, ?, ?, ?)",
            w.names,
        )
        execute_many(
            conn,
            "INSERT INTO contacts (id, display_name, fields_json, exhibit_id, file_id, locator) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            w.contacts,
        )
        execute_many(
            conn,
            "INSERT INTO identifiers (id, kind, value_norm) VALUES (?, ?, ?)",
            [(i, k, v) for (k, v), i in w.identifiers.items()],
        )
        execute_many(
            conn,
            "INSERT INTO identifier_occurrences (identifier_id, raw_value, contact_id, exhibit_id, file_id, "
            "locator) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            w.occurrences,
        )
        execute_many(
            conn, "INSERT INTO account_identifiers (account_id, identifier_id) VALUES (?, ?)", w.account_ids
        )
    return w.truth


def time_resolution(store: Any, truth: dict[str, str] | None) -> dict[str, Any]:
    """Deterministic-only (the reference), then the full stage with the model, each timed."""
    from darkroom.identity.scoring import predicted_persons, score_resolution  # noqa: PLC0415
    from darkroom.identity.stage import run_identity  # noqa: PLC0415

    figures: dict[str, Any] = {}
    for label, use_model in (("deterministic", False), ("model", True)):
        started = time.perf_counter()
        summary = run_identity(store, "bench", use_model=use_model)
        seconds = time.perf_counter() - started
        figures[label] = {"seconds": round(seconds, 2), "persons": summary.persons, "mode": summary.mode}
        figures["records"] = summary.records
        if truth is not None:
            with store.read() as conn:
                score = score_resolution(truth, predicted_persons(conn))
            figures[label] |= {"precision": score.precision, "recall": score.recall, "f1": score.f1}
        log(f"  {label}: {seconds:.1f} s, {summary.persons} persons ({summary.mode} {summary.note})")
    figures["model_over_reference"] = round(
        figures["model"]["seconds"] / max(figures["deterministic"]["seconds"], 1e-9), 2
    )
    return figures


def generated(persons: int, seed: int) -> dict[str, Any]:
    from darkroom.store import CaseStore  # noqa: PLC0415

    root = WORK / f"population-{persons}"
    shutil.rmtree(root, ignore_errors=True)
    store = CaseStore.create(root, f"bench {persons}", "US", "UTC")
    try:
        log(f"generating {persons} persons …")
        truth = populate(store, persons, seed)
        log(f"resolving {len(truth)} records …")
        return {"persons_generated": persons, **time_resolution(store, truth)}
    finally:
        store.close()


def dark_room(case: Path) -> dict[str, Any]:
    from darkroom.store import CaseStore  # noqa: PLC0415

    root = WORK / "dark-room-case"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for item in case.iterdir():
        if item.is_file():
            shutil.copy2(item, root / item.name)
    store = CaseStore.open(root)
    try:
        log(f"resolving the case at {case} (copied to {root}) …")
        return {"case": str(case), **time_resolution(store, None)}
    finally:
        store.close()


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--case", type=Path, help="a processed dark-room case folder (copied, then resolved)")
    parser.add_argument(
        "--persons", type=int, default=1900, help="persons in the 1x population (10x follows)"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--quick", action="store_true", help="150 and 1,500 persons")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of text")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    sys.path.insert(0, str(ROOT / "src"))
    base = 150 if args.quick else args.persons
    result: dict[str, Any] = {}
    if args.case is not None:
        result["dark_room"] = dark_room(args.case)
    result["population_1x"] = generated(base, args.seed)
    result["population_10x"] = generated(base * 10, args.seed)
    small, large = result["population_1x"], result["population_10x"]
    result["growth"] = {
        "records": round(large["records"] / small["records"], 1),
        "model_seconds": round(large["model"]["seconds"] / max(small["model"]["seconds"], 1e-9), 1),
        "deterministic_seconds": round(
            large["deterministic"]["seconds"] / max(small["deterministic"]["seconds"], 1e-9), 1
        ),
    }
    result["peak_memory_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    if args.json:
        print(json.dumps(result, sort_keys=True))
        return 0
    for name in ("dark_room", "population_1x", "population_10x"):
        if name not in result:
            continue
        r = result[name]
        quality = ""
        if "precision" in r["model"]:
            quality = f"; model P {r['model']['precision']:.3f} R {r['model']['recall']:.3f}"
        print(
            f"{name}: {r['records']} records; deterministic-only (reference) "
            f"{r['deterministic']['seconds']} s, "
            f"with the model {r['model']['seconds']} s = {r['model_over_reference']}x the reference{quality}"
        )
    g = result["growth"]
    print(
        f"growth 1x -> 10x: records x{g['records']}, time with the model x{g['model_seconds']}, "
        f"deterministic-only x{g['deterministic_seconds']}; peak memory {result['peak_memory_mb']} MB"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

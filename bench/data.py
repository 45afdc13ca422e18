"""The synthetic data set: realistic, deterministic (seeded), and fast to build.

Two scales: `small` (about a tenth) and `large` (at least the SPEC numbers). The schema
comes from the Alembic migrations (so the pipeline stages are the migration's); the rows
go in with SQLAlchemy Core `insert()` executemany in big batches, inside one transaction.
Core inserts skip the ORM's flush listeners, so this module fills what they would:
`search_text` (crm.models.base.fold of the names), `version`, `created_at`/`updated_at`.

The data lives in the benchmark's OWN databases, never the user's, on SQLite and on
PostgreSQL alike: a pristine copy per scale, regenerated when missing, when the generator
changed, or on --regenerate, and a working copy made fresh for every run (so that the
POSTs of one run do not change the next, and several benchmarks or profiles can run side
by side):

- SQLite: files under bench/results/ (`bench-large.sqlite3`, copied to
  `bench-large.run-<pid>.sqlite3`);
- PostgreSQL: the server of `BENCH_DATABASE_URL` (default
  postgresql://postgres@127.0.0.1:5432/crm_bench); the pristine database of a scale is that
  name plus `_<scale>` (`crm_bench_large`), the working copy `crm_bench_large_run_<pid>`
  (`CREATE DATABASE … TEMPLATE`, dropped at exit). The name must contain "bench": the
  benchmark drops and rebuilds it. What a pristine database holds is noted in its
  `COMMENT ON DATABASE`.
"""
from __future__ import annotations

import atexit
import itertools
import json
import os
import random
import shutil
import time
import unicodedata
from collections import defaultdict
from datetime import UTC, date, datetime, time as dtime, timedelta
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa

from bench import names as N

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
MIGRATIONS = ROOT / "migrations"

GENERATOR_VERSION = 5  # bump when the data changes: pristine files are then rebuilt
SEED = 20180514  # the day "The Horse Thieves" memorandum was signed at Cannes
PASSWORD = "bench-password-not-secret"
STAFF_EMAIL = "staff@bench.example"

SCALES = {
    "small": {"organizations": 200, "people": 1_000, "events": 20, "projects": 1_000,
              "memoranda": 200, "meetings": 10_000},
    "large": {"organizations": 2_000, "people": 10_000, "events": 200, "projects": 10_000,
              "memoranda": 2_000, "meetings": 100_000},
}
BATCH = 20_000

# Insert order (foreign keys first).
TABLES = ("organizations", "organization_aliases", "users", "people", "events", "projects",
          "project_parties", "project_people", "stage_changes", "memoranda",
          "memorandum_parties", "memorandum_terms", "meetings", "meeting_organizations",
          "meeting_people", "meeting_projects", "follow_ups", "audit_entries")


def fold(value):
    from crm.models.base import fold as crm_fold
    return crm_fold(value)


def search_text(*terms) -> str:
    return "\n".join(fold(t) for t in terms if t)


def ascii_slug(text: str, sep: str = ".") -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    out = "".join(c.lower() if c.isalnum() else " " for c in plain)
    return sep.join(out.split())


# --- the generator --------------------------------------------------------------------

class Generator:
    """Builds every row of one scale in memory: {table name: [row dict, ...]}."""

    def __init__(self, scale: str, stage_ids: list[int], *, today: date | None = None,
                 seed: int = SEED):
        from crm.models import (CreditRole, MeetingOutcome, MemorandumKind, MemorandumStatus,
                                OrganizationKind, PartyRole, PersonRole, ProjectFormat,
                                ProjectStatus, Role)
        self.E = {"CreditRole": CreditRole, "MeetingOutcome": MeetingOutcome,
                  "MemorandumKind": MemorandumKind, "MemorandumStatus": MemorandumStatus,
                  "OrganizationKind": OrganizationKind, "PartyRole": PartyRole,
                  "PersonRole": PersonRole, "ProjectFormat": ProjectFormat,
                  "ProjectStatus": ProjectStatus, "Role": Role}
        self.scale = scale
        self.counts = SCALES[scale]
        self.rng = random.Random(f"{seed}-{scale}")
        self.today = today or datetime.now(UTC).date()
        self.now = datetime.combine(self.today, dtime(6), UTC)
        self.stage_ids = stage_ids
        self.rows: dict[str, list[dict]] = {t: [] for t in TABLES}
        # indexes used while generating
        self.org_country: dict[int, str] = {}
        self.org_people: dict[int, list[int]] = defaultdict(list)
        self.org_projects: dict[int, list[int]] = defaultdict(list)
        self.project_orgs: dict[int, list[int]] = {}
        self.project_title: dict[int, str] = {}
        self.events: list[dict] = []

    # helpers
    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def moment(self, start: datetime, end: datetime) -> datetime:
        span = max((end - start).total_seconds(), 0)
        return (start + timedelta(seconds=self.rng.uniform(0, span))).replace(microsecond=0)

    def days_ago(self, low: float, high: float) -> datetime:
        return (self.now - timedelta(days=self.rng.uniform(low, high))).replace(microsecond=0)

    def build(self) -> dict[str, list[dict]]:
        self.users()
        self.organizations()
        self.people()
        self.make_events()
        self.projects()
        self.memoranda()
        self.meetings()
        self.audit()
        return self.rows

    # users: one per role, and an executive linked to the flagship studio (organization 1)
    def users(self) -> None:
        from werkzeug.security import generate_password_hash
        from crm.models.users import new_session_token
        Role = self.E["Role"]
        password_hash = generate_password_hash(PASSWORD, method="scrypt")
        spec = (("admin@bench.example", "Aigerim Bench-Admin", Role.ADMIN, None),
                (STAFF_EMAIL, "Dana Bench-Staff", Role.STAFF, None),
                ("executive-kazakhfilm@bench.example", "Kenji Bench-Executive", Role.EXECUTIVE, 1),
                ("executive@bench.example", "Saule Bench-Executive", Role.EXECUTIVE, None))
        for i, (email, name, role, org) in enumerate(spec, start=1):
            self.rows["users"].append({
                "id": i, "email": email, "name": name, "role": role, "organization_id": org,
                "active": True, "password_hash": password_hash, "preferred_language": "en",
                "session_token": new_session_token(), "last_login_at": None,
                "created_at": self.now - timedelta(days=400), "updated_at": self.now,
                "version": 1})
        self.admin_id, self.staff_id = 1, 2

    # organizations ------------------------------------------------------------------
    def organizations(self) -> None:
        OK = self.E["OrganizationKind"]
        rng = self.rng
        codes = [c for c, _w, _cities in N.COUNTRIES]
        weights = [w for _c, w, _cities in N.COUNTRIES]
        cities = {c: cs for c, _w, cs in N.COUNTRIES}
        kinds = [OK.PRODUCTION_COMPANY, OK.STUDIO, OK.DISTRIBUTOR, OK.SALES_AGENT,
                 OK.BROADCASTER, OK.FUND, OK.FESTIVAL, OK.GOVERNMENT, OK.OTHER]
        kind_weights = [46, 12, 12, 7, 7, 7, 3, 2, 4]
        used: set[str] = set()
        # Popularity: a few organizations are party to many deals (a long tail of others).
        self.org_weight: list[float] = []
        for i in range(1, self.counts["organizations"] + 1):
            if i == 1:  # the flagship studio, as in the demo data
                name, local, country, kind, aliases = ("Kazakhfilm", "Қазақфильм", "KZ", OK.STUDIO,
                                                       ["Kazakfilm", "Казахфильм"])
            else:
                country = rng.choices(codes, weights)[0]
                kind = rng.choices(kinds, kind_weights)[0]
                name, local, aliases = self.org_name(country, kind, used)
            used.add(name)
            created = self.days_ago(30, 3000)
            self.org_country[i] = country
            self.rows["organizations"].append({
                "id": i, "name": name, "local_name": local, "kind": kind, "country": country,
                "city": rng.choice(cities[country]),
                "website": f"https://{ascii_slug(name, '-')}.example" if self.chance(.4) else None,
                "notes": ("Met first at a festival market; interested in Central Asian stories."
                          if self.chance(.25) else None),
                "created_at": created, "updated_at": created, "version": 1,
                "archived_at": None, "search_text": search_text(name, local, *aliases)})
            for alias in aliases:
                self.rows["organization_aliases"].append({
                    "id": len(self.rows["organization_aliases"]) + 1,
                    "organization_id": i, "name": alias})
            self.org_weight.append(40.0 if i == 1 else min(rng.paretovariate(1.3), 25.0))
        self.org_ids = list(range(1, self.counts["organizations"] + 1))
        self.org_cum = list(itertools.accumulate(self.org_weight))

    def some_org(self) -> int:
        return self.rng.choices(self.org_ids, cum_weights=self.org_cum)[0]

    def linked(self, index: dict[int, list[int]], orgs: list[int], p: float, n: int) -> int:
        """Mostly someone or something of one of `orgs`, else anyone of 1..n."""
        pool = index.get(self.rng.choice(orgs)) if orgs else None
        return self.rng.choice(pool) if pool and self.chance(p) else self.rng.randint(1, n)

    def org_name(self, country: str, kind, used: set[str]):
        rng = self.rng
        kind_suffix = N.KIND_SUFFIXES.get(kind.value)
        scripts = {"KZ": (N.KZ_ORG_WORDS, N.KZ_ORG_SUFFIXES), "RU": (N.RU_ORG_WORDS, N.RU_ORG_SUFFIXES),
                   "JP": (N.JP_ORG_WORDS, N.JP_ORG_SUFFIXES), "CN": (N.CN_ORG_WORDS, N.CN_ORG_SUFFIXES),
                   "KR": (N.KR_ORG_WORDS, N.KR_ORG_SUFFIXES)}
        for attempt in range(60):
            aliases: list[str] = []
            if country in scripts:
                words, suffixes = scripts[country]
                w1 = rng.choice(words)
                parts = [w1] if attempt < 6 else [w1, rng.choice(words)]
                suffix = rng.choice(suffixes)
                latin_words = " ".join(p[0] for p in parts)
                local_words = ("" if country in ("JP", "CN") else " ").join(p[1] for p in parts)
                if kind_suffix:
                    name = f"{latin_words} {rng.choice(kind_suffix)}"
                    local = None
                else:
                    name = f"{latin_words} {suffix[0]}"
                    sep = "" if country in ("JP", "CN") else " "
                    local = f"{local_words}{sep}{suffix[1]}"
                if attempt >= 30:
                    name = f"{name} {attempt - 29}"
                if self.chance(.2):  # another spelling it is known by
                    if country in ("KZ", "RU"):
                        aliases.append(f"{latin_words} {suffix[0]}s" if not kind_suffix
                                       else f"{latin_words} Kino")
                    initials = "".join(w[0] for w in name.split() if w[0].isalpha()).upper()
                    if len(initials) >= 2 and self.chance(.5):
                        aliases.append(initials)
            else:
                w1 = rng.choice(N.WESTERN_ORG_WORDS)
                suffix = rng.choice(kind_suffix or N.WESTERN_ORG_SUFFIXES)
                name = f"{w1} {suffix}" if attempt < 6 else \
                    f"{w1} {rng.choice(N.WESTERN_ORG_WORDS)} {suffix}"
                if attempt >= 30:
                    name = f"{name} {attempt - 29}"
                local = None
                if self.chance(.1):
                    aliases.append(f"{w1} {rng.choice(N.WESTERN_ORG_SUFFIXES)} Ltd")
            aliases = [a for a in dict.fromkeys(aliases) if a != name]
            if name not in used:
                return name, local, aliases
        raise RuntimeError("could not make a unique organization name")

    # people --------------------------------------------------------------------------
    def person_name(self, country: str):
        rng = self.rng
        female = self.chance(.45)
        if country == "KZ":
            given = rng.choice(N.KZ_GIVEN_F if female else N.KZ_GIVEN_M)
            if self.chance(.1):
                family = rng.choice(N.KZ_PATRONYMIC_SURNAMES)
            else:
                family = rng.choice(N.KZ_SURNAMES)
                if female:
                    family = (family[0] + "a", family[1] + "а")
            return f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        if country in ("RU", "UZ", "KG") and (country == "RU" or self.chance(.4)):
            given = rng.choice(N.RU_GIVEN_F if female else N.RU_GIVEN_M)
            family = rng.choice(N.RU_SURNAMES)
            if female:
                family = (family[0] + "a", family[1] + "а")
            return f"{given[0]} {family[0]}", f"{given[1]} {family[1]}"
        if country == "JP":
            given, family = rng.choice(N.JP_GIVEN), rng.choice(N.JP_SURNAMES)
            return f"{given[0]} {family[0]}", f"{family[1]}{given[1]}"
        if country == "CN":
            given, family = rng.choice(N.CN_GIVEN), rng.choice(N.CN_SURNAMES)
            return f"{family[0]} {given[0]}", f"{family[1]}{given[1]}"
        if country == "KR":
            given, family = rng.choice(N.KR_GIVEN), rng.choice(N.KR_SURNAMES)
            return f"{family[0]} {given[0]}", f"{family[1]}{given[1]}"
        return f"{rng.choice(N.WESTERN_GIVEN)} {rng.choice(N.WESTERN_SURNAMES)}", None

    def people(self) -> None:
        PR = self.E["PersonRole"]
        rng = self.rng
        roles = list(PR)
        role_weights = [30, 20, 15, 10, 8, 10, 7]
        codes = [c for c, _w, _cities in N.COUNTRIES]
        weights = [w for _c, w, _cities in N.COUNTRIES]
        positions = ("Producer", "Head of acquisitions", "Executive producer", "Director",
                     "CEO", "Head of international sales", "Development executive",
                     "Festival programmer", "Line producer")
        dial = {"KZ": "+7 701", "RU": "+7 916", "JP": "+81 90", "CN": "+86 139", "KR": "+82 10",
                "FR": "+33 6", "DE": "+49 171", "US": "+1 310", "GB": "+44 7700"}
        n_orgs = self.counts["organizations"]
        for i in range(1, self.counts["people"] + 1):
            org = rng.randint(1, n_orgs) if self.chance(.85) else None
            if org and self.chance(.8):
                country = self.org_country[org]
            else:
                country = rng.choices(codes, weights)[0]
            full, local = self.person_name(country)
            email = (f"{ascii_slug(full)}.{i}@{ascii_slug(self.rows['organizations'][org - 1]['name'], '-') if org else 'mail'}.example"
                     if self.chance(.7) else None)
            created = self.days_ago(10, 3000)
            self.rows["people"].append({
                "id": i, "full_name": full, "local_name": local,
                "position": rng.choice(positions) if self.chance(.6) else None,
                "role": rng.choices(roles, role_weights)[0], "organization_id": org,
                "country": country, "email": email,
                "phone": f"{dial.get(country, '+1 555')} {rng.randint(100, 999)} {rng.randint(1000, 9999)}"
                if self.chance(.5) else None,
                "notes": "Prefers to meet in the morning." if self.chance(.05) else None,
                "created_at": created, "updated_at": created, "version": 1,
                "archived_at": self.days_ago(1, 300) if self.chance(.01) else None,
                "search_text": search_text(full, local, email)})
            if org:
                self.org_people[org].append(i)

    # events -------------------------------------------------------------------------
    def make_events(self) -> None:
        rng = self.rng
        editions = max(1, self.counts["events"] // len(N.FESTIVALS))
        first_year = self.today.year - editions + 1
        i = 0
        for year in range(first_year, self.today.year + 1):
            for name, city, country, month, day, venue, length in N.FESTIVALS:
                i += 1
                start = date(year, month, day) + timedelta(days=rng.randint(-3, 3))
                end = start + timedelta(days=length - 1)
                created = datetime.combine(start - timedelta(days=rng.randint(30, 120)), dtime(9), UTC)
                row = {"id": i, "name": name, "edition": year, "city": city, "country": country,
                       "start_date": start, "end_date": end, "venue": venue,
                       "created_at": created, "updated_at": created, "version": 1,
                       "archived_at": None,
                       "search_text": search_text(name, str(year), city, venue)}
                self.rows["events"].append(row)
                self.events.append(row)
        self.past_events = [e for e in self.events if e["start_date"] <= self.today]
        first = min((e["start_date"] for e in self.past_events), default=self.today)
        self.span_days = max((self.today - first).days, 30)

    # projects -----------------------------------------------------------------------
    def title(self, country: str, series: bool):
        rng = self.rng
        noun = rng.choice(N.TITLE_NOUNS)
        pattern = rng.random()
        adj = rng.choice(N.TITLE_ADJECTIVES) if pattern < .75 else None
        place = rng.choice(N.TITLE_PLACES) if pattern > .45 else None
        en = f"The {adj[0]} {noun[0]}" if adj else f"The {noun[0]}"
        kz = f"{adj[1]} {noun[1]}" if adj else noun[1]
        ja = f"{adj[2]}{noun[3]}" if adj else noun[3]
        zh = f"{adj[3]}{noun[4]}" if adj else noun[4]
        ru = noun[2]
        if place:
            en = f"{place[0]}: {en}"
            kz = f"{place[1]}: {kz}"
            ru = f"{place[2]}. {ru}"
            ja = f"{place[3]}の{ja}"
            zh = f"{place[4]}的{zh}"
        kz = kz[0].upper() + kz[1:]
        original = {"KZ": kz, "RU": ru, "JP": ja, "CN": zh}.get(country)
        if series:
            season = rng.randint(1, 3)
            en += f" (Season {season})"
        return en, original

    def projects(self) -> None:
        E = self.E
        PS, PF, PRole, CR = E["ProjectStatus"], E["ProjectFormat"], E["PartyRole"], E["CreditRole"]
        rng = self.rng
        stage_weights = [22, 16, 14, 10, 10, 8, 6, 5, 5, 4][:len(self.stage_ids)]
        stage_weights += [3] * (len(self.stage_ids) - len(stage_weights))
        formats = [PF.FEATURE, PF.DOCUMENTARY, PF.SERIES, PF.ANIMATION, PF.SHORT]
        currencies = ("USD", "EUR", "KZT", "JPY", "CNY", "RUB")
        n_people = self.counts["people"]
        for pid in range(1, self.counts["projects"] + 1):
            status = rng.choices([PS.ACTIVE, PS.ON_HOLD, PS.DROPPED, PS.COMPLETED],
                                 [75, 10, 8, 7])[0]
            stage_index = (len(self.stage_ids) - 1 if status == PS.COMPLETED
                           else rng.choices(range(len(self.stage_ids)), stage_weights)[0])
            # parties: 2-4 distinct organizations
            n_parties = rng.choices((2, 3, 4), (50, 32, 18))[0]
            orgs: list[int] = [1] if self.chance(.05) else []
            while len(orgs) < n_parties:
                o = self.some_org()
                if o not in orgs:
                    orgs.append(o)
            lead_country = self.org_country[orgs[0]]
            fmt = rng.choices(formats, (60, 15, 10, 10, 5))[0]
            title, original = self.title(lead_country, fmt == PF.SERIES)
            last_activity = self.days_ago(0, 365)
            created = last_activity - timedelta(days=rng.uniform(0, 1000))
            created = created.replace(microsecond=0)
            budget = (Decimal(rng.randrange(50, 8000) * 1000) if self.chance(.6) else None)
            next_step = rng.choice(N.NEXT_STEPS) if self.chance(.7) else None
            due = (self.today + timedelta(days=rng.randint(-60, 90))) if next_step and \
                self.chance(.8) else None  # some are overdue
            origin = rng.choice(self.past_events)["id"] if self.past_events and self.chance(.6) \
                else None
            self.rows["projects"].append({
                "id": pid, "title": title, "original_title": original,
                "logline": (f"A {rng.choice(N.GENRES).lower()} about a {rng.choice(N.TITLE_NOUNS)[0].lower()} "
                            f"and a family on the {rng.choice(N.TITLE_PLACES)[0]} border."
                            if self.chance(.7) else None),
                "format": fmt, "genre": rng.choice(N.GENRES) if self.chance(.8) else None,
                "stage_id": self.stage_ids[stage_index], "status": status,
                "budget_amount": budget, "budget_currency": rng.choice(currencies) if budget else None,
                "origin_event_id": origin, "next_step": next_step, "next_step_due": due,
                "notes": "Waiting for the fund's decision." if self.chance(.15) else None,
                "last_activity_at": last_activity, "created_at": created,
                "updated_at": last_activity, "version": 1, "archived_at": None,
                "search_text": search_text(title, original)})
            self.project_orgs[pid] = orgs
            self.project_title[pid] = title
            for o in orgs:
                self.org_projects[o].append(pid)
            self.parties(pid, orgs, PRole)
            self.credits(pid, orgs, CR, n_people)
            self.stage_history(pid, stage_index, created, last_activity)

    def parties(self, pid: int, orgs: list[int], PRole) -> None:
        rng = self.rng
        n = len(orgs)
        holders = n if self.chance(.5) else max(2, n - 1)  # the rest: distributor / sales
        shares: list[Decimal | None] = [None] * n
        if self.chance(.9):
            total = 100 if self.chance(.7) else rng.randint(60, 99)  # some gaps in financing
            cuts = sorted(rng.sample(range(5, total - 4), holders - 1)) if holders > 1 else []
            parts = [b - a for a, b in zip([0, *cuts], [*cuts, total])]
            parts = [max(p, 1) for p in parts]
            while sum(parts) > total:  # keep the sum <= 100
                parts[parts.index(max(parts))] -= 1
            parts.sort(reverse=True)
            for k, p in enumerate(parts):
                shares[k] = Decimal(p)
        for k, o in enumerate(orgs):
            if k < holders:
                role = (PRole.MAJORITY_COPRODUCER if k == 0 else
                        PRole.MINORITY_COPRODUCER if k == 1 else
                        rng.choice((PRole.COPRODUCER, PRole.FINANCIER)))
            else:
                role = rng.choice((PRole.DISTRIBUTOR, PRole.SALES_AGENT))
            self.rows["project_parties"].append({
                "id": len(self.rows["project_parties"]) + 1, "project_id": pid,
                "organization_id": o, "role": role,
                "share_percent": shares[k] if k < holders else None})

    def credits(self, pid: int, orgs: list[int], CR, n_people: int) -> None:
        rng = self.rng
        roles = [CR.DIRECTOR, CR.PRODUCER, CR.WRITER, CR.EXECUTIVE_PRODUCER, CR.COMPOSER,
                 CR.CINEMATOGRAPHER, CR.ACTOR]
        seen = set()
        for k in range(rng.choices((1, 2, 3), (35, 40, 25))[0]):
            person = self.linked(self.org_people, orgs, .6, n_people)
            role = roles[k] if k < 2 else rng.choice(roles[2:])
            if (person, role) in seen:
                continue
            seen.add((person, role))
            self.rows["project_people"].append({
                "id": len(self.rows["project_people"]) + 1, "project_id": pid,
                "person_id": person, "role": role})

    def stage_history(self, pid: int, stage_index: int, created: datetime,
                      last_activity: datetime) -> None:
        rng = self.rng
        k = min(rng.choices((1, 2, 3, 4), (25, 35, 25, 15))[0], stage_index + 1)
        path = sorted(rng.sample(range(stage_index), k - 1)) + [stage_index]
        times = sorted(self.moment(created, last_activity) for _ in path)
        previous = None
        for index, when in zip(path, times):
            self.rows["stage_changes"].append({
                "id": len(self.rows["stage_changes"]) + 1, "project_id": pid,
                "from_stage_id": previous, "to_stage_id": self.stage_ids[index],
                "changed_by_id": rng.choice((self.staff_id, self.staff_id, self.admin_id, None)),
                "changed_at": when,
                "note": rng.choice(("Agreed at the market", "Signed the memorandum",
                                    "Financing plan approved", None, None))})
            previous = self.stage_ids[index]

    # memoranda ----------------------------------------------------------------------
    def memoranda(self) -> None:
        E = self.E
        MK, MS = E["MemorandumKind"], E["MemorandumStatus"]
        rng = self.rng
        prefixes = {MK.MEMORANDUM: "MOU", MK.DEAL_MEMO: "DM", MK.LETTER_OF_INTENT: "LOI",
                    MK.COPRODUCTION_AGREEMENT: "CPA"}
        titles = {MK.MEMORANDUM: "Memorandum of understanding on “{}”",
                  MK.DEAL_MEMO: "Deal memo: {}", MK.LETTER_OF_INTENT: "Letter of intent: {}",
                  MK.COPRODUCTION_AGREEMENT: "Co-production agreement: {}"}
        n_projects = self.counts["projects"]
        for mid in range(1, self.counts["memoranda"] + 1):
            kind = rng.choices(list(MK), (50, 20, 15, 15))[0]
            status = rng.choices([MS.DRAFT, MS.NEGOTIATING, MS.SIGNED, MS.EXPIRED, MS.TERMINATED],
                                 (15, 20, 50, 10, 5))[0]
            project = rng.randint(1, n_projects) if self.chance(.8) else None
            created = self.days_ago(5, 3000)
            event = rng.choice(self.past_events) if self.past_events and self.chance(.6) else None
            signed_on = effective = expires = None
            place = None
            if status in (MS.SIGNED, MS.EXPIRED, MS.TERMINATED):
                signed_on = min(created.date() + timedelta(days=rng.randint(0, 120)), self.today)
                effective = signed_on
                place = event["city"] if event else rng.choice(("Almaty", "Astana", "Tokyo"))
                if status == MS.SIGNED and self.chance(.1):  # expiring soon: dashboard panel
                    expires = self.today + timedelta(days=rng.randint(1, 60))
                elif status == MS.EXPIRED:
                    expires = max(effective + timedelta(days=30),
                                  self.today - timedelta(days=rng.randint(1, 900)))
                    if expires > self.today:
                        expires = None
                else:
                    expires = effective + timedelta(days=365 * rng.randint(1, 5))
            subject = self.project_title[project] if project else rng.choice(N.TITLE_NOUNS)[0]
            reference = f"{prefixes[kind]}-{created.year}-{mid:05d}"
            title = titles[kind].format(subject)
            self.rows["memoranda"].append({
                "id": mid, "reference": reference, "title": title, "kind": kind,
                "status": status, "project_id": project, "signed_on": signed_on,
                "signed_place": place, "event_id": event["id"] if event else None,
                "effective_from": effective, "expires_on": expires,
                "summary": ("The parties intend to co-produce the film and to sign a full "
                            "agreement within a year." if self.chance(.7) else None),
                "created_at": created, "updated_at": created, "version": 1,
                "archived_at": None, "search_text": search_text(reference, title)})
            orgs = list(self.project_orgs[project][:3]) if project else []
            want = rng.choice((2, 3))
            while len(orgs) < want:
                o = self.some_org()
                if o not in orgs:
                    orgs.append(o)
            for o in orgs[:max(want, 2)]:
                people = self.org_people.get(o)
                self.rows["memorandum_parties"].append({
                    "id": len(self.rows["memorandum_parties"]) + 1, "memorandum_id": mid,
                    "organization_id": o,
                    "signatory_person_id": rng.choice(people) if people and self.chance(.8) else None,
                    "role": rng.choice(("Producer", "Co-producer", "Financier", None))})
            headings = rng.sample(N.TERM_HEADINGS, rng.randint(2, 5))
            for position, heading in enumerate(headings, start=1):
                text = " ".join(rng.sample(N.TERM_TEXT, rng.randint(1, 3)))
                self.rows["memorandum_terms"].append({
                    "id": len(self.rows["memorandum_terms"]) + 1, "memorandum_id": mid,
                    "position": position, "heading": heading, "text": text})

    # meetings -----------------------------------------------------------------------
    def meetings(self) -> None:
        MO = self.E["MeetingOutcome"]
        rng = self.rng
        outcomes = [MO.POSITIVE, MO.NEUTRAL, MO.NEGATIVE]
        n_people, n_projects = self.counts["people"], self.counts["projects"]
        cities = [c for _c, _w, cs in N.COUNTRIES for c in cs]
        m_orgs, m_people, m_projects = (self.rows["meeting_organizations"],
                                        self.rows["meeting_people"], self.rows["meeting_projects"])
        follow_ups = self.rows["follow_ups"]
        for mid in range(1, self.counts["meetings"] + 1):
            event = rng.choice(self.past_events) if self.past_events and self.chance(.9) else None
            if event:  # a day of the festival (up to today), during working hours
                last = min(event["end_date"], self.today)
                day = event["start_date"] + timedelta(
                    days=rng.randint(0, max((last - event["start_date"]).days, 0)))
                location = event["venue"] if self.chance(.8) else f"Stand {rng.randint(1, 90)}"
            else:  # at the office, any time in the period the events cover
                day = self.today - timedelta(days=rng.randint(0, self.span_days))
                location = rng.choice(N.STAND_LOCATIONS)
            occurred = datetime.combine(day, dtime(rng.randint(6, 16), rng.randrange(0, 60, 5)), UTC)
            if occurred > self.now:  # today, later than now: yesterday instead
                occurred -= timedelta(days=1)
            orgs: list[int] = []
            for _ in range(rng.choices((1, 2), (60, 40))[0]):
                o = self.some_org()
                if o not in orgs:
                    orgs.append(o)
            people: list[int] = []
            for _ in range(rng.choices((1, 2, 3), (45, 35, 20))[0]):
                p = self.linked(self.org_people, orgs, .8, n_people)
                if p not in people:
                    people.append(p)
            projects: list[int] = []
            for _ in range(rng.choices((0, 1, 2), (35, 45, 20))[0]):
                p = self.linked(self.org_projects, orgs, .8, n_projects)
                if p not in projects:
                    projects.append(p)
            topic = rng.choice(N.MEETING_TOPICS).format(
                amount=f"{rng.randint(1, 40) * 50_000:,} USD",
                festival=rng.choice(N.FESTIVALS)[0], city=rng.choice(cities))
            about = f" “{self.project_title[projects[0]]}”:" if projects else ""
            summary = (f"{rng.choice(N.MEETING_OPENERS)} Discussed{about} {topic}. "
                       f"{rng.choice(N.MEETING_CLOSERS)}")
            created = occurred + timedelta(minutes=rng.randint(5, 240))
            self.rows["meetings"].append({
                "id": mid, "occurred_at": occurred, "event_id": event["id"] if event else None,
                "location": location, "summary": summary,
                "outcome": rng.choices(outcomes, (40, 45, 15))[0],
                "logged_by_id": self.staff_id if self.chance(.7) else self.admin_id,
                "created_at": created, "updated_at": created, "version": 1,
                "archived_at": self.days_ago(1, 200) if self.chance(.01) else None})
            m_orgs.extend({"meeting_id": mid, "organization_id": o} for o in orgs)
            m_people.extend({"meeting_id": mid, "person_id": p} for p in people)
            m_projects.extend({"meeting_id": mid, "project_id": p} for p in projects)
            if self.chance(.35):
                for _ in range(rng.choices((1, 2), (75, 25))[0]):
                    due = occurred.date() + timedelta(days=rng.randint(3, 30))
                    done = due < self.today - timedelta(days=14) and self.chance(.9)
                    owner = rng.choices((self.staff_id, self.admin_id, None), (60, 30, 10))[0]
                    follow_ups.append({
                        "id": len(follow_ups) + 1, "meeting_id": mid,
                        "description": rng.choice(N.FOLLOW_UPS), "owner_id": owner,
                        "due_date": due if self.chance(.9) else None, "done": done,
                        "done_at": datetime.combine(due, dtime(10), UTC) if done else None})

    # audit trail ----------------------------------------------------------------------
    def audit(self) -> None:
        rows = self.rows["audit_entries"]
        staff_email = STAFF_EMAIL
        for table, object_type in (("organizations", "Organization"), ("people", "Person"),
                                   ("projects", "Project"), ("memoranda", "Memorandum")):
            for r in self.rows[table]:
                rows.append({"id": len(rows) + 1, "at": r["created_at"], "actor_id": self.staff_id,
                             "actor_email": staff_email, "ip_address": "127.0.0.1",
                             "action": "create", "object_type": object_type,
                             "object_id": r["id"], "changes": {"name": [None, "…"]}})
        for r in self.rows["projects"]:
            if self.chance(.3):
                rows.append({"id": len(rows) + 1, "at": r["last_activity_at"],
                             "actor_id": self.staff_id, "actor_email": staff_email,
                             "ip_address": "127.0.0.1", "action": "update",
                             "object_type": "Project", "object_id": r["id"],
                             "changes": {"next_step": [None, r["next_step"]]}})


# --- databases ------------------------------------------------------------------------

def make_app(url: str):
    """The CRM app on the benchmark's database (development settings)."""
    from config import DevelopmentConfig
    from crm import create_app
    settings = {"SQLALCHEMY_DATABASE_URI": url}
    return create_app(type("BenchConfig", (DevelopmentConfig,), settings))


def normalise_url(url: str) -> str:
    if url.startswith("postgres://"):
        return "postgresql+psycopg://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        return "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def _remove_sqlite(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def upgrade_schema(app) -> None:
    import logging
    from flask_migrate import upgrade

    from crm.extensions import init_migrate
    init_migrate(app)
    with app.app_context():
        upgrade(directory=str(MIGRATIONS))
    logging.getLogger("alembic").setLevel(logging.WARNING)


def populate(app, scale: str, log=print) -> dict[str, int]:
    """Generate and insert every row of `scale` (the schema must exist, with no data)."""
    from crm.extensions import db
    t0 = time.perf_counter()
    with app.app_context():
        stage_ids = list(db.session.scalars(sa.text(
            "SELECT id FROM pipeline_stages ORDER BY position")))
        db.session.remove()
        rows = Generator(scale, stage_ids).build()
        t1 = time.perf_counter()
        counts = {}
        tables = db.metadata.tables
        with db.engine.begin() as conn:
            for name in TABLES:
                batch = rows[name]
                counts[name] = len(batch)
                for start in range(0, len(batch), BATCH):
                    conn.execute(tables[name].insert(), batch[start:start + BATCH])
            if db.engine.dialect.name == "postgresql":
                for name in TABLES:
                    if "id" in tables[name].c:
                        conn.exec_driver_sql(
                            f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                            f"(SELECT COALESCE(MAX(id), 1) FROM {name}))")
        if db.engine.dialect.name == "postgresql":
            # VACUUM as well as ANALYZE: a database that has been running has been
            # vacuumed (autovacuum does it for inserts too), so its visibility map lets
            # counts and look-ups read an index alone; a freshly loaded one has none, and
            # every index-only scan would visit the table's rows.
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql("VACUUM ANALYZE")
        t2 = time.perf_counter()
    log(f"  generated {sum(counts.values()):,} rows in {t1 - t0:.1f} s, "
        f"inserted in {t2 - t1:.1f} s")
    return counts


PG_DEFAULT = "postgresql://postgres@127.0.0.1:5432/crm_bench"
RANDOM_PAGE_COST = 1.1  # PostgreSQL's default (4) is a spinning disk's


def postgres_url(scale: str) -> str:
    """The pristine PostgreSQL database of `scale` (`BENCH_DATABASE_URL` names the server
    and the stem; `{scale}` in it is replaced, else `_<scale>` is appended)."""
    from sqlalchemy.engine import make_url
    u = make_url(normalise_url(os.environ.get("BENCH_DATABASE_URL") or PG_DEFAULT))
    if not u.drivername.startswith("postgresql"):
        raise SystemExit("BENCH_DATABASE_URL must be a PostgreSQL URL (SQLite files need none).")
    name = u.database or "crm_bench"
    if "{scale}" in name:
        name = name.format(scale=scale)
    elif not name.endswith(f"_{scale}"):
        name = f"{name}_{scale}"
    return _postgres_target(u.set(database=name).render_as_string(hide_password=False))


def _postgres_target(url: str) -> str:
    from sqlalchemy.engine import make_url
    u = make_url(url)
    if "bench" not in (u.database or ""):
        raise SystemExit(f"BENCH_DATABASE_URL must name a database of its own whose name "
                         f"contains 'bench' (e.g. …/crm_bench), not {u.database!r}: the "
                         f"benchmark drops and rebuilds it.")
    user_url = os.environ.get("DATABASE_URL")
    if user_url and make_url(normalise_url(user_url)).database == u.database:
        raise SystemExit("BENCH_DATABASE_URL must not be the database of DATABASE_URL.")
    return url


def _pg_admin(url: str):
    from sqlalchemy.engine import make_url
    return sa.create_engine(make_url(url).set(database="postgres"), isolation_level="AUTOCOMMIT",
                            connect_args={"connect_timeout": 5})


def postgres_unreachable(scale: str = "small") -> str | None:
    """Why the PostgreSQL server cannot be used (None when it can)."""
    try:
        url = postgres_url(scale)
        engine = _pg_admin(url)
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        finally:
            engine.dispose()
    except Exception as failure:  # noqa: BLE001 - the reason goes in the table
        return (str(failure).strip().splitlines() or [type(failure).__name__])[0][:200]
    return None


def _pg_comment(url: str) -> dict:
    from sqlalchemy.engine import make_url
    engine = _pg_admin(url)
    try:
        with engine.connect() as conn:
            text = conn.exec_driver_sql(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database "
                "WHERE datname = %(n)s", {"n": make_url(url).database}).scalar()
    finally:
        engine.dispose()
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


def _pg_exec(url: str, *statements: str) -> None:
    engine = _pg_admin(url)
    try:
        with engine.connect() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
    finally:
        engine.dispose()


def _pg_drop_stale_copies(url: str) -> None:
    """Working copies left by benchmarks that were killed (their process is gone)."""
    engine = _pg_admin(url)
    try:
        with engine.connect() as conn:
            names = conn.exec_driver_sql(
                "SELECT datname FROM pg_database WHERE datname LIKE '%%bench%%\\_run\\_%%'"
            ).scalars().all()
            for name in names:
                pid = name.rsplit("_run_", 1)[1]
                if pid.isdigit() and not Path(f"/proc/{pid}").exists():
                    conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        engine.dispose()


def _prepare_postgres(scale: str, *, regenerate: bool, log=print) -> str:
    from sqlalchemy.engine import make_url
    pristine = postgres_url(scale)
    name = make_url(pristine).database
    _pg_drop_stale_copies(pristine)
    meta = _pg_comment(pristine)
    if regenerate or meta.get("generator") != GENERATOR_VERSION or meta.get("scale") != scale:
        log(f"  building the {scale} data set in PostgreSQL database {name} …")
        t0 = time.perf_counter()
        _pg_exec(pristine, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)',
                 f'CREATE DATABASE "{name}"')
        app = make_app(pristine)
        upgrade_schema(app)
        counts = populate(app, scale, log)
        with app.app_context():
            from crm.extensions import db
            db.engine.dispose()
        seconds = round(time.perf_counter() - t0, 1)
        note = json.dumps({"generator": GENERATOR_VERSION, "scale": scale, "seed": SEED,
                           "seconds": seconds, "rows": sum(counts.values()),
                           "built_on": datetime.now(UTC).isoformat(timespec="seconds")})
        _pg_exec(pristine, f"COMMENT ON DATABASE \"{name}\" IS '{note}'")
        log(f"  built in {seconds:.1f} s")
    else:
        app = make_app(pristine)
        upgrade_schema(app)  # migrations added since the build (indexes) apply to the pristine
        with app.app_context():
            from crm.extensions import db
            db.engine.dispose()
    working_name = f"{name}_run_{os.getpid()}"
    for attempt in range(10):  # the template must have no other session for a moment
        try:
            _pg_exec(pristine, f'DROP DATABASE IF EXISTS "{working_name}" WITH (FORCE)',
                     f'CREATE DATABASE "{working_name}" TEMPLATE "{name}"',
                     # The planner's cost of a random read as README's PostgreSQL
                     # section recommends for a production server (SSD, or a database
                     # that fits in memory, as this one does); a copy does not inherit it.
                     f'ALTER DATABASE "{working_name}" SET random_page_cost = {RANDOM_PAGE_COST}')
            break
        except sa.exc.DBAPIError:
            if attempt == 9:
                raise
            time.sleep(1 + attempt)
    atexit.register(_pg_exec, pristine, f'DROP DATABASE IF EXISTS "{working_name}" WITH (FORCE)')
    return make_url(pristine).set(database=working_name).render_as_string(hide_password=False)


def run_extra_sql(url: str, statements: list[str], log=print) -> None:
    """Statements to try before measuring (an index, before writing its migration)."""
    engine = sa.create_engine(url)
    try:
        with engine.begin() as conn:
            for statement in statements:
                conn.exec_driver_sql(statement)
                log(f"  applied: {statement}")
    except sa.exc.DBAPIError as failure:
        raise SystemExit(f"--sql failed on {engine.dialect.name}: {failure.orig}; to try it on "
                         f"one database only, add --database sqlite (or postgresql)") from None
    finally:
        engine.dispose()


def prepare_database(scale: str, *, database: str = "sqlite", regenerate: bool = False,
                     extra_sql: list[str] | None = None, log=print) -> str:
    """The URL of a working copy of `scale` on `database` ("sqlite" or "postgresql"),
    fresh for this run (see the module docstring)."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    if database == "postgresql":
        url = _prepare_postgres(scale, regenerate=regenerate, log=log)
        if extra_sql:
            run_extra_sql(url, extra_sql, log)
        return url

    pristine = RESULTS / f"bench-{scale}.sqlite3"
    meta_path = RESULTS / f"bench-{scale}.json"
    meta = json.loads(meta_path.read_text()) if meta_path.exists() else {}
    if regenerate or not pristine.exists() or meta.get("generator") != GENERATOR_VERSION:
        log(f"  building the {scale} data set in {pristine.relative_to(ROOT)} …")
        t0 = time.perf_counter()
        tmp = RESULTS / f"bench-{scale}.building.sqlite3"
        _remove_sqlite(tmp)
        app = make_app(sqlite_url(tmp))
        upgrade_schema(app)
        counts = populate(app, scale, log)
        with app.app_context():
            from crm.extensions import db
            db.engine.dispose()
        _remove_sqlite(pristine)
        os.replace(tmp, pristine)
        _remove_sqlite(tmp)
        seconds = time.perf_counter() - t0
        meta_path.write_text(json.dumps({"generator": GENERATOR_VERSION, "scale": scale,
                                         "seed": SEED, "rows": counts,
                                         "built_on": datetime.now(UTC).isoformat(),
                                         "seconds": round(seconds, 1)}, indent=1))
        log(f"  built in {seconds:.1f} s ({pristine.stat().st_size / 1e6:.0f} MB)")
    # One working copy per process: several benchmarks or profiles may run at once.
    working = RESULTS / f"bench-{scale}.run-{os.getpid()}.sqlite3"
    _remove_sqlite(working)
    shutil.copyfile(pristine, working)
    atexit.register(_remove_sqlite, working)
    url = sqlite_url(working)
    app = make_app(url)
    upgrade_schema(app)  # migrations added since the build (indexes) apply here
    with app.app_context():
        from crm.extensions import db
        db.engine.dispose()
    if extra_sql:
        run_extra_sql(url, extra_sql, log)
    return url


READER_EMAIL = "reader{:02d}@bench.example"


def add_readers(url: str, count: int = 10) -> list[str]:
    """`count` more staff users (the festival day's readers), made like the generator's
    (same password), in the working copy only; their e-mail addresses."""
    from crm.models.users import new_session_token
    engine = sa.create_engine(url)
    emails = [READER_EMAIL.format(i) for i in range(1, count + 1)]
    try:
        with engine.begin() as conn:
            staff = conn.execute(sa.text("SELECT * FROM users WHERE email = :e"),
                                 {"e": STAFF_EMAIL}).mappings().one()
            have = set(conn.execute(sa.text("SELECT email FROM users WHERE email LIKE "
                                            "'reader%@bench.example'")).scalars())
            users = sa.table("users", *(sa.column(c) for c in staff.keys() if c != "id"))
            for i, email in enumerate(emails, start=1):
                if email in have:
                    continue
                row = {k: v for k, v in staff.items() if k != "id"}
                row.update(email=email, name=f"Reader {i:02d} Bench-Staff",
                           session_token=new_session_token())
                conn.execute(users.insert(), row)
    finally:
        engine.dispose()
    return emails


def build_seconds(scale: str) -> float | None:
    meta_path = RESULTS / f"bench-{scale}.json"
    if meta_path.exists():
        return json.loads(meta_path.read_text()).get("seconds")
    return None


__all__ = ["SCALES", "Generator", "prepare_database", "postgres_url", "postgres_unreachable",
           "add_readers", "make_app", "PASSWORD", "STAFF_EMAIL"]

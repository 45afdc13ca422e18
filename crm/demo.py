"""The demo data of the source documents (SPEC "Demo data"). Idempotent: every record is
looked up by its natural key first, so running it twice changes nothing."""
from __future__ import annotations

from datetime import UTC, date, datetime

import sqlalchemy as sa

from crm.extensions import db
from crm.models import (DEFAULT_STAGES, Event, FollowUp, Meeting, MeetingOutcome, Memorandum,
                        MemorandumKind, MemorandumParty, MemorandumStatus, MemorandumTerm,
                        Organization, OrganizationAlias, OrganizationKind, PartyRole, Person,
                        PersonRole, PipelineStage, Project, ProjectFormat, ProjectStatus, ProjectParty,
                        ProjectPerson, CreditRole, Role, StageChange, User)

# (email, password, role, name, organization name): printed by `make run`.
DEMO_USERS = (
    ("admin@crm.example", "demo-admin-pass", Role.ADMIN, "Aigerim Admin", None),
    ("staff@crm.example", "demo-staff-pass", Role.STAFF, "Dana Pavilion", None),
    ("executive@crm.example", "demo-exec-pass", Role.EXECUTIVE, "Kenji Executive",
     "Tokyo New Cinema"),
)
# The sources do not name these companies; the demo says so rather than invent names.
CHINESE_COPRODUCER = "Unnamed Chinese co-producer"
AIKA_KZ = "Unnamed Kazakh co-producer"
AIKA_RU = "Unnamed Russian co-producer"


class _Seeder:
    def __init__(self):
        self.created = 0

    def get_or_create(self, model, lookup: dict, **values):
        stmt = sa.select(model).filter_by(**lookup)
        if hasattr(model, "archived_at"):
            stmt = stmt.execution_options(include_archived=True)
        obj = db.session.scalars(stmt).first()
        if obj is None:
            obj = model(**lookup, **values)
            db.session.add(obj)
            db.session.flush()
            self.created += 1
        return obj


def ensure_default_stages() -> dict[str, PipelineStage]:
    existing = {s.key: s for s in db.session.scalars(sa.select(PipelineStage))}
    for position, (key, name, name_ru, name_kk) in enumerate(DEFAULT_STAGES, start=1):
        if key not in existing:
            existing[key] = PipelineStage(key=key, name=name, name_ru=name_ru, name_kk=name_kk,
                                          position=position)
            db.session.add(existing[key])
    db.session.flush()
    return existing


def seed_demo() -> int:
    """Create what is missing of the demo data; returns how many records were created."""
    s = _Seeder()
    stages = ensure_default_stages()

    kazakhfilm = s.get_or_create(
        Organization, {"name": "Kazakhfilm"}, local_name="Қазақфильм",
        kind=OrganizationKind.STUDIO, country="KZ", city="Almaty",
        website="https://kazakhfilmstudios.kz",
        notes="Shaken Aimanov Kazakhfilm studio, the national film studio of Kazakhstan.")
    for alias in ("Kazakfilm", "Казахфильм"):
        if alias not in kazakhfilm.alias_names:
            kazakhfilm.aliases.append(OrganizationAlias(name=alias))
            s.created += 1
    tnc = s.get_or_create(Organization, {"name": "Tokyo New Cinema"}, local_name="東京ニューシネマ",
                          kind=OrganizationKind.PRODUCTION_COMPANY, country="JP", city="Tokyo")
    chinese = s.get_or_create(Organization, {"name": CHINESE_COPRODUCER},
                              kind=OrganizationKind.PRODUCTION_COMPANY, country="CN",
                              notes="Kazakhfilm's partner for “The Composer”; the source "
                                    "documents do not name the company.")
    aika_kz = s.get_or_create(Organization, {"name": AIKA_KZ}, kind=OrganizationKind.PRODUCTION_COMPANY,
                              country="KZ", notes="Kazakh side of “Aika”; the source documents "
                                                  "do not name the company.")
    aika_ru = s.get_or_create(Organization, {"name": AIKA_RU}, kind=OrganizationKind.PRODUCTION_COMPANY,
                              country="RU", notes="Russian side of “Aika”; the source documents "
                                                  "do not name the company.")
    s.get_or_create(Organization, {"name": "Festival de Cannes"},
                                 kind=OrganizationKind.FESTIVAL, country="FR", city="Cannes")
    almaty_ff = s.get_or_create(Organization, {"name": "Almaty Film Festival"},
                                local_name="Алматы кинофестивалі", kind=OrganizationKind.FESTIVAL,
                                country="KZ", city="Almaty")

    ichiyama = s.get_or_create(Person, {"full_name": "Shozo Ichiyama"}, local_name="市山尚三",
                               role=PersonRole.PRODUCER, country="JP")
    takeba = s.get_or_create(Person, {"full_name": "Lisa Takeba"}, local_name="竹葉リサ",
                             role=PersonRole.DIRECTOR, country="JP")
    nurmukhambetov = s.get_or_create(Person, {"full_name": "Yerlan Nurmukhambetov"},
                                     local_name="Ерлан Нұрмұхамбетов",
                                     role=PersonRole.DIRECTOR, country="KZ")
    s.get_or_create(Person, {"full_name": "Akan Sataev"}, local_name="Ақан Сатаев",
                    role=PersonRole.EXECUTIVE, country="KZ",
                    position="President, Almaty Film Festival", organization_id=almaty_ff.id)

    pavilion = "National Pavilion of Kazakhstan"
    cannes17 = s.get_or_create(Event, {"name": "Festival de Cannes", "edition": 2017},
                               city="Cannes", country="FR", start_date=date(2017, 5, 17),
                               end_date=date(2017, 5, 28), venue=pavilion)
    cannes18 = s.get_or_create(Event, {"name": "Festival de Cannes", "edition": 2018},
                               city="Cannes", country="FR", start_date=date(2018, 5, 8),
                               end_date=date(2018, 5, 19), venue=pavilion)
    s.get_or_create(Event, {"name": "Almaty Film Festival", "edition": 2018}, city="Almaty",
                    country="KZ", start_date=date(2018, 9, 15), end_date=date(2018, 9, 19),
                    venue="Main competition “Rapprochement of Cultures” (co-productions only)")

    horse_thieves = s.get_or_create(
        Project, {"title": "The Horse Thieves"}, original_title="Жылқы ұрылары",
        logline="A Kazakh–Japanese co-production directed by Yerlan Nurmukhambetov.",
        format=ProjectFormat.FEATURE, genre="Drama", stage_id=stages["mou_signed"].id,
        origin_event_id=cannes17.id, next_step="Development schedule with Tokyo New Cinema",
        last_activity_at=datetime(2018, 5, 14, 10, tzinfo=UTC))
    composer = s.get_or_create(
        Project, {"title": "The Composer"}, format=ProjectFormat.FEATURE,
        stage_id=stages["negotiating"].id,
        logline="Kazakhfilm's project with Chinese filmmakers.",
        next_step="Agree the co-production structure with the Chinese partner",
        last_activity_at=datetime(2018, 6, 1, 9, tzinfo=UTC))
    aika = s.get_or_create(
        Project, {"title": "Aika"}, original_title="Айка", format=ProjectFormat.FEATURE,
        stage_id=stages["delivered"].id, status=ProjectStatus.COMPLETED,
        notes="Kazakh–Russian co-production; selected for the main competition of Cannes 2018.",
        last_activity_at=datetime(2018, 5, 8, 9, tzinfo=UTC))
    for project, org, role, share in (
            (horse_thieves, kazakhfilm, PartyRole.MAJORITY_COPRODUCER, None),
            (horse_thieves, tnc, PartyRole.MINORITY_COPRODUCER, None),
            (composer, kazakhfilm, PartyRole.COPRODUCER, None),
            (composer, chinese, PartyRole.COPRODUCER, None),
            (aika, aika_kz, PartyRole.COPRODUCER, None),
            (aika, aika_ru, PartyRole.COPRODUCER, None)):
        s.get_or_create(ProjectParty, {"project_id": project.id, "organization_id": org.id},
                        role=role, share_percent=share)
    s.get_or_create(ProjectPerson, {"project_id": horse_thieves.id,
                                    "person_id": nurmukhambetov.id, "role": CreditRole.DIRECTOR})

    at = lambda *a: datetime(*a, tzinfo=UTC)  # noqa: E731
    for project, moves in (
            (horse_thieves, (("lead", at(2017, 5, 20, 9), "First met at the pavilion, Cannes 2017"),
                             ("negotiating", at(2017, 11, 1, 9), None),
                             ("mou_signed", at(2018, 5, 14, 10), "Memorandum signed at Cannes 2018"))),
            (composer, (("lead", at(2018, 1, 10, 9), None),
                        ("negotiating", at(2018, 6, 1, 9), None))),
            (aika, (("delivered", at(2018, 5, 8, 9), "Selected for the Cannes main competition"),))):
        previous = None
        for key, when, note in moves:
            s.get_or_create(StageChange, {"project_id": project.id, "to_stage_id": stages[key].id},
                            from_stage_id=previous, changed_at=when, note=note)
            previous = stages[key].id

    memo = s.get_or_create(
        Memorandum, {"reference": "MOU-2018-001"},
        title="Memorandum of cooperation for the joint film “The Horse Thieves”",
        kind=MemorandumKind.MEMORANDUM, status=MemorandumStatus.SIGNED,
        project_id=horse_thieves.id, signed_on=date(2018, 5, 14),
        signed_place="National Pavilion of Kazakhstan, Cannes", event_id=cannes18.id,
        effective_from=date(2018, 5, 14),
        summary="Kazakhfilm and Tokyo New Cinema agree to co-produce “The Horse Thieves”, "
                "directed by Yerlan Nurmukhambetov.")
    for org, role in ((kazakhfilm, "Kazakh co-producer"), (tnc, "Japanese co-producer")):
        s.get_or_create(MemorandumParty, {"memorandum_id": memo.id, "organization_id": org.id},
                        role=role)
    for position, heading, text in (
            (1, "Purpose", "The parties will jointly produce the feature film “The Horse Thieves”."),
            (2, "Cooperation", "Each party contributes creative and production resources in its "
                               "own country and supports the film's festival and sales strategy."),
            (3, "Next steps", "The parties will agree a co-production agreement setting out "
                              "financing shares, rights and delivery.")):
        s.get_or_create(MemorandumTerm, {"memorandum_id": memo.id, "position": position},
                        heading=heading, text=text)

    users = {}
    for email, password, role, name, org_name in DEMO_USERS:
        org_id = None
        if org_name:
            org_id = db.session.scalar(sa.select(Organization.id).where(Organization.name == org_name))
        user = db.session.scalars(sa.select(User).where(User.email == email)).first()
        if user is None:
            user = User(email=email, name=name, role=role, organization_id=org_id)
            user.set_password(password)
            db.session.add(user)
            s.created += 1
        users[role] = user
    db.session.flush()

    first = s.get_or_create(
        Meeting, {"event_id": cannes17.id, "occurred_at": at(2017, 5, 20, 9)},
        location=pavilion, outcome=MeetingOutcome.POSITIVE,
        summary="Met producer Shozo Ichiyama and director Lisa Takeba at the pavilion; discussed "
                "a joint film with Kazakhfilm, “The Horse Thieves”.",
        logged_by_id=users[Role.STAFF].id)
    if not first.people:
        first.people = [ichiyama, takeba]
        first.organizations = [kazakhfilm, tnc]
        first.projects = [horse_thieves]
        first.follow_ups = [FollowUp(description="Send the script of “The Horse Thieves” to Tokyo "
                                                 "New Cinema", owner_id=users[Role.STAFF].id,
                                     due_date=date(2017, 6, 15), done=True,
                                     done_at=at(2017, 6, 10, 9))]
    signing = s.get_or_create(
        Meeting, {"event_id": cannes18.id, "occurred_at": at(2018, 5, 14, 10)},
        location=pavilion, outcome=MeetingOutcome.POSITIVE,
        summary="Signing of the memorandum of cooperation between Kazakhfilm and Tokyo New "
                "Cinema for “The Horse Thieves”.",
        logged_by_id=users[Role.STAFF].id)
    if not signing.organizations:
        signing.organizations = [kazakhfilm, tnc]
        signing.people = [ichiyama]
        signing.projects = [horse_thieves]
    db.session.flush()
    return s.created

"""Creating and changing people (the same code for pages, API and CLI)."""
from __future__ import annotations

import sqlalchemy as sa
from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from crm import lifecycle
from crm.errors import ValidationFailed
from crm.extensions import db
from crm.models import Organization, Person, PipelineStage, Project, ProjectPerson, stage_name
from crm.reference import is_country, with_codes_normalized


def email_problem(email: str | None) -> str | None:
    """Why `email` is not a contact's address (None when it is, or is empty): the one rule
    for the pages' form, the API and imports (email-validator's syntax check; no look-up)."""
    if not email:
        return None
    try:
        validate_email(email, check_deliverability=False)
    except EmailNotValidError:
        return str(_l("Enter an email address like name@example.com."))
    return None


def _validate(values: dict) -> None:
    errors: dict[str, list[str]] = {}
    if "full_name" in values and not (values["full_name"] or "").strip():
        errors["full_name"] = [str(_l("A name is required."))]
    if values.get("country") and not is_country(values["country"]):
        errors["country"] = [str(_l("Unknown country code."))]
    if problem := email_problem(values.get("email")):
        errors["email"] = [problem]
    org_id = values.get("organization_id")
    if org_id is not None and db.session.get(Organization, org_id) is None:
        errors["organization_id"] = [str(_l("No such organization."))]
    if errors:
        raise ValidationFailed(errors)


def create_person(values: dict) -> Person:
    values = with_codes_normalized(values, "country")
    _validate({"full_name": None, **values})
    return lifecycle.create(Person(**values))


def update_person(person: Person, values: dict, expected_version=None) -> dict:
    values = with_codes_normalized(values, "country")
    _validate(values)
    return lifecycle.update(person, values, expected_version)


def find_people(q: str | None = None, *, organization_id=None, country=None, role=None,
                of: sa.Select | None = None) -> sa.Select:
    """People matching the filters, by name: `of` what (default: the people, with their
    organization), e.g. `sa.select(Person.id)` to page through ids."""
    stmt = of if of is not None else sa.select(Person).options(
        sa.orm.joinedload(Person.organization))
    return (stmt.where(*Person.criteria(q, organization_id=organization_id, country=country,
                                        role=role))
            .order_by(Person.full_name, Person.id))


def list_rows(ids: list[int]) -> list:
    """What the people list shows of these people (a page of ids), in the list's order.
    The page is chosen on ids first: a deep page then skips index entries, not whole rows
    joined to their organizations."""
    if not ids:
        return []
    return db.session.execute(
        sa.select(Person.id, Person.full_name, Person.local_name, Person.position, Person.role,
                  Person.country, Organization.name.label("organization"))
        .outerjoin(Organization, Organization.id == Person.organization_id)
        .where(Person.id.in_(ids)).order_by(Person.full_name, Person.id)).all()


def person_credits(person: Person) -> list:
    """The projects `person` is credited on that the viewer may see, by title: rows of
    (role, project_id, title, stage)."""
    return db.session.execute(
        sa.select(ProjectPerson.role, Project.id.label("project_id"), Project.title,
                  stage_name().label("stage"))
        .join(Project, Project.id == ProjectPerson.project_id)
        .join(PipelineStage, PipelineStage.id == Project.stage_id)
        .where(ProjectPerson.person_id == person.id)
        .order_by(Project.title, Project.id)).all()

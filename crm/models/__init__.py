"""All models, importable from one place (`from crm.models import Project`)."""
from crm.models.audit import AuditEntry
from crm.models.base import MAX_ID, fold, parse_id, utcnow
from crm.models.events import Event
from crm.models.meetings import (FollowUp, Meeting, MeetingOutcome, meeting_organizations,
                                 meeting_people, meeting_projects)
from crm.models.memoranda import (Attachment, Memorandum, MemorandumKind, MemorandumParty,
                                  MemorandumStatus, MemorandumTerm)
from crm.models.organizations import Organization, OrganizationAlias, OrganizationKind
from crm.models.people import Person, PersonRole
from crm.models.projects import (DEFAULT_STAGES, STAGE_KEYS, CreditRole, PartyRole, PipelineStage, Project,
                                 ProjectFormat, ProjectParty, ProjectPerson, ProjectStatus,
                                 StageChange, stage_name)
from crm.models.tokens import ApiToken
from crm.models.users import (LOWEST_ROLE, PasswordToken, PasswordTokenPurpose, Role, SignIn,
                              User)

__all__ = [
    "ApiToken", "AuditEntry", "DEFAULT_STAGES", "MAX_ID", "parse_id", "Attachment", "CreditRole", "Event", "FollowUp", "Meeting", "MeetingOutcome",
    "Memorandum", "MemorandumKind", "MemorandumParty", "MemorandumStatus", "MemorandumTerm",
    "Organization", "OrganizationAlias", "OrganizationKind", "PartyRole", "Person", "PersonRole",
    "PipelineStage", "Project", "ProjectFormat", "ProjectParty", "ProjectPerson", "ProjectStatus",
    "LOWEST_ROLE", "PasswordToken", "PasswordTokenPurpose", "Role", "STAGE_KEYS", "SignIn",
    "StageChange", "stage_name", "User", "fold", "meeting_organizations",
    "meeting_people", "meeting_projects", "utcnow",
]

"""/api/v1/me: the caller, as the token names them, and their own settings."""
from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from crm.account.services import set_language
from crm.api import bp
from crm.api.resources import checked_version, documents, one, stored
from crm.api.schemas import MePatchSchema, MeSchema
from crm.errors import ValidationFailed

TAGS = ["me"]


@bp.route("/me", endpoint="me", tags=TAGS, methods=["GET"])
@bp.response(200, MeSchema)
@documents()
def me():
    """Read the caller: who the token belongs to, their role and language"""
    return one(current_user._get_current_object())


@bp.route("/me", endpoint="me_patch", tags=TAGS, methods=["PATCH"])
@bp.arguments(MePatchSchema)
@bp.response(200, MeSchema)
@documents(412, 413, 422, 428)
def change_me(data):
    """Change the caller's own settings

    `preferred_language` (en, ru, kk) is the language of their pages, documents and, when
    a request sends no Accept-Language, of the API's messages. Send the version read, as
    for every change."""
    user = current_user._get_current_object()
    version = checked_version(user, data)
    if "preferred_language" not in data:  # the one setting there is, so it is required
        raise ValidationFailed({"preferred_language": [_("Missing data for required field.")]})
    set_language(user, data["preferred_language"], expected_version=version)
    stored()
    return one(user)

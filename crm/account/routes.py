from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from crm.account import bp
from crm.account.forms import NewTokenForm, RevokeTokenForm
from crm.account.services import create_token, revoke_token, token_of, tokens_of
from crm.extensions import db
from crm.forms import submit


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    form = NewTokenForm()
    saved, created = submit(form, lambda: create_token(current_user, form.name.data))
    new_secret = None
    if saved:
        # Shown in this response only (no redirect): the token is stored nowhere, not
        # even in the session, so it cannot be shown again.
        token, new_secret = created
        flash(_("Token “%(name)s” created. Copy it now: it will not be shown again.",
                name=token.name), "success")
        form = NewTokenForm(formdata=None)
    response = render_template("account/tokens.html", form=form, new_secret=new_secret,
                               tokens=tokens_of(current_user), revoke_form=RevokeTokenForm())
    return response, 200, {"Cache-Control": "no-store"}


@bp.post("/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id):
    token = token_of(current_user, token_id) or abort(404)
    form = RevokeTokenForm()
    if not form.validate_on_submit():
        abort(400)
    revoke_token(token)
    flash(_("Token “%(name)s” revoked: it no longer works.", name=token.name), "info")
    return redirect(url_for(".tokens"))

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from crm import mail
from crm.account import bp
from crm.account.forms import (ChangePasswordForm, ForgotPasswordForm, NewTokenForm,
                               RevokeTokenForm, SetPasswordForm)
from crm.account.services import create_token, revoke_token, token_of, tokens_of
from crm.auth.services import (LIFETIMES, RESET_MINUTES, change_password, password_token,
                               request_password_reset, sign_out_here, start_sign_in,
                               use_password_token)
from crm.extensions import limiter
from crm.forms import submit
from crm.models import PasswordTokenPurpose

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


# --- passwords -------------------------------------------------------------------------

def _refused(response) -> bool:
    """Only refused attempts count against a limit (a success redirects)."""
    return response.status_code != 302


def _own_account_key() -> str:
    # Limits are checked before the view (and before login_required): anonymous has no id.
    return f"password-change:{getattr(current_user, 'id', None)}"


def _forgotten_email_key() -> str:
    return "password-forgot:" + (request.form.get("email") or "").strip().lower()[:254]


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limiter.limit("10 per hour", methods=["POST"], deduct_when=_refused, key_func=_own_account_key)
def change_password_page():
    """Change one's own password, giving the current one. This device stays signed in;
    every other sign-in and every API token of the user ends (README)."""
    form = ChangePasswordForm()
    user = current_user._get_current_object()
    saved, revoked = submit(form, lambda: change_password(
        user, form.current_password.data, form.new_password.data, form.confirm_password.data))
    if saved:
        # The old sign-in of this device ended with the others: start a new one.
        remembered = request.cookies.get("remember_token") is not None
        start_sign_in(user, request.user_agent.string)
        login_user(user, remember=remembered)
        message = _("Your password is changed. You are signed out on your other devices.")
        if revoked:
            message += " " + _("Your API tokens (%(n)d) were revoked: create new ones where "
                               "you need them.", n=revoked)
        flash(message, "success")
        return redirect(url_for(".change_password_page"))
    return render_template("account/password.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limiter.limit("5 per minute; 30 per hour", methods=["POST"])  # per address
@limiter.limit("3 per 15 minutes; 10 per day", methods=["POST"], key_func=_forgotten_email_key)
def forgot_password():
    """Mail a reset link. The answer is the same whether or not the address has an
    account (and the mail leaves after it: crm.mail.send_after_response)."""
    form = ForgotPasswordForm()
    configured = mail.is_configured()
    if form.validate_on_submit():
        request_password_reset(form.email.data)
        if configured:
            flash(_("If %(email)s is the address of an account here, a link to choose a new "
                    "password is on its way to it. The link works once, for %(minutes)d minutes.",
                    email=form.email.data.strip(), minutes=RESET_MINUTES), "info")
        else:
            flash(_("This CRM cannot send mail: ask an administrator to set a new password "
                    "for you."), "warning")
        return redirect(url_for("auth.login"))
    return render_template("account/forgot_password.html", form=form, mail_configured=configured)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
def reset_password(token):
    return _set_password_page(token, PasswordTokenPurpose.RESET)


@bp.route("/invitation/<token>", methods=["GET", "POST"])
def accept_invitation(token):
    return _set_password_page(token, PasswordTokenPurpose.INVITATION)


def _set_password_page(secret: str, purpose: PasswordTokenPurpose):
    """A reset link or an invitation: choose a password, then sign in with it. Opening
    the link changes nothing (mail scanners open links); setting the password uses it."""
    found = password_token(secret, purpose)
    if found is None:
        return (render_template("account/link_expired.html", purpose=purpose,
                                days=LIFETIMES[PasswordTokenPurpose.INVITATION].days,
                                minutes=RESET_MINUTES), 404)
    form = SetPasswordForm()
    saved, user = submit(form, lambda: use_password_token(
        found, form.new_password.data, form.confirm_password.data))
    if saved:
        if current_user.is_authenticated:  # someone else's session in this browser
            if current_user.id != user.id:
                sign_out_here(current_user)
            logout_user()
        flash(_("Your password is set. Sign in with it now.") if purpose ==
              PasswordTokenPurpose.INVITATION else
              _("Your password is changed, and you are signed out everywhere. Sign in with "
                "the new password."), "success")
        return redirect(url_for("auth.login"))
    # Its URL holds the secret: like every page it is not cached and sends its address
    # only to this site's own pages (crm.security's Cache-Control and Referrer-Policy).
    return render_template("account/set_password.html", form=form, user=found.user,
                           purpose=purpose)

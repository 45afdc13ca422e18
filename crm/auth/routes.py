"""Signing in and out.

Two kinds of limit guard the sign-in form, neither of which can keep an account's owner
out for long: per address (Flask-Limiter, "10 per minute; 50 per hour", counting only
failures: what one machine may try at all), and per account (crm.auth.throttle: a short
wait that grows with each failure and is capped at a few minutes). Behind a proxy the
address is the client's (`CRM_TRUSTED_PROXIES`, crm.create_app).
"""
from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required, login_user, logout_user

from crm import i18n
from crm.account.services import set_language
from crm.auth import bp, throttle
from crm.auth.forms import LoginForm
from crm.auth.services import authenticate, sign_out_everywhere, sign_out_here, start_sign_in
from crm.extensions import limiter
from crm.redirects import safe_next


def _failed(response) -> bool:
    """Only failed sign-ins count against the limits (a success redirects)."""
    return response.status_code != 302


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit("10 per minute; 50 per hour", methods=["POST"], deduct_when=_failed)  # per address
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        wait = throttle.seconds_to_wait(form.email.data)
        if wait:  # refused without looking at the password: no guess is tried
            form.email.errors.append(ngettext(
                "Too many attempts for this account: try again in %(num)d second.",
                "Too many attempts for this account: try again in %(num)d seconds.", wait))
            return render_template("auth/login.html", form=form), 429
        user = authenticate(form.email.data, form.password.data)
        if user is not None:
            start_sign_in(user, request.user_agent.string)
        if user is None:
            throttle.record_failure(form.email.data)
            form.password.errors.append(_("Wrong email or password, or the account is disabled."))
        else:
            throttle.record_success(form.email.data)
            picked = session.get(i18n.PICKED)  # on this page, before signing in
            session.clear()  # a fresh session at login (no fixation)
            login_user(user, remember=form.remember.data)
            if i18n.is_language(picked):
                set_language(user, picked)
            flash(_("Welcome, %(name)s.", name=user.name), "success")
            return redirect(safe_next(request.args.get("next")))
    return render_template("auth/login.html", form=form)


@bp.post("/language")
def language():
    """The language picker of every page, the sign-in page's too: saved as the user's
    preference, or, before sign-in, kept for this browser and saved when they sign in."""
    code = request.form.get("language")
    if not i18n.is_language(code):
        abort(400)
    if current_user.is_authenticated:
        set_language(current_user, code)
    else:
        session[i18n.PICKED] = code
    return redirect(safe_next(request.form.get("next")))


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    sign_out_here(current_user)
    logout_user()
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/logout/everywhere", methods=["POST"])
@login_required
def logout_everywhere():
    """Sign out on every device (a lost phone, a shared stand laptop)."""
    revoked = sign_out_everywhere(current_user)
    logout_user()
    flash(_("You are signed out on every device."), "info")
    if revoked:
        flash(_("Your API tokens (%(n)d) were revoked: create new ones where you need them.",
                n=revoked), "info")
    return redirect(url_for("auth.login"))

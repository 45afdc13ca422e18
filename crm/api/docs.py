"""The OpenAPI document and the docs page (public: they describe, they reveal no data)."""
from __future__ import annotations

import re

from flask import current_app, jsonify, render_template
from flask_babel import gettext as _
from markupsafe import Markup, escape

from crm.api import docs_bp
from crm.api.errors import PROBLEMS


def openapi_document() -> dict:
    return current_app.extensions["crm_api"].spec.to_dict()


@docs_bp.get("/openapi.json")
def openapi_json():
    return jsonify(openapi_document())


@docs_bp.get("/docs")
def openapi_docs():
    """The OpenAPI document as a page to read."""
    spec = openapi_document()

    def answers(operation: dict) -> list[tuple[str, dict | None]]:
        """(status, schema of a success body or None), in status order, without 'default'."""
        out = []
        for status, response in sorted(operation["responses"].items()):
            if status == "default":
                continue
            content = response.get("content") or {}
            schema = next((c.get("schema") for c in content.values()), None)
            out.append((status, schema if status.startswith("2") else None))
        return out

    def problem_slug(status: str) -> str:
        return PROBLEMS.get(int(status), PROBLEMS[500])[0]

    return render_template("api/docs.html", spec=spec, problems=PROBLEMS, answers=answers,
                           problem_slug=problem_slug, rules=rules, prose=prose)


_CODE = re.compile(r"`([^`]+)`")


def prose(text) -> Markup:
    """A description from the document: escaped, with `code` spans as <code>."""
    return Markup(_CODE.sub(lambda m: f"<code>{m.group(1)}</code>", str(escape(str(text or "")))))


def rules(schema: dict) -> str:
    """A property's constraints in words."""
    out = []
    if "maxLength" in schema:
        out.append(_("at most %(n)d characters", n=schema["maxLength"]))
    if schema.get("minLength"):
        out.append(_("at least %(n)d characters", n=schema["minLength"]))
    if "maxItems" in schema:
        out.append(_("at most %(n)d items", n=schema["maxItems"]))
    if "minimum" in schema:
        out.append(_("from %(n)s", n=schema["minimum"]))
    if "maximum" in schema:
        out.append(_("up to %(n)s", n=schema["maximum"]))
    if "default" in schema:
        out.append(_("default %(value)s", value=schema["default"]))
    if schema.get("readOnly"):
        out.append(_("read-only"))
    text = "; ".join(out)
    return text[:1].upper() + text[1:] + "." if text else ""

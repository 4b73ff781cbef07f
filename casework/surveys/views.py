"""Survey pages: handing a survey to clients (kiosk mode on this device, a one-time link with its
QR code), the pages clients answer on (no staff name, no navigation, the survey's language), and
the results for supervisors and coordinators."""

from __future__ import annotations

import uuid

from flask import (
    Blueprint,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import logout_user
from werkzeug.wrappers import Response

from casework import policy
from casework.auth import services as auth_services
from casework.auth.current import current_staff, require_role_page
from casework.errors import ValidationError
from casework.surveys import pages, passes, services
from casework.surveys.forms import KioskForm, LeaveKioskForm, LinkForm, answer_form, answers_of
from casework.surveys.models import SurveyPassKind
from casework.surveys.wording import language_name, words
from casework.web.errors import show_on_form

bp = Blueprint(
    "survey_pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/surveys/static",
)

#: The kiosk's cookie: sent only to the kiosk's pages, unreadable by scripts.
KIOSK_COOKIE = "casework_kiosk"
INSTRUMENT = "satisfaction"


def _private(response: Response) -> Response:
    """Client pages are never cached, so Back cannot bring a previous person's answers back."""
    response.headers["Cache-Control"] = "no-store"
    return response


def _setting(name: str, default: int) -> int:
    return int(current_app.config.get(name, default))


def _hand_out_forms() -> tuple[KioskForm, LinkForm]:
    instrument = services.survey_instrument(INSTRUMENT)
    offered = pages.service_choices()
    return (
        KioskForm(prefix="kiosk").offer(offered, instrument),
        LinkForm(prefix="link").offer(offered, instrument, pages.run_choices(current_staff())),
    )


def _hand_out_page(kiosk: KioskForm, link: LinkForm) -> tuple[str, int]:
    status = 422 if kiosk.errors or link.errors else 200
    return render_template("surveys/hand_out.html", kiosk=kiosk, link=link), status


@bp.route("/surveys")
@require_role_page(*policy.SURVEY_HANDOUT.roles)
def hand_out() -> tuple[str, int]:
    """Start kiosk mode on this device, or make a one-time link for a client."""
    return _hand_out_page(*_hand_out_forms())


@bp.route("/surveys/kiosk", methods=["POST"])
@require_role_page(*policy.SURVEY_HANDOUT.roles)
def start_kiosk() -> tuple[str, int] | Response:
    """Kiosk mode: this session ends, the browser keeps only the kiosk's cookie."""
    kiosk, link = _hand_out_forms()
    if kiosk.validate_on_submit():
        try:
            issued = passes.start_kiosk(
                current_staff(),
                service_code=kiosk.service_code.data or "",
                language=kiosk.language.data or "",
                instrument_id=INSTRUMENT,
                hours=_setting("CASEWORK_SURVEY_KIOSK_HOURS", passes.KIOSK_HOURS),
            )
        except ValidationError as error:
            show_on_form(kiosk, error)
        else:
            return _enter_kiosk(issued.token)
    return _hand_out_page(kiosk, link)


@bp.route("/surveys/links", methods=["POST"])
@require_role_page(*policy.SURVEY_HANDOUT.roles)
def new_link() -> tuple[str, int] | Response:
    """A one-time link and its QR code on a printable slip (shown once: only its hash is kept)."""
    kiosk, link = _hand_out_forms()
    if link.validate_on_submit():
        try:
            issued = passes.create_link(
                current_staff(),
                # a group run names its own service
                service_code=None if link.group_run_id.data else link.service_code.data,
                group_run_id=uuid.UUID(link.group_run_id.data) if link.group_run_id.data else None,
                language=link.language.data or "",
                instrument_id=INSTRUMENT,
                days=_setting("CASEWORK_SURVEY_LINK_DAYS", passes.LINK_DAYS),
            )
        except ValidationError as error:
            show_on_form(link, error)
        else:
            url = url_for("survey_pages.by_link", token=issued.token, _external=True)
            return _private(
                make_response(
                    render_template(
                        "surveys/slip.html",
                        survey_pass=issued.survey_pass,
                        url=url,
                        qr=pages.qr_svg(url),
                        language=issued.survey_pass.language or "en",
                        words=words(issued.survey_pass.language or "en"),
                    )
                )
            )
    return _hand_out_page(kiosk, link)


def _enter_kiosk(token: str) -> Response:
    """End the staff member's session and give this browser the kiosk's cookie only."""
    staff = current_staff()
    if staff.session_token:
        auth_services.end_session(staff.session_token)
    logout_user()
    session.clear()
    response = redirect(url_for("survey_pages.kiosk"))
    response.set_cookie(
        KIOSK_COOKIE,
        token,
        path="/kiosk",
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


@bp.route("/kiosk", methods=["GET", "POST"])
def kiosk() -> Response:
    """The survey at the kiosk: one client after another, nothing kept between them."""
    survey_pass = passes.live_pass(request.cookies.get(KIOSK_COOKIE), SurveyPassKind.KIOSK)
    if survey_pass is None:
        return _closed("closed")
    language = survey_pass.language or "pl"
    instrument = services.survey_instrument(survey_pass.instrument_id)
    form = answer_form(instrument, language)
    if form.validate_on_submit():
        try:
            passes.answer_at_kiosk(
                request.cookies.get(KIOSK_COOKIE), answers=answers_of(form, instrument)
            )
        except passes.PassUnusable:
            return _closed("closed")
        except ValidationError:
            form.form_errors.append(words(language)["missing"])
        else:
            return _private(redirect(url_for("survey_pages.kiosk_thanks")))
    return _survey_page(
        form, instrument, language, action=url_for("survey_pages.kiosk"), kiosk=True
    )


@bp.route("/kiosk/thanks")
def kiosk_thanks() -> Response:
    survey_pass = passes.live_pass(request.cookies.get(KIOSK_COOKIE), SurveyPassKind.KIOSK)
    if survey_pass is None:
        return _closed("closed")
    language = survey_pass.language or "pl"
    return _private(
        make_response(
            render_template(
                "surveys/thanks.html",
                language=language,
                words=words(language),
                again=url_for("survey_pages.kiosk"),
                leave=LeaveKioskForm(),
            )
        )
    )


@bp.route("/kiosk/leave", methods=["POST"])
def leave_kiosk() -> Response:
    """Close the kiosk and go to the sign-in page: staff sign in again to do anything else."""
    if LeaveKioskForm().validate_on_submit():
        passes.leave_kiosk(request.cookies.get(KIOSK_COOKIE))
    session.clear()
    response = redirect(url_for("auth.sign_in"))
    response.delete_cookie(KIOSK_COOKIE, path="/kiosk")
    return response


@bp.route("/s/<token>", methods=["GET", "POST"])
def by_link(token: str) -> Response:
    """A one-time link: the survey once, in the language chosen (the instrument's languages)."""
    survey_pass = passes.live_pass(token, SurveyPassKind.LINK)
    if survey_pass is None:
        return _closed("gone", status=410)
    instrument = services.survey_instrument(survey_pass.instrument_id)
    wanted = request.args.get("lang") or survey_pass.language or instrument.languages[0]
    language = wanted if wanted in instrument.languages else instrument.languages[0]
    form = answer_form(instrument, language)
    if form.validate_on_submit():
        try:
            passes.answer_by_link(token, answers=answers_of(form, instrument), language=language)
        except passes.PassUnusable:
            return _closed("gone", status=410)
        except ValidationError:
            form.form_errors.append(words(language)["missing"])
        else:
            return _private(redirect(url_for("survey_pages.link_thanks", lang=language)))
    languages = [
        (code, language_name(code), url_for("survey_pages.by_link", token=token, lang=code))
        for code in instrument.languages
    ]
    return _survey_page(
        form,
        instrument,
        language,
        action=url_for("survey_pages.by_link", token=token, lang=language),
        languages=languages,
    )


@bp.route("/s/thanks")
def link_thanks() -> Response:
    language = request.args.get("lang") or "en"
    language = language if language in _client_languages() else "en"
    return _private(
        make_response(
            render_template(
                "surveys/thanks.html", language=language, words=words(language), again=None
            )
        )
    )


def _client_languages() -> tuple[str, ...]:
    return services.survey_instrument(INSTRUMENT).languages


def _survey_page(form, instrument, language, **context) -> Response:  # type: ignore[no-untyped-def]
    status = 422 if form.errors or form.form_errors else 200
    return _private(
        make_response(
            render_template(
                "surveys/answer.html",
                form=form,
                instrument=instrument,
                language=language,
                words=words(language),
                title=instrument.title.get(language) or instrument.title[instrument.languages[0]],
                description=(instrument.description or {}).get(language, ""),
                leave=LeaveKioskForm() if context.get("kiosk") else None,
                **context,
            ),
            status,
        )
    )


def _closed(reason: str, *, status: int = 403) -> Response:
    """A kiosk that was left or expired, a link used or expired: said in the survey's languages."""
    best = request.accept_languages.best_match(list(_client_languages())) or "en"
    return _private(
        make_response(
            render_template(
                "surveys/closed.html",
                language=best,
                words=words(best),
                reason=reason,
                messages=[(code, words(code)[reason]) for code in _client_languages()],
            ),
            status,
        )
    )


@bp.route("/surveys/results")
@require_role_page(*policy.SURVEY_RESULTS.roles)
def results() -> str:
    """Per service: responses, mean rating, levels and each question's answer shares."""
    return render_template("surveys/results.html", services=pages.results(current_staff()))

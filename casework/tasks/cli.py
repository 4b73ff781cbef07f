"""`flask tasks remind`: e-mail each owner of tasks due or overdue, once a day, if SMTP is set."""

from __future__ import annotations

import smtplib
from email.message import EmailMessage

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale, gettext

from casework.cli import use_case
from casework.clock import centre_today
from casework.db import alone
from casework.tasks.services import reminders

tasks_cli = AppGroup("tasks", help="Tasks of cases: reminders.")


def reminder_message(reminder: reminders.Reminder, *, sender: str, link: str) -> EmailMessage:
    """The e-mail for one owner, in their language: how many tasks wait, and a link; nothing
    about clients or cases."""
    with force_locale(reminder.owner.preferred_language.value):
        message = EmailMessage()
        message["Subject"] = gettext("Tasks are waiting for you in casework")
        message["From"] = sender
        message["To"] = reminder.owner.email
        lines = [gettext("Hello %(name)s,", name=reminder.owner.display_name), ""]
        if reminder.overdue:
            lines.append(gettext("Overdue tasks: %(num)d", num=reminder.overdue))
        if reminder.due_today:
            lines.append(gettext("Tasks due today: %(num)d", num=reminder.due_today))
        lines += ["", gettext("Sign in to see them under My work: %(link)s", link=link)]
        message.set_content("\n".join(lines))
    return message


@tasks_cli.command("remind")
def remind() -> None:
    """E-mail today's reminders (nothing when CASEWORK_SMTP_HOST is unset). Safe to start on
    every app host at once: the first sends them, the others say so and stop."""
    config = current_app.config
    host = config.get("CASEWORK_SMTP_HOST")
    if not host:
        click.echo("No SMTP server is set (CASEWORK_SMTP_HOST): no reminders sent.")
        return
    with alone("tasks remind") as first:
        if first:
            _send_reminders(host)  # committed before the lock is let go
        else:
            click.echo("Another host is sending today's reminders: none sent from here.")


@use_case
def _send_reminders(host: str) -> None:
    config = current_app.config
    today = centre_today()
    due = reminders.reminders_due(today)
    if not due:
        click.echo("No reminders due today.")
        return
    with smtplib.SMTP(host, config["CASEWORK_SMTP_PORT"], timeout=30) as smtp:
        if config["CASEWORK_SMTP_STARTTLS"]:
            smtp.starttls()
        if config.get("CASEWORK_SMTP_USER"):
            smtp.login(config["CASEWORK_SMTP_USER"], config["CASEWORK_SMTP_PASSWORD"] or "")
        for reminder in due:
            smtp.send_message(
                reminder_message(
                    reminder, sender=config["CASEWORK_MAIL_FROM"], link=config["CASEWORK_BASE_URL"]
                )
            )
    reminders.mark_reminded([reminder.owner.id for reminder in due], today)
    click.echo(f"{len(due)} reminder(s) sent.")

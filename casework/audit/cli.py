"""`flask audit ...`: verify the audit chain and export signed checkpoints of its head."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from casework.audit import services
from casework.cli import CommandError
from casework.crypto.errors import CryptoError

audit_cli = AppGroup("audit", help="Check the audit trail.")


@audit_cli.command("verify")
@click.option(
    "--checkpoint",
    "checkpoint_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A checkpoint from `flask audit checkpoint`: also detects a cut-off tail.",
)
def verify(checkpoint_file: Path | None) -> None:
    """Verify the hash chains; exit 1 and name the first bad sequence number if broken."""
    text = checkpoint_file.read_text().strip() if checkpoint_file else None
    try:
        report = services.verify_trail(text)
    except CryptoError as error:
        raise CommandError(str(error)) from None
    if report.ok and len(report.chain_heads) > 1:
        heads = ", ".join(str(seq) for seq in report.chain_heads)
        click.echo(
            f"ok: {report.events_checked} events in {len(report.chain_heads)} chains, "
            f"heads at sequence {heads}"
        )
        return
    if report.ok:
        click.echo(f"ok: {report.events_checked} events, head at sequence {report.head_seq}")
        return
    click.echo(
        f"FAILED: {report.problem} at sequence {report.first_bad_seq}: {report.detail}", err=True
    )
    raise SystemExit(1)


@audit_cli.command("checkpoint")
@click.option("--output", type=click.Path(dir_okay=False, path_type=Path), default=None)
def checkpoint(output: Path | None) -> None:
    """Print (or write) a signed checkpoint of the chains' heads; keep it off this server."""
    text = services.checkpoint()
    if text is None:
        raise CommandError("the audit trail is empty; there is nothing to checkpoint")
    if output:
        output.write_text(text + "\n")
        click.echo(f"checkpoint written to {output}")
    else:
        click.echo(text)

"""Peer leaders and volunteers in a real browser, with axe-core and a screenshot of each page: a
supervisor records a leader and their training, a facilitator has them lead a run."""

from __future__ import annotations

import re

import pytest

pytestmark = [
    pytest.mark.browser,
    pytest.mark.filterwarnings("ignore:unclosed file:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


def test_a_supervisor_records_a_leader_and_a_facilitator_has_them_lead_a_run(
    visit, live_server
) -> None:
    run_id = live_server.group_run("Fathers' evening (led by a peer)", capacity=10)

    keeper = visit("supervisor")
    page = keeper.page
    page.click("nav >> text=Peer leaders")
    page.wait_for_selector("h1:has-text('Peer leaders and volunteers')")
    keeper.check("leaders-empty")
    page.click("text=Add a peer leader or volunteer")
    keeper.check("leader-new")
    page.click("button.primary:has-text('Save')")  # no name: a form error, nothing saved
    page.wait_for_selector(".error")
    keeper.check("leader-new-error")
    page.select_option("#kind", "peer_leader")
    page.fill("#name", "Oksana Peer")
    page.fill("#contact", "+48 601 222 333")
    page.check("label:has-text('Ukrainian')")
    page.check("label:has-text('Polish')")
    page.click("button.primary:has-text('Save')")
    page.wait_for_selector("text=they have no account and no access")
    # The record's id is a random UUID, which may itself contain "601".
    address = re.sub(r"[0-9a-f]{8}(?:-[0-9a-f]{4}){3}-[0-9a-f]{12}", "<id>", page.url)
    assert "601" not in address and "Oksana" not in address
    page.fill("#title", "Leaders' academy")
    page.fill("#completed_on", "2025-06-30")
    page.click("text=Record the training")
    page.wait_for_selector("text=The training is recorded.")
    assert page.locator('td:has-text("Leaders\' academy")').is_visible()
    keeper.check("leader-page")

    facilitator = visit("facilitator")
    run_page = facilitator.go(f"/groups/{run_id}")
    run_page.wait_for_selector("h2:has-text('Who leads the run')")
    facilitator.check("run-leaders-none")
    run_page.check("label:has-text('Oksana Peer')")
    run_page.click("text=Save who leads")
    run_page.wait_for_selector("text=Who leads the run is saved.")
    panel = run_page.locator("section:has(h2:has-text('Who leads the run')) dl")
    assert "Oksana Peer" in panel.inner_text() and "Filip Facilitator" in panel.inner_text()
    facilitator.check("run-leaders-chosen")

    page.goto(f"{live_server.url}/leaders")
    assert page.locator("tbody tr:has-text('Oksana Peer') td").nth(4).inner_text() == "1"

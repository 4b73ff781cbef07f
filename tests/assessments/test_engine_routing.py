"""Routing: results and client facts to services, with exclusions and mandatory actions."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from assessments import (
    AnswerError,
    RoutingError,
    load_instruments,
    load_routing,
    route,
    route_explained,
    score,
)
from assessments.vectors import vector_answers

INSTRUMENTS = Path(__file__).resolve().parents[2] / "instruments"
LOADED = load_instruments(INSTRUMENTS)
NORR, PHQ9 = LOADED[("norr", "1.0.0")], LOADED[("phq9", "1.0.0")]
RULES = load_routing(INSTRUMENTS / "routing", LOADED)
QUIET = vector_answers(NORR, NORR.vectors[0])  # every answer at its lowest risk
STRAINED = {
    **QUIET,
    "com_avoid": "almost_always",
    "com_silence": "almost_always",
    "com_criticism": "almost_always",
    "con_frequency": "almost_always",
    "con_escalation": "often",
}
COUPLE = {"case_kind": "couple", "children_in_household": False, "language": "pl"}


def services(recommendations):
    return [recommendation.service for recommendation in recommendations]


def test_a_couple_with_moderate_risk_and_no_violence_gets_couples_therapy():
    result = score(NORR, STRAINED)
    assert result.level == "moderate"
    recommended = route([result], COUPLE, RULES)
    assert "couples_therapy" in services(recommended)
    couples = next(r for r in recommended if r.service == "couples_therapy")
    assert (couples.kind, couples.priority, couples.rule_id) == (
        "recommend",
        2,
        "couple_relationship_work",
    )
    assert couples.reason["pl"].startswith("Para")


def test_any_violence_item_excludes_couples_therapy_and_says_why():
    result = score(NORR, {**STRAINED, "v_economic": "yes"})
    decision = route_explained([result], COUPLE, RULES)
    assert "couples_therapy" not in services(decision.recommendations)
    assert services(decision.recommendations)[:2] == ["individual_counselling", "safety_planning"]
    exclusion = next(e for e in decision.exclusions if e.service == "couples_therapy")
    assert exclusion.rule_id == "no_joint_sessions_with_violence"
    assert exclusion.removed == ("couple_relationship_work",)
    assert "v_economic" in exclusion.evidence


def test_violence_reported_by_either_partner_excludes_couples_therapy():
    calm_partner = score(NORR, STRAINED)
    disclosing_partner = score(NORR, {**STRAINED, "v_fear": "yes"})
    assert "couples_therapy" not in services(
        route([calm_partner, disclosing_partner], COUPLE, RULES)
    )


def test_grave_violence_makes_safety_planning_mandatory_and_first():
    result = score(NORR, {**QUIET, "v_kill_threat": "yes"})
    first = route([result], COUPLE, RULES)[0]
    assert (first.service, first.kind, first.priority) == ("safety_planning", "mandatory", 1)
    assert first.rule_id == "safety_plan_required"
    assert first.also_by == ("violence_individual_support",)


def test_parenting_services_only_with_children_in_the_household():
    result = score(
        NORR,
        {
            **QUIET,
            "children_present": "yes",
            "par_agree": "never",
            "par_conflict_children": "often",
            "par_overwhelmed": "often",
        },
    )
    with_children = route([result], {"children_in_household": True, "sex": "female"}, RULES)
    assert {"parenting_workshops", "support_group_mothers"} <= set(services(with_children))
    assert "support_group_fathers" not in services(with_children)
    without = route_explained([result], {"children_in_household": False, "sex": "female"}, RULES)
    assert not {"parenting_workshops", "support_group_mothers"} & set(
        services(without.recommendations)
    )
    assert {e.service for e in without.exclusions} >= {
        "parenting_workshops",
        "support_group_mothers",
    }


def test_substance_signals_come_from_answers_or_from_facts():
    follow_ups = {"sub_conflict": "never", "sub_neglect": "never", "sub_aggression": "never"}
    signal = score(NORR, {**QUIET, "sub_any": "yes", **follow_ups})
    assert "addiction_consultation" in services(route([signal], {}, RULES))
    assert "addiction_workshop" in services(route([signal], {}, RULES))
    quiet = score(NORR, QUIET)
    assert "addiction_consultation" not in services(route([quiet], {}, RULES))
    assert "addiction_consultation" in services(
        route([quiet], {"substance_use_signal": True}, RULES)
    )


def test_phq9_item_9_makes_an_external_referral_mandatory():
    result = score(
        PHQ9, {f"phq9_{n}": "not_at_all" for n in range(1, 9)} | {"phq9_9": "several_days"}
    )
    first = route([result], {}, RULES)[0]
    assert (first.service, first.kind, first.rule_id) == (
        "external_referral",
        "mandatory",
        "suicide_risk_referral",
    )


def test_recommendation_says_whether_the_service_runs_in_the_clients_language():
    result = score(NORR, STRAINED)
    by_service = {r.service: r for r in route([result], {**COUPLE, "language": "uk"}, RULES)}
    assert by_service["couples_therapy"].offered_in_client_language is False
    assert by_service["psychoeducation_group"].offered_in_client_language is False
    unknown = {r.service: r for r in route([result], {"case_kind": "couple"}, RULES)}
    assert unknown["couples_therapy"].offered_in_client_language is None


def test_routing_is_deterministic_and_sorted_by_urgency():
    result = score(NORR, {**STRAINED, "v_strangle": "yes", "sub_any": "yes"})
    first = route([result], COUPLE, RULES)
    assert first == route([result], COUPLE, RULES)
    keys = [(r.kind != "mandatory", r.priority, r.service) for r in first]
    assert keys == sorted(keys)


def test_routing_rejects_impossible_facts():
    with pytest.raises(AnswerError) as caught:
        route([], {"case_kind": "throuple"}, RULES)
    assert caught.value.problems[0].item == "facts.case_kind"


def _write_rules(tmp_path, rules):
    (tmp_path / "services.yaml").write_text(
        (INSTRUMENTS / "routing" / "services.yaml").read_text("utf-8")
    )
    document = {
        "format": 1,
        "kind": "routing_rules",
        "id": "t",
        "version": "1.0.0",
        "languages": ["pl", "en", "uk"],
        "facts": {"sex": {"values": ["female", "male"]}},
        "rules": rules,
    }
    (tmp_path / "rules.yaml").write_text(yaml.safe_dump(document, allow_unicode=True), "utf-8")
    return tmp_path


REASON = {"pl": "p", "en": "e", "uk": "u"}


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"fact": "sex", "equals": "female"},
                "services": ["yoga"],
                "reason": REASON,
            },
            "unknown service 'yoga'",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"instrument": "norr", "flag": "no_such_flag"},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "no instrument declares flag 'no_such_flag'",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"instrument": "norr", "level_in": ["extreme"]},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "'extreme' is not one of",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"instrument": "nope", "level_in": ["low"]},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "unknown instrument 'nope'",
        ),
        (
            {
                "id": "r",
                "kind": "exclude",
                "priority": 1,
                "when": {"fact": "sex", "equals": "male"},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "an exclusion has no priority",
        ),
        (
            {
                "id": "r",
                "kind": "advise",
                "when": {"fact": "sex", "equals": "male"},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "'advise' is not one of",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"item": "v_weapon", "equals": "yes"},
                "services": ["couples_therapy"],
                "reason": REASON,
            },
            "a routing rule cannot test answers",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"fact": "sex", "equals": "male"},
                "services": ["couples_therapy"],
                "reason": {"pl": "p"},
            },
            "missing translation for language 'en'",
        ),
        (
            {
                "id": "r",
                "kind": "recommend",
                "when": {"instrument": "norr", "level_in": []},
                "services": ["couples_therapy"],
                "reason": {"pl": "p", "en": "e"},
            },
            "expected a non-empty list",
        ),
    ],
)
def test_broken_routing_rules_are_reported_with_their_location(tmp_path, rule, message):
    with pytest.raises(RoutingError) as caught:
        load_routing(_write_rules(tmp_path, [rule]), LOADED)
    problem = next(p for p in caught.value.problems if message in p.message)
    assert problem.file.endswith("rules.yaml")
    assert problem.item == "rule r"
    assert problem.line is not None

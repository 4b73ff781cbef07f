"""How fast the engine scores NORR compared with a scorer written by hand for NORR alone.

    .venv/bin/python benchmarks/bench_scoring.py [--count 50000] [--chunk 500] [--seed 7]

A measurement, not a goal: a score takes tens of microseconds, which no web request notices.
It first checks that `assessments.score` and `score_by_hand` agree on every scale score, band,
level, flag and action for a sample, then times both on the same responses in alternating
chunks, who goes first alternating too (so that machine noise hits both alike), and prints the
median of the per-chunk ratios `engine throughput / hand-written throughput`. It exits with
status 1 below the floor of 0.2 (the engine more than five times slower than plain code), which
would mean a regression.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from assessments import load_instrument, score  # noqa: E402

FREQUENCY = {"never": 0, "sometimes": 1, "often": 2, "almost_always": 3}
BURDEN = {"none": 0, "slight": 1, "considerable": 2, "severe": 3}
YES_NO = {"no": 0, "yes": 1}
REVERSED = {
    "com_listen",
    "com_calm",
    "con_repair",
    "emo_respect",
    "emo_support",
    "tru_trust",
    "tru_future",
    "par_agree",
}
DOMAINS = {
    "communication": ("com_listen", "com_calm", "com_avoid", "com_silence", "com_criticism"),
    "conflict": ("con_frequency", "con_escalation", "con_unresolved", "con_repair"),
    "emotional_safety": ("emo_respect", "emo_humiliation", "emo_tension", "emo_support"),
    "trust": ("tru_trust", "tru_jealousy", "tru_separation", "tru_future"),
}
PARENTING = ("par_agree", "par_conflict_children", "par_overwhelmed", "par_child_worry")
SUBSTANCE_FOLLOW_UPS = ("sub_conflict", "sub_neglect", "sub_aggression")
STRESS = ("str_work", "str_money", "str_housing", "str_migration")
GRAVE = ("v_weapon", "v_kill_threat", "v_strangle")
OTHER_VIOLENCE = (
    "v_physical",
    "v_sexual",
    "v_threats",
    "v_control",
    "v_economic",
    "v_escalation",
    "v_fear",
)
LEVELS = ("low", "moderate", "high", "very_high")
FOUR_BANDS_15 = ((3, "low"), (7, "moderate"), (11, "high"), (15, "very_high"))
FOUR_BANDS_12 = ((3, "low"), (6, "moderate"), (9, "high"), (12, "very_high"))
INDEX_BANDS = ((12, "low"), (25, "moderate"), (38, "high"), (51, "very_high"))
SUBSTANCE_BANDS = ((0, "low"), (3, "moderate"), (6, "high"), (10, "very_high"))
VIOLENCE_BANDS = ((0, "none"), (2, "present"), (17, "serious"))


def band(value: int, bands: tuple[tuple[int, str], ...]) -> str:
    for upper, code in bands:
        if value <= upper:
            return code
    raise ValueError(value)


def score_by_hand(answers: dict[str, Any]) -> dict[str, Any]:
    """NORR 1.0.0 written out by hand for complete answers (no missing data handling needed)."""
    scores: dict[str, int | None] = {}
    bands: dict[str, str | None] = {}
    for domain, items in DOMAINS.items():
        total = 0
        for item in items:
            value = FREQUENCY[answers[item]]
            total += 3 - value if item in REVERSED else value
        scores[domain] = total
        bands[domain] = band(total, FOUR_BANDS_15 if len(items) == 5 else FOUR_BANDS_12)
    index = sum(scores[domain] for domain in DOMAINS)
    scores["relational_index"], bands["relational_index"] = index, band(index, INDEX_BANDS)
    children = answers["children_present"] == "yes"
    if children:
        parenting = sum(
            3 - FREQUENCY[answers[i]] if i in REVERSED else FREQUENCY[answers[i]] for i in PARENTING
        )
        scores["parenting"], bands["parenting"] = parenting, band(parenting, FOUR_BANDS_12)
    else:
        scores["parenting"], bands["parenting"] = None, None
    substance_signal = answers["sub_any"] == "yes"
    substance = (
        1 + sum(FREQUENCY[answers[i]] for i in SUBSTANCE_FOLLOW_UPS) if substance_signal else 0
    )
    scores["substance"], bands["substance"] = substance, band(substance, SUBSTANCE_BANDS)
    stress = sum(BURDEN[answers[item]] for item in STRESS)
    scores["external_stress"], bands["external_stress"] = stress, band(stress, FOUR_BANDS_12)
    grave = sum(YES_NO[answers[item]] for item in GRAVE)
    other = sum(YES_NO[answers[item]] for item in OTHER_VIOLENCE)
    children_exposed = children and answers["v_children"] == "yes"
    other += children_exposed
    violence = 3 * grave + other
    scores["violence"], bands["violence"] = violence, band(violence, VIOLENCE_BANDS)

    level = bands["relational_index"]
    rank = LEVELS.index(level)
    flags, actions = set(), set()
    if grave or other:
        flags.add("violence_disclosed")
        rank = max(rank, 2)
    if other > 2:
        rank = 3
        actions.add("safety_plan_niebieska_karta")
    if children_exposed:
        flags.add("children_exposed")
    if substance_signal or any(
        FREQUENCY[answers[i]] for i in SUBSTANCE_FOLLOW_UPS if substance_signal
    ):
        flags.add("substance_use")
    if bands["substance"] in ("high", "very_high"):
        rank = max(rank, 2)
    if bands["parenting"] in ("high", "very_high"):
        rank = max(rank, 1)
        flags.add("parenting_difficulties")
    if bands["external_stress"] == "very_high":
        rank = max(rank, 1)
        flags.add("external_stress")
    if BURDEN[answers["str_migration"]] >= 2:
        flags.add("migration_stress")
    if grave:
        rank = 3
        flags.add("violence_grave")
        actions.add("safety_plan_niebieska_karta")
    return {
        "scores": scores,
        "bands": bands,
        "level": LEVELS[rank],
        "flags": flags,
        "actions": actions,
    }


def random_responses(instrument, count: int, seed: int) -> list[dict[str, str]]:
    """Complete responses: every item that is asked gets an answer; follow-ups only when asked."""
    rng = random.Random(seed)
    choices = [(item.id, [option.code for option in item.options]) for item in instrument.items]
    responses = []
    for _ in range(count):
        answers = {item_id: rng.choice(codes) for item_id, codes in choices if codes}
        # Violence is rarer than other answers, so that every risk level occurs.
        for item_id in (*GRAVE, *OTHER_VIOLENCE, "v_children"):
            answers[item_id] = "yes" if rng.random() < 0.06 else "no"
        if answers["children_present"] == "no":
            for item_id in (*PARENTING, "v_children"):
                del answers[item_id]
        if answers["sub_any"] == "no":
            for item_id in SUBSTANCE_FOLLOW_UPS:
                del answers[item_id]
        responses.append(answers)
    return responses


def check_agreement(instrument, responses: list[dict[str, str]]) -> None:
    """Stop unless the engine and the hand-written scorer agree on every response."""
    for answers in responses:
        engine, hand = score(instrument, answers), score_by_hand(answers)
        found = {
            "scores": {scale.id: scale.score for scale in engine.scales},
            "bands": {scale.id: scale.band for scale in engine.scales},
            "level": engine.level,
            "flags": set(engine.flag_codes),
            "actions": set(engine.action_codes),
        }
        if found != hand:
            raise SystemExit(
                f"engine and hand-written scorer disagree on {answers}:\n"
                f"  engine: {found}\n  hand:   {hand}"
            )


FLOOR = 0.2


def seconds(function, responses: list[dict[str, str]]) -> float:
    started = time.perf_counter()
    for answers in responses:
        function(answers)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    norr = load_instrument(ROOT / "instruments" / "norr.yaml")
    responses = random_responses(norr, args.count, args.seed)
    check_agreement(norr, responses[:5_000])
    levels = {level: 0 for level in LEVELS}
    for answers in responses[:5_000]:
        levels[score_by_hand(answers)["level"]] += 1
    print(
        f"responses: {len(responses)} (levels in the first 5000: {levels}); engine and "
        "hand-written scorer agree on all of them"
    )

    def engine(answers: dict[str, str]) -> object:
        return score(norr, answers)

    ratios, engine_total, hand_total = [], 0.0, 0.0
    for number, start in enumerate(range(0, len(responses), args.chunk)):
        chunk = responses[start : start + args.chunk]
        if number % 2 == 0:  # who goes first alternates: neither side always gets a warm cache
            engine_time, hand_time = seconds(engine, chunk), seconds(score_by_hand, chunk)
        else:
            hand_time, engine_time = seconds(score_by_hand, chunk), seconds(engine, chunk)
        engine_total, hand_total = engine_total + engine_time, hand_total + hand_time
        ratios.append(hand_time / engine_time)
    print(f"engine: {len(responses) / engine_total:.0f} assessments/s")
    print(f"hand-written: {len(responses) / hand_total:.0f} assessments/s")
    median = statistics.median(ratios)
    print(f"ratio (median of {len(ratios)} interleaved chunks): {median:.2f} (floor {FLOOR})")
    if median < FLOOR:
        raise SystemExit(f"the engine is below the floor of {FLOOR}")


if __name__ == "__main__":
    main()

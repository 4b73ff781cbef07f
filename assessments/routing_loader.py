"""Load the service catalogue and routing rules, validating every name they use."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from .condition_parser import InstrumentNames, Scope, parse_condition
from .errors import Problem, RoutingError
from .fields import LANGUAGE_PATTERN, VERSION_PATTERN, Reader, Reporter, items_with_lines
from .model import Instrument
from .parse_items import read_facts
from .routing import (
    RoutingRule,
    RoutingRules,
    RuleKind,
    Service,
    ServiceKind,
    compile_explainers,
    compile_rules,
)
from .yamlio import load_yaml

CATALOGUE_FIELDS = ("format", "kind", "id", "version", "languages", "services")
RULES_FIELDS = ("format", "kind", "id", "version", "languages", "catalogue", "facts", "rules")
SERVICE_FIELDS = ("code", "kind", "name", "description", "languages")
RULE_FIELDS = ("id", "kind", "when", "services", "priority", "reason")


def load_routing(
    path: str | Path, instruments: Mapping[Any, Instrument] | Iterable[Instrument] | None = None
) -> RoutingRules:
    """Load routing rules and their service catalogue from a rules file or a directory.

    A directory must hold one `kind: routing_rules` file and the `kind: service_catalogue`
    file(s); a rules file names its catalogue with `catalogue:` (relative to itself).
    With `instruments`, every instrument, level, scale, band, flag, action and tag that a rule
    names is checked against them. Raises RoutingError listing every problem.
    """
    path = Path(path)
    problems: list[Problem] = []
    documents = _documents(path, problems)
    rules_docs = [(file, data) for file, data in documents if data.get("kind") == "routing_rules"]
    catalogue_docs = [
        (file, data) for file, data in documents if data.get("kind") == "service_catalogue"
    ]
    for file, data in documents:
        if data.get("kind") not in ("routing_rules", "service_catalogue"):
            problems.append(
                Problem(
                    "'kind' must be routing_rules or service_catalogue",
                    file=file,
                    field="kind",
                    line=_line(data, "kind"),
                )
            )
    if len(rules_docs) != 1:
        problems.append(
            Problem(f"expected one routing_rules file, found {len(rules_docs)}", file=str(path))
        )
        raise RoutingError(problems)
    rules_file, rules_data = rules_docs[0]
    if rules_data.get("catalogue") and not path.is_dir():
        catalogue_path = Path(rules_file).parent / str(rules_data["catalogue"])
        catalogue_docs += _documents(catalogue_path, problems)
    if not catalogue_docs:
        problems.append(Problem("no service catalogue found", file=rules_file, field="catalogue"))
    services: dict[str, Service] = {}
    for file, data in catalogue_docs:
        services.update(_read_catalogue(file, data, problems, services))
    rules = _read_rules(rules_file, rules_data, services, _names(instruments), problems)
    if problems:
        raise RoutingError(problems)
    return rules


def _documents(path: Path, problems: list[Problem]) -> list[tuple[str, Any]]:
    paths = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    documents = []
    for file in paths:
        data, found = load_yaml(file)
        problems.extend(found)
        if isinstance(data, dict):
            documents.append((str(file), data))
        elif data is not None:
            problems.append(Problem("expected a mapping at the top of the file", file=str(file)))
    return documents


def _line(data: Any, key: str) -> int | None:
    return data.line_of(key) if hasattr(data, "line_of") else None


def _header(reader: Reader, fields: tuple[str, ...]) -> tuple[str | None, str | None]:
    reader.only(fields)
    languages = []
    for code in reader.sequence("languages") or []:
        if isinstance(code, str) and LANGUAGE_PATTERN.match(code):
            languages.append(code)
        else:
            reader.report(f"{code!r} is not a language code", "languages")
    reader.reporter.languages = tuple(languages)
    version = reader.string("version")
    if version is not None and not VERSION_PATTERN.match(version):
        reader.report(f"version {version!r} is not a semantic version such as 1.0.0", "version")
    return reader.code("id"), version


def _read_catalogue(
    file: str, data: Any, problems: list[Problem], known: dict[str, Service]
) -> dict[str, Service]:
    reporter = Reporter(file)
    root = Reader(reporter, data, "")
    _header(root, CATALOGUE_FIELDS)
    services: dict[str, Service] = {}
    for index, raw, line in items_with_lines(root.sequence("services") or []):
        code = (
            raw.get("code") if isinstance(raw, dict) and isinstance(raw.get("code"), str) else None
        )
        reader = Reader(
            reporter, raw, f"services[{index}]", item=code and f"service {code}", line=line
        )
        reader.only(SERVICE_FIELDS)
        code = reader.code("code")
        kind = reader.choice("kind", [kind.value for kind in ServiceKind])
        name = reader.text("name")
        description = reader.text("description", required=False)
        languages = tuple(reader.codes("languages", required=False) or ())
        if code in services or code in known:
            reader.report(f"service {code!r} is declared twice", "code")
        elif code and kind:
            services[code] = Service(code, ServiceKind(kind), name or {}, description, languages)
    problems.extend(reporter.problems)
    return services


def _read_rules(
    file: str,
    data: Any,
    services: dict[str, Service],
    instruments: dict[str, InstrumentNames],
    problems: list[Problem],
) -> RoutingRules:
    reporter = Reporter(file)
    root = Reader(reporter, data, "")
    rules_id, version = _header(root, RULES_FIELDS)
    facts = read_facts(root)
    scope = Scope(where="a routing rule", facts=facts, instruments=instruments)
    rules: list[RoutingRule] = []
    for index, raw, line in items_with_lines(root.sequence("rules") or []):
        rule_id = (
            raw.get("id") if isinstance(raw, dict) and isinstance(raw.get("id"), str) else None
        )
        reader = Reader(
            reporter, raw, f"rules[{index}]", item=rule_id and f"rule {rule_id}", line=line
        )
        if not reader.valid:
            continue
        reader.only(RULE_FIELDS)
        rule_id = reader.code("id")
        kind = reader.choice("kind", [kind.value for kind in RuleKind])
        when = parse_condition(reader, "when", scope) if reader.has("when") else None
        if not reader.has("when"):
            reader.missing("when")
        codes = reader.codes("services") or []
        for code in codes:
            if services and code not in services:
                reader.report(
                    f"unknown service {code!r}; the catalogue has: {', '.join(sorted(services))}",
                    "services",
                )
        priority = reader.integer("priority", minimum=1, default=3) or 3
        if kind == RuleKind.EXCLUDE and reader.has("priority"):
            reader.report("an exclusion has no priority", "priority")
        reason = reader.text("reason")
        if any(rule.id == rule_id for rule in rules):
            reader.report(f"rule id {rule_id!r} is used twice", "id")
        elif rule_id and kind and when is not None and codes and reason:
            rules.append(
                RoutingRule(rule_id, RuleKind(kind), when, tuple(codes), reason, priority, line)
            )
    problems.extend(reporter.problems)
    frozen = tuple(rules)
    return RoutingRules(
        id=rules_id or "",
        version=version or "",
        languages=reporter.languages,
        services=services,
        rules=frozen,
        facts=tuple(facts.values()),
        sources=(file,),
        tests=compile_rules(frozen),
        explainers=compile_explainers(frozen),
    )


def _names(
    instruments: Mapping[Any, Instrument] | Iterable[Instrument] | None,
) -> dict[str, InstrumentNames]:
    if instruments is None:
        return {}
    values = instruments.values() if isinstance(instruments, Mapping) else instruments
    names: dict[str, InstrumentNames] = {}
    for instrument in values:
        entry = names.setdefault(instrument.id, InstrumentNames(set(), set(), set(), set(), {}))
        entry.levels |= {level.code for level in instrument.levels}
        entry.flags |= {flag.code for flag in instrument.flags}
        entry.actions |= {action.code for action in instrument.actions}
        entry.tags |= {tag for item in instrument.items for tag in item.tags}
        for scale in instrument.scales:
            bands = entry.scale_bands.setdefault(scale.id, set())
            bands |= {band.code for band_set in scale.band_sets for band in band_set.bands}
    return names

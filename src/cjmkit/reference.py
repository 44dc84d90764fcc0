"""Reference tables for the README, generated from the models and code catalogues.

`python scripts/update_readme.py` rewrites the marked README sections; a test
fails when they drift from what this module generates.
"""

from __future__ import annotations

import json
from typing import Any

from cjmkit import codes
from cjmkit.models.base import MAX_MAGNITUDE
from cjmkit.schema import build_schemas

#: Order in which the format's objects are documented.
SECTIONS = {
    "workspace.schema.json": ["Workspace", "Segment", "Persona", "Motivations", "Channel", "AnalysisSettings",
                              "RenderSettings"],
    "journey.schema.json": ["Journey", "Economics", "Stage", "Touchpoint", "Objection", "Barrier", "KPI",
                            "Funnel", "Evidence"],
}  # fmt: skip


def type_of(spec: dict[str, Any]) -> str:
    """A short human type for one JSON Schema property."""
    if "$ref" in spec:
        return str(spec["$ref"]).rsplit("/", 1)[1]
    for combinator in ("anyOf", "oneOf"):
        if combinator in spec:
            options = [type_of(s) for s in spec[combinator] if s.get("type") != "null"]
            return " or ".join(options)
    if "const" in spec:
        return f"`{spec['const']}`"
    if "enum" in spec:
        return "one of " + ", ".join(f"`{value}`" for value in spec["enum"])
    kind = spec.get("type")
    if kind == "array":
        return f"list of {type_of(spec.get('items', {}))}"
    if kind == "object" and "properties" in spec:
        return "mapping of " + ", ".join(f"`{name}`" for name in spec["properties"])
    if kind == "object":
        return f"mapping of {type_of(spec.get('additionalProperties', {}))}"
    if kind == "string":
        if spec.get("pattern") == "^[a-z0-9][a-z0-9-]*$":
            return "id"
        if spec.get("format") == "date":
            return "date"
        return "text"
    if kind in ("integer", "number"):
        # Every number of the format is within ±MAX_MAGNITUDE (said once, under the table):
        # only the bounds a field adds are shown.
        low = spec.get("minimum", spec.get("exclusiveMinimum"))
        high = spec.get("maximum")
        low = None if low is not None and abs(low) == MAX_MAGNITUDE else low
        high = None if high is not None and abs(high) == MAX_MAGNITUDE else high
        name = "integer" if kind == "integer" else "number"
        if "exclusiveMinimum" in spec and low is not None:
            return f"{name} > {low}" + (f", <= {high}" if high is not None else "")
        if low is not None and high is not None:
            return f"{name} {low}..{high}"
        if low is not None:
            return f"{name} >= {low}"
        if high is not None:
            return f"{name} <= {high}"
        return name
    if kind == "boolean":
        return "true or false"
    return "any"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def format_reference() -> str:
    lines: list[str] = []
    for file_name, names in SECTIONS.items():
        schema = json.loads(build_schemas()[file_name])
        definitions = {**schema.get("$defs", {}), schema["title"]: schema}
        for name in names:
            model = schema if name in ("Workspace", "Journey") else definitions[name]
            required = set(model.get("required", []))
            lines += [f"#### {name}", "", _cell(model.get("description", "")), ""]
            lines += ["| key | type | required | meaning |", "|---|---|---|---|"]
            for key, spec in model["properties"].items():
                mark = "yes" if key in required else ""
                lines.append(
                    f"| `{key}` | {_cell(type_of(spec))} | {mark} | {_cell(spec.get('description', ''))} |"
                )
            lines.append("")
    exponent = len(str(MAX_MAGNITUDE)) - 1
    lines.append(f"Every number in a map is finite and at most 10^{exponent} either side of 0 (V105).")
    return "\n".join(lines).rstrip() + "\n"


def codes_table() -> str:
    """One table per family of codes (the letter they start with), under its heading."""
    lines: list[str] = []
    for letter, family in codes.FAMILIES.items():
        lines += [f"### {family.heading}", "", family.intro, ""]
        lines += ["| code | name | meaning |", "|---|---|---|"]
        lines += [
            f"| {c.code} | `{c.name}` | {_cell(c.summary)} |" for c in codes.ALL if c.code.startswith(letter)
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def rules_table() -> str:
    from cjmkit.analysis.rules import RULES

    lines = ["| code | slug | default severity | what it finds |", "|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: r.code):
        lines.append(f"| {rule.code} | `{rule.slug}` | {rule.severity.value} | {_cell(rule.summary)} |")
    lines += ["", "Rule options, set in `cjm.yaml` under `analysis.thresholds`:", ""]
    lines += ["| option | rule | default | allowed | meaning |", "|---|---|---|---|---|"]
    for rule in sorted(RULES.values(), key=lambda r: r.code):
        for option in rule.options:
            low, high = option.minimum, option.maximum
            allowed = (
                f"{low:g}..{high:g}" if low is not None and high is not None
                else f">= {low:g}" if low is not None
                else f"<= {high:g}" if high is not None
                else "any"
            )  # fmt: skip
            cells = [f"`{option.name}`", f"`{rule.slug}`", f"{option.default:g}", allowed, option.summary]
            lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


GENERATED = {"format": format_reference, "codes": codes_table, "rules": rules_table}


def replace_sections(readme: str) -> str:
    """README text with every generated section rewritten."""
    for name, generate in GENERATED.items():
        begin, end = f"<!-- BEGIN generated: {name} -->\n", f"<!-- END generated: {name} -->"
        head, found, rest = readme.partition(begin)
        if not found:
            raise ValueError(f"README has no {begin.strip()} marker")
        _, _, tail = rest.partition(end)
        readme = head + begin + generate() + end + tail
    return readme

"""What each source file holds: its fields, their types, which are required.

One declaration per file; the loader reads CSV and YAML records against it the same way.
Types: key, text, text-list, lang (a fi/sv/en map), lang-list, iri, iri-list, date, month, year, int,
decimal, bool, email, phone, municipality, subregion, region (official codes),
municipality-list, subregion-list, choice, ref:<table>, ref-list:<table>, action-lines.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Field:
    """One field of a source table. Its type is written as in the schema ("year", "iri-list",
    "ref:organisations", "ref-list:networks") and read once into what the loader asks of it."""

    name: str
    type: str
    required: bool = False
    choices: tuple = ()
    item: str = field(init=False)  # the type of one value: "year", "iri", "ref", "lang", "action-lines"
    is_list: bool = field(init=False)  # a list of such values
    target: str = field(init=False)  # the table a reference points to ("" for any other type)

    def __post_init__(self):
        kind, _, target = self.type.partition(":")
        is_list = kind.endswith("-list")
        item = kind[: -len("-list")] if is_list else kind
        if (item == "ref") != bool(target):
            raise ValueError(f"field {self.name}: a reference type names its table (ref:<table>), no other does")
        object.__setattr__(self, "item", item)
        object.__setattr__(self, "is_list", is_list)
        object.__setattr__(self, "target", target)


@dataclass(frozen=True)
class Table:
    name: str
    file: str
    fields: tuple
    yaml_key: str = ""  # for YAML files: the top-level key holding the records
    single: bool = False  # a YAML mapping holding one record, not a list
    key: str = "key"  # the field that identifies a record ("" for none)
    allow_empty: bool = False  # a CSV with a header and no rows is fine

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [f.name for f in self.fields]


def F(name, type_, required=False, choices=()):
    return Field(name, type_, required, tuple(choices))


SOURCE = F("source", "ref:sources", True)
#: Who put money into a funding, in the words area budgets use.
FUNDER_KINDS = ("state-via-regional-council", "municipalities", "other-public", "private")

TABLES = (
    Table("sources", "sources.yaml", (
        F("key", "key", True), F("url", "iri"), F("title", "text"), F("language", "language"),
        F("publisher", "text"), F("note", "text"), F("kind", "choice", True, ("primary", "secondary")),
    ), yaml_key="sources"),
    Table("programme", "programme.yaml", (
        F("key", "key", True), F("name", "lang", True), F("acronym", "lang"), F("description", "lang"),
        F("summary", "lang-list"), F("owner", "ref:organisations"), F("funder", "ref:organisations"),
        F("coordinator", "ref:organisations"), F("coverage", "choice", False, ("FIN",)),
        F("planned_start_year", "year"), F("planned_end_year", "year"), F("end_date", "date"),
        F("end_note", "lang"), F("legal_basis", "lang"), F("replaces", "ref-list:predecessors"),
        F("networks", "ref-list:networks"), F("pages", "iri-list"), F("applications_areas", "int"),
        F("applications_municipalities", "int"), F("applications_note", "lang"),
        F("paid_through", "ref:organisations"), F("funding_note", "lang"), SOURCE,
    ), yaml_key="programme", single=True),
    Table("documents", "programme.yaml", (
        F("key", "key", True), F("programme", "ref:programme", True), F("title", "lang", True), F("date", "date", True),
        F("description", "lang"), SOURCE,
    ), yaml_key="documents"),
    Table("programme_decisions", "programme.yaml", (
        F("key", "key", True), F("programme", "ref:programme", True), F("date", "date", True),
        F("decider", "ref:organisations", True), F("ends_on", "date"), F("description", "lang", True), SOURCE,
    ), yaml_key="decisions"),
    Table("predecessors", "programme.yaml", (
        F("key", "key", True), F("acronym", "lang"), F("name", "lang", True), SOURCE,
    ), yaml_key="predecessors"),
    Table("networks", "programme.yaml", (
        F("key", "key", True), F("name", "lang", True), SOURCE,
    ), yaml_key="networks"),
    Table("evaluations", "programme.yaml", (
        F("key", "key", True), F("programme", "ref:programme", True), F("year", "year", True),
        F("proposals_evaluated", "int"), F("citation", "text"), F("publisher", "ref:organisations"),
        F("carried_out_by", "ref:organisations"), F("authors", "text-list"), F("start_month", "month"),
        F("end_month", "month"), F("published_month", "month"), SOURCE,
    ), yaml_key="evaluations"),
    Table("areas", "areas.yaml", (
        F("key", "key", True), F("name", "lang", True), F("programme", "ref:programme", True),
        F("subregions", "subregion-list"), F("municipalities", "municipality-list"), F("region", "region"),
        F("contact", "ref:contacts"), F("pages", "iri-list"), F("end_date", "date"),
        F("action_lines", "action-lines"), F("stage", "choice", False, ("area", "application")),
        F("applied_on", "date"), F("organisation", "ref:organisations"), F("member_names", "text-list"),
        F("notes", "lang-list"), F("inhabitants", "int"), F("themes", "text-list"), F("cross_cutting_themes", "text-list"),
        F("steering_group", "lang"), F("run_start_year", "year"), F("run_end_year", "year"), SOURCE,
    ), yaml_key="areas"),
    Table("named_programmes", "areas.yaml", (
        F("key", "key", True), F("name", "lang", True), F("notes", "lang-list"), SOURCE,
    ), yaml_key="named_programmes"),
    Table("memberships", "memberships.csv", (
        F("subregion", "subregion", True), F("municipality", "code", True),
        F("classification_date", "date", True), SOURCE,
    ), key=""),
    Table("former_municipalities", "former-municipalities.csv", (
        F("code", "code", True), F("name_fi", "text", True), F("merged_into", "municipality"),
        F("merged_on", "date"), SOURCE,
    ), key="code"),
    Table("organisations", "organisations.csv", (
        F("key", "key", True), F("kind", "choice", True, ("organisation", "group")),
        F("name_fi", "text", True), F("name_sv", "text"), F("name_en", "text"), F("acronym", "text"), SOURCE,
    )),
    Table("contacts", "contacts.csv", (
        F("key", "key", True), F("name", "text"), F("title_fi", "text"),
        F("organisation", "ref:organisations", True), F("street", "text"), F("postal_code", "text"),
        F("locality", "text"), F("phone", "phone"), F("email", "email"),
        F("publish_personal", "bool", True), SOURCE,
    )),
    Table("funding_sources", "funding-sources.csv", (
        F("key", "key", True), F("name_fi", "text", True), F("name_en", "text"), SOURCE,
    )),
    Table("funding", "funding.csv", (
        F("key", "key", True), F("programme", "ref:programme"), F("area", "ref:areas"), F("funder", "ref:organisations"),
        F("funder_kind", "choice", False, FUNDER_KINDS), F("paid_through", "ref:organisations"),
        F("funding_source", "ref:funding_sources"), F("start_year", "year"), F("end_year", "year"),
        F("per_year", "bool"), F("amount", "decimal"), F("currency", "choice", False, ("EUR",)),
        F("approximate", "bool"), F("co_financing_rate", "decimal"), F("share_of", "ref:funding"),
        F("share_rate", "decimal"), F("co_financing_of", "ref:funding"), F("note", "text"), SOURCE,
    )),
    Table("decisions", "decisions.csv", (
        F("key", "key", True), F("project", "key", True), F("project_name", "text", True),
        F("area", "ref:areas"), F("municipality", "municipality"), F("subregion", "subregion"),
        F("year", "year", True), F("amount", "decimal", True), F("currency", "choice", True, ("EUR",)),
        F("funder", "ref:organisations"), F("funding_source", "ref:funding_sources"), SOURCE,
    ), allow_empty=True),
    Table("nuts", "nuts.csv", (
        F("region", "region", True), F("nuts_code", "nuts", True), F("nuts_version", "year", True), SOURCE,
    ), key=""),
)

BY_NAME = {t.name: t for t in TABLES}

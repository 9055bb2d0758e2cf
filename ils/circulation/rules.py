"""The loan rules matrix: reader type x item type (x branch), each cell a loan limit, a loan
period, renewals and their length, whether holds are allowed, and a fine per day.

The most specific cell wins: a branch's own rule before the library's, then a rule naming
the reader type before one for any reader, then one naming the item type. Each cell is a
bucket: its limit counts the reader's loans that fall into that same cell, so a visually
impaired reader's listening device (its own cell, limit 1) does not use up one of the five
books (the cell for any item).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from db.models import Branch, LoanRule, ReaderType
from ils.branches import get_branch
from ils.caches import cached
from ils.catalogue.items import ITEM_TYPES
from ils.errors import Invalid, NotFound
from ils.permissions import Permission
from ils.session import Session, writes

ANY = "*"
DEFAULT_RULE = "*/*/*"


@dataclass(frozen=True)
class Rule:
    id: str
    reader_type: str
    item_type: str
    branch_id: str | None
    branch_code: str | None
    loan_limit: int
    loan_days: int
    renewals: int
    renew_days: int
    holds_allowed: bool
    fine_fen_per_day: int


def _rule(row: LoanRule, codes: dict[str, str]) -> Rule:
    return Rule(
        id=row.id,
        reader_type=row.reader_type,
        item_type=row.item_type,
        branch_id=row.branch_id,
        branch_code=codes.get(row.branch_id) if row.branch_id else None,
        loan_limit=row.loan_limit,
        loan_days=row.loan_days,
        renewals=row.renewals,
        renew_days=row.renew_days,
        holds_allowed=bool(row.holds_allowed),
        fine_fen_per_day=row.fine_fen_per_day,
    )


def _read_rules() -> tuple[Rule, ...]:
    return tuple(_rule(row, {}) for row in LoanRule.select())


class RuleBook:
    """Every rule: a checkout resolves several loans against it.

    The desk's book (without branch codes) is kept per connection until a rule changes here or
    anything changes at another desk (``ils.caches``); branch codes are shown only when rules
    are listed, so that book is read afresh.
    """

    def __init__(self, *, with_codes: bool = False) -> None:
        if with_codes:
            codes = dict(Branch.select(Branch.id, Branch.code).tuples())
            self.rules: tuple[Rule, ...] = tuple(_rule(row, codes) for row in LoanRule.select())
        else:
            self.rules = cached("loan_rules", _read_rules)

    def by_id(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)

    def rule_for(self, reader_type: str, item_type: str, branch_id: str) -> Rule:
        best: tuple[tuple[bool, bool, bool], Rule] | None = None
        for rule in self.rules:
            if rule.reader_type not in (ANY, reader_type) or rule.item_type not in (ANY, item_type):
                continue
            if rule.branch_id not in (None, branch_id):
                continue
            rank = (rule.branch_id is not None, rule.reader_type != ANY, rule.item_type != ANY)
            if best is None or rank > best[0]:
                best = (rank, rule)
        if best is None:
            raise NotFound(
                "circ.no_loan_rule", "No loan rule covers this reader type and item type; add a rule for */*."
            )
        return best[1]


def list_rules(session: Session) -> list[Rule]:
    session.require(Permission.CIRCULATE)
    return sorted(
        RuleBook(with_codes=True).rules,
        key=lambda r: (r.branch_code or "", r.reader_type != ANY, r.reader_type, r.item_type != ANY, r.item_type),
    )


def _rule_id(reader_type: str, item_type: str, branch_code: str | None) -> str:
    return f"{reader_type}/{item_type}/{branch_code or ANY}"


def _check_types(reader_type: str, item_type: str) -> None:
    if reader_type != ANY and ReaderType.get_or_none(ReaderType.code == reader_type) is None:
        raise Invalid("circ.unknown_reader_type", "There is no reader type {code}.", code=reader_type)
    if item_type != ANY and item_type not in ITEM_TYPES:
        raise Invalid(
            "circ.unknown_item_type",
            "Unknown item type {type}; types are: {types}.",
            type=item_type,
            types=", ".join(ITEM_TYPES),
        )


def _check_numbers(values: dict[str, int | bool | None]) -> None:
    bounds = {
        "loan_limit": (0, 1000),
        "loan_days": (1, 366),
        "renewals": (0, 20),
        "renew_days": (1, 366),
        "fine_fen_per_day": (0, 10_000),
    }
    for name, (low, high) in bounds.items():
        value = values.get(name)
        if value is not None and not low <= int(value) <= high:
            raise Invalid(
                "circ.rule_out_of_range", "{name} must be from {low} to {high}.", name=name, low=low, high=high
            )


@writes
def set_rule(
    session: Session,
    reader_type: str,
    item_type: str,
    *,
    branch: str | None = None,
    loan_limit: int | None = None,
    loan_days: int | None = None,
    renewals: int | None = None,
    renew_days: int | None = None,
    holds_allowed: bool | None = None,
    fine_fen_per_day: int | None = None,
) -> Rule:
    """Add a cell or change some of its values; a new cell starts from the values it would inherit."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    _check_types(reader_type, item_type)
    branch_row = get_branch(branch) if branch else None
    given = {
        "loan_limit": loan_limit,
        "loan_days": loan_days,
        "renewals": renewals,
        "renew_days": renew_days,
        "holds_allowed": holds_allowed,
        "fine_fen_per_day": fine_fen_per_day,
    }
    _check_numbers(given)
    rule_id = _rule_id(reader_type, item_type, branch_row.code if branch_row else None)
    existing = LoanRule.get_or_none(LoanRule.id == rule_id)
    if existing is not None:
        base = _rule(existing, {})
    else:
        base = RuleBook().rule_for(reader_type, item_type, branch_row.id if branch_row else "")
    values = {name: (getattr(base, name) if value is None else value) for name, value in given.items()}
    now = session.library.now_text()
    with session.write() as writer:
        LoanRule.insert(
            id=rule_id,
            reader_type=reader_type,
            item_type=item_type,
            branch=branch_row.id if branch_row else None,
            updated_at=now,
            **values,
        ).on_conflict_replace().execute()
        writer.journal("loan_rule.set", "loan_rule", rule_id, {k: v for k, v in values.items()})
    return next(r for r in RuleBook(with_codes=True).rules if r.id == rule_id)


@writes
def remove_rule(session: Session, rule_id: str) -> None:
    """Remove a cell; loans then fall to the next less specific one. The */*/* cell stays."""
    session.require(Permission.CONFIGURE_CIRCULATION)
    if rule_id == DEFAULT_RULE:
        raise Invalid(
            "circ.default_rule_kept", "The rule for any reader and any item cannot be removed; change it instead."
        )
    if LoanRule.get_or_none(LoanRule.id == rule_id) is None:
        raise NotFound("circ.rule_not_found", "There is no loan rule {rule}.", rule=rule_id)
    with session.write() as writer:
        LoanRule.delete().where(LoanRule.id == rule_id).execute()
        writer.journal("loan_rule.remove", "loan_rule", rule_id, {})


def same_cell(book: RuleBook, rule: Rule, reader_type: str, item_types: Iterable[str], branch_id: str) -> int:
    """How many of ``item_types`` (the reader's open loans) fall in ``rule``'s cell."""
    return sum(1 for item_type in item_types if book.rule_for(reader_type, item_type, branch_id).id == rule.id)

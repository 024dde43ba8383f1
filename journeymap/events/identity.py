"""One person, many ids: identity stitching over the customer column and further id columns.

A row may carry several ids of one person: the customer (user) id and further ids such as a
device id or an anonymous id (``Columns.identities``). Two ids are linked when one row carries
both (a login event, an ``identify`` call); a **person** is a connected component of that
graph, so the journey before login and after it is one journey. Links are transitive: rows
``(a, b)`` and ``(b, c)`` make ``a``, ``b`` and ``c`` one person, and a device seen with two user
ids joins both users into one person (union, never a split: a split would need a rule for which
user the device's anonymous events belong to, and every such rule loses rows in silence).

Each id is read with its column: ``00:<value>`` is a customer id, ``01:<value>`` the first
identity column, and so on, so a device id that happens to equal a user id is another id. The
person key is the smallest encoded id of the component: the smallest customer id when the
component has one, else the smallest id of the first identity column that has one. A row with
none of the ids has no customer. The components are computed here, in Python, over the
distinct id pairs (few: about one per device or anonymous id), with a union-find (disjoint-set
forest with path halving and union by size; Tarjan & van Leeuwen, "Worst-case analysis of set
union algorithms", JACM 31(2), 1984); the engines upload the resulting id -> person table and
join it to every row.

>>> p = resolve([("00:a", "01:d1"), ("01:d1", "00:b"), ("00:c", "01:d2")])
>>> sorted(p.persons.items())
[('00:b', '00:a'), ('01:d1', '00:a'), ('01:d2', '00:c')]
>>> p.ids, p.ids_merged
(5, 3)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from journeymap.events.sql import lit

SEP = ":"
"""Between an id's column number (two digits) and its value in an encoded id."""


def _id_columns(identities: int) -> list[str]:
    return ["jm_cust", *(f"jm_x{i}" for i in range(identities))]


def _present(col: str) -> str:
    return f"({col} IS NOT NULL AND trim({col}) <> '')"


def encoded(col: str, k: int) -> str:
    """The SQL of column ``col``'s id, encoded with its column number ``k``."""
    return f"{lit(f'{k:02d}{SEP}')} || {col}"


def first_id(identities: int) -> str:
    """The encoded first id a row carries (customer column first), NULL for a row with none."""
    whens = " ".join(
        f"WHEN {_present(c)} THEN {encoded(c, k)}" for k, c in enumerate(_id_columns(identities))
    )
    return f"CASE {whens} END"


def pairs_query(identities: int, relation: str = "jm_raw_ids") -> str:
    """Distinct pairs of encoded ids carried by one row (the links), DuckDB and Spark SQL."""
    cols = _id_columns(identities)
    parts = [
        f"SELECT DISTINCT {encoded(a, i)} AS jm_a, {encoded(b, j)} AS jm_b FROM {relation} "
        f"WHERE {_present(a)} AND {_present(b)}"
        for i, a in enumerate(cols)
        for j, b in enumerate(cols)
        if i < j
    ]
    return "\nUNION\n".join(parts)


def ids_query(identities: int, relation: str = "jm_raw_ids") -> str:
    """How many distinct ids the rows carry (every column, encoded)."""
    parts = [
        f"SELECT {encoded(c, k)} AS jm_id FROM {relation} WHERE {_present(c)}"
        for k, c in enumerate(_id_columns(identities))
    ]
    return "SELECT COUNT(DISTINCT jm_id) FROM (" + "\nUNION ALL\n".join(parts) + ") AS jm_ids"


def stitched(identities: int, relation: str = "jm_raw_ids", persons: str = "jm_persons") -> str:
    """``jm_raw``: the rows with ``jm_uid``, the person key (the row's own first id if it is unlinked).

    The engines read the customer column as ``jm_cust`` and the identity columns as ``jm_x0..``
    into ``relation`` when identity columns are given.
    """
    return (
        f"SELECT r.*, COALESCE(p.jm_person, r.jm_first_id) AS jm_uid FROM "
        f"(SELECT *, {first_id(identities)} AS jm_first_id FROM {relation}) AS r "
        f"LEFT JOIN {persons} AS p ON p.jm_id = r.jm_first_id"
    )


@dataclass(frozen=True)
class Persons:
    """The stitched ids: every linked id's person, and the figures the overlay reports."""

    persons: dict[str, str]
    """Encoded id -> encoded person key, for every id that is linked to another (key ids too)."""
    ids: int
    """Distinct ids among the links."""
    ids_merged: int
    """Ids folded into another id's person: linked ids minus the persons they form."""


def resolve(pairs: Iterable[tuple[str, str]]) -> Persons:
    """Connected components of the id pairs; each id -> the smallest id of its component.

    Ids that are their own person are left out of ``persons`` (the row keeps its own id).

    >>> resolve([("00:a", "01:x"), ("01:y", "01:x")]).persons
    {'01:x': '00:a', '01:y': '00:a'}
    """
    parent: dict[str, str] = {}
    size: dict[str, int] = {}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]  # path halving
            x = parent[x]
        return x

    for a, b in pairs:
        for x in (a, b):
            if x not in parent:
                parent[x], size[x] = x, 1
        ra, rb = find(a), find(b)
        if ra != rb:
            if size[ra] < size[rb]:
                ra, rb = rb, ra
            parent[rb] = ra
            size[ra] += size[rb]
    smallest: dict[str, str] = {}
    for x in parent:
        r = find(x)
        if r not in smallest or x < smallest[r]:
            smallest[r] = x
    mapping = {x: smallest[find(x)] for x in sorted(parent)}
    return Persons(
        {x: p for x, p in mapping.items() if x != p},
        len(parent),
        len(parent) - len(smallest),
    )


@dataclass(frozen=True)
class IdentityFigures:
    """What stitching did, for the overlay's ``settings.identity``."""

    columns: tuple[str, ...]
    """The customer column, then the identity columns."""
    ids: int
    """Distinct ids the rows carry, in every id column."""
    ids_merged: int

    @property
    def persons(self) -> int:
        """People the ids form: every id is a person until a link folds it into another's."""
        return self.ids - self.ids_merged

    def setting(self) -> dict[str, object]:
        return {
            "columns": list(self.columns),
            "links": "a row carrying two ids links them; a person is every id linked to another",
            "ids": self.ids,
            "persons": self.persons,
            "ids_merged": self.ids_merged,
        }

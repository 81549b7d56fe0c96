"""A database's name as shown (stage: classification; a part of sources/sql.py).

SQLAlchemy renders a URL with its database percent-encoded as UTF-8: a SQLite file
/tmp/老伴张秀英.db was shown ``sqlite:////tmp/%E8%80%81%E4%BC%B4…`` in the inventory, where the
masking of names found 张秀英 through the encoding and left 老伴 unreadable, and its saved result was
named with the hex bytes (R15i-20). Hex is an encoding, not masking: the name is shown decoded, as a
file path is, for the inventory's masking of names in paths to judge (老伴张**.db). What would change
the DSN's meaning stays encoded: ``%``, ``?`` and ``#`` (a query, a fragment). The password is hidden
as before; a file name that is not UTF-8 keeps its bytes (surrogateescape'd), which the inventory
reads as GB18030 or escapes (sources.base.decoded_name) and keys by (escaped_name), as a file path's.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = ["shown_dsn"]

#: What keeps its percent-encoding in a database's shown name: it would read as a query or fragment.
_KEPT = str.maketrans({"%": "%25", "?": "%3F", "#": "%23"})


def shown_dsn(url: URL, backend: str) -> str:
    """``url`` as shown: its password hidden, its database decoded (see the module docstring)."""
    database = url.database or ""
    try:
        if not database:
            return url.render_as_string(hide_password=True)
        # rendered with an empty database (…/?query), the database put back decoded after its "/"
        rendered = url.set(database="").render_as_string(hide_password=True)
    except UnicodeEncodeError:  # a part that is not UTF-8: the file name alone
        return f"{backend}:///{database}"
    base, question, query = rendered.partition("?")
    return f"{base.removesuffix('/')}/{database.translate(_KEPT)}{question}{query}"

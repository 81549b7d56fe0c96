"""The built-in recognizers (stage: classification). Importing this package registers them.

Each module holds one family (identity documents, travel documents, organisations, finance, contact, network,
vehicles, locations, personal attributes, ages, social insurance, values already masked, the 2017
foreign permanent resident card); see ``recognizers.ids()`` in
:mod:`govsoc.classification.recognizer` for every id.
"""

from __future__ import annotations

from govsoc.classification.recognizers import (  # noqa: F401  (imported for registration)
    age,
    contact,
    documents,
    finance,
    identity,
    location,
    masked,
    network,
    organisation,
    permanent_residence,
    person,
    sensitive,
    social,
    vehicle,
)

__all__: list[str] = []

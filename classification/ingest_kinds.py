"""The recognizers run on every ingested event (stage: classification; issue 15 "Sources").

Its own module so that the ingest tagger (govsoc.classification.tagging) and the free-text masker
(govsoc.classification.free_text), which the tagger uses on masked sources, both import it
downstream, neither the other (RRR15av-11).
"""

from __future__ import annotations

from typing import Final

__all__ = ["AT_INGEST"]

#: Recognizers run at ingest: the personal data that travels in URLs, forms and log messages.
#: Machine identifiers (IP, MAC, IMEI) are the SOC's own fields on every event; organisation
#: codes are public; the context-only ones find context in the text itself (护照号…).
AT_INGEST: Final = ("cn_resident_id", "cn_mobile", "cn_bank_card", "email", "cn_passport", "cn_hk_macau_permit",
                    "cn_mainland_travel_permit", "cn_social_security_number", "cn_disability_certificate")

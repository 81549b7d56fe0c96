"""The sampling rate of a NetFlow v9 / IPFIX record (RFC 3954 8, RFC 7012, RFC 5477): the elements
that name a sampler or selector or state a rate, the rate a record states, and the bound past
which a rate is not believed."""

from __future__ import annotations

import math
from typing import Any

from govsoc.collectors.netflow.templates import NetflowError

#: A sampler's key: the element naming it (sampler_id or selector_id) and its id.
Sampler = tuple[str, int] | None
#: The sampler key of a rate an options record scoped to one interface: (INTERFACE, ifIndex).
INTERFACE = "interface"
#: Scope fields that name an interface: v9 scope type 2, IPFIX ingressInterface / egressInterface.
INTERFACE_SCOPES = ("scope_interface", "ingress_interface", "egress_interface")
#: Elements that name a sampler or selector, in the order a data record's are looked up.
SAMPLER_ELEMENTS = ("sampler_id", "selector_id")


def _samplers(values: dict[str, Any]) -> tuple[tuple[str, int], ...]:
    """The samplers and selectors a record names (samplerId 48, selectorId 302)."""
    return tuple((name, value) for name in SAMPLER_ELEMENTS
                 if isinstance(value := values.get(name), int) and not isinstance(value, bool))


#: Elements that state a sampling rate (see _rate).
RATE_ELEMENTS = ("sampling_interval", "sampler_random_interval", "sampling_packet_interval", "sampling_packet_space",
                 "sampling_size", "sampling_population", "sampling_probability")


#: The largest rate believed: 1 in 2^32 - 1, the most the unsigned32 samplingInterval (34),
#: samplerRandomInterval (50) and samplingPopulation (310) can say (RFC 7012 / RFC 5477); a
#: larger one (a tiny samplingProbability, a widened field) would scale counters by nonsense.
MAX_RATE = 2**32 - 1


class SamplingError(NetflowError):
    """A record's sampling elements give no usable rate (reported for that record alone)."""


def _rate(values: dict[str, Any]) -> float | None:
    """The sampling rate a record states (1 = every packet): 1 in samplingInterval (34) or
    samplerRandomInterval (50); 1 in (interval + space) / interval from samplingPacketInterval
    and samplingPacketSpace (305/306, RFC 5477 systematic count-based); population / size from
    samplingSize and samplingPopulation (309/310, n-out-of-N); 1 / samplingProbability (311).
    Raises SamplingError naming the field when the rate is over MAX_RATE or not a number."""
    for name in ("sampling_interval", "sampler_random_interval"):
        value = values.get(name)
        if isinstance(value, int) and value >= 1:
            return _believed(value, f"{name} {value}")
    interval, space = values.get("sampling_packet_interval"), values.get("sampling_packet_space")
    if isinstance(interval, int) and isinstance(space, int) and interval > 0 and space >= 0:
        return _believed((interval + space) / interval,
                         f"sampling_packet_interval {interval}, sampling_packet_space {space}")
    size, population = values.get("sampling_size"), values.get("sampling_population")
    if isinstance(size, int) and isinstance(population, int) and 0 < size <= population:
        return _believed(population / size, f"sampling_size {size}, sampling_population {population}")
    probability = values.get("sampling_probability")
    if isinstance(probability, float) and 0 < probability <= 1:
        return _believed(1 / probability, f"sampling_probability {probability!r}")
    if isinstance(probability, float) and math.isnan(probability):
        raise SamplingError(f"sampling_probability {probability!r} is not a number")
    return None


def _believed(rate: float, said: str) -> float:
    """``rate`` as the counters are scaled by it (an int when whole; 2.5 for 2-in-5 sampling stays
    2.5: rounding it would scale by 2), or SamplingError naming what said it."""
    if not rate <= MAX_RATE:  # also inf and NaN
        raise SamplingError(f"{said} gives a sampling rate of {rate:g}, over 1 in {MAX_RATE}")
    rate = max(1.0, float(rate))
    return int(rate) if rate.is_integer() else rate

"""Information elements of NetFlow v9 and IPFIX: number -> (name, abstract data type).

Stage: collectors. Numbers, names and types from the IANA "IPFIX Information Elements" registry
(RFC 7012 section 3; NetFlow v9 field types 1-127 are the same numbers, RFC 3954 section 8).
Names are the registry's camelCase names written snake_case, as Elastic's NetFlow integration
stores them under ``netflow.*``. An element not in the table keeps its bytes as hex under
``netflow.ie_<id>`` (``netflow.ie_<enterprise>_<id>`` for an enterprise-specific one); RFC 5103
reverse elements (enterprise 29305) take the forward name with a ``reverse_`` prefix.
"""

from __future__ import annotations

import socket
import struct
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

#: RFC 5103: reverse-direction elements are the forward number under this enterprise.
REVERSE_PEN = 29305
#: NTP era 0 (1900-01-01) to the Unix epoch, in seconds (RFC 7011 6.1.10).
NTP_TO_UNIX = 2_208_988_800

U, S, F, IP4, IP6, MAC, STR, OCT, BOOL = "u", "s", "f", "ip4", "ip6", "mac", "str", "oct", "bool"
DT_S, DT_MS, DT_US, DT_NS = "dt_s", "dt_ms", "dt_us", "dt_ns"

#: IE number -> (snake_case name, abstract data type).
ELEMENTS: dict[int, tuple[str, str]] = {
    1: ("octet_delta_count", U), 2: ("packet_delta_count", U), 3: ("delta_flow_count", U),
    4: ("protocol_identifier", U), 5: ("ip_class_of_service", U), 6: ("tcp_control_bits", U),
    7: ("source_transport_port", U), 8: ("source_ipv4_address", IP4), 9: ("source_ipv4_prefix_length", U),
    10: ("ingress_interface", U), 11: ("destination_transport_port", U), 12: ("destination_ipv4_address", IP4),
    13: ("destination_ipv4_prefix_length", U), 14: ("egress_interface", U), 15: ("ip_next_hop_ipv4_address", IP4),
    16: ("bgp_source_as_number", U), 17: ("bgp_destination_as_number", U), 18: ("bgp_next_hop_ipv4_address", IP4),
    19: ("post_mcast_packet_delta_count", U), 20: ("post_mcast_octet_delta_count", U),
    21: ("flow_end_sys_up_time", U), 22: ("flow_start_sys_up_time", U), 23: ("post_octet_delta_count", U),
    24: ("post_packet_delta_count", U), 25: ("minimum_ip_total_length", U), 26: ("maximum_ip_total_length", U),
    27: ("source_ipv6_address", IP6), 28: ("destination_ipv6_address", IP6), 29: ("source_ipv6_prefix_length", U),
    30: ("destination_ipv6_prefix_length", U), 31: ("flow_label_ipv6", U), 32: ("icmp_type_code_ipv4", U),
    33: ("igmp_type", U), 34: ("sampling_interval", U), 35: ("sampling_algorithm", U),
    36: ("flow_active_timeout", U), 37: ("flow_idle_timeout", U), 38: ("engine_type", U), 39: ("engine_id", U),
    40: ("exported_octet_total_count", U), 41: ("exported_message_total_count", U),
    42: ("exported_flow_record_total_count", U), 44: ("source_ipv4_prefix", IP4),
    45: ("destination_ipv4_prefix", IP4), 46: ("mpls_top_label_type", U), 47: ("mpls_top_label_ipv4_address", IP4),
    48: ("sampler_id", U), 49: ("sampler_mode", U), 50: ("sampler_random_interval", U), 52: ("minimum_ttl", U),
    53: ("maximum_ttl", U), 54: ("fragment_identification", U), 55: ("post_ip_class_of_service", U),
    56: ("source_mac_address", MAC), 57: ("post_destination_mac_address", MAC), 58: ("vlan_id", U),
    59: ("post_vlan_id", U), 60: ("ip_version", U), 61: ("flow_direction", U), 62: ("ip_next_hop_ipv6_address", IP6),
    63: ("bgp_next_hop_ipv6_address", IP6), 64: ("ipv6_extension_headers", U),
    70: ("mpls_top_label_stack_section", OCT), 80: ("destination_mac_address", MAC),
    81: ("post_source_mac_address", MAC), 82: ("interface_name", STR), 83: ("interface_description", STR),
    85: ("octet_total_count", U), 86: ("packet_total_count", U), 88: ("fragment_offset", U),
    89: ("forwarding_status", U), 90: ("mpls_vpn_route_distinguisher", OCT), 94: ("application_description", STR),
    95: ("application_id", OCT), 96: ("application_name", STR), 136: ("flow_end_reason", U),
    137: ("common_properties_id", U), 138: ("observation_point_id", U), 139: ("icmp_type_code_ipv6", U),
    141: ("line_card_id", U), 142: ("port_id", U), 143: ("metering_process_id", U),
    144: ("exporting_process_id", U), 145: ("template_id", U), 148: ("flow_id", U),
    149: ("observation_domain_id", U), 150: ("flow_start_seconds", DT_S), 151: ("flow_end_seconds", DT_S),
    152: ("flow_start_milliseconds", DT_MS), 153: ("flow_end_milliseconds", DT_MS),
    154: ("flow_start_microseconds", DT_US), 155: ("flow_end_microseconds", DT_US),
    156: ("flow_start_nanoseconds", DT_NS), 157: ("flow_end_nanoseconds", DT_NS),
    158: ("flow_start_delta_microseconds", U), 159: ("flow_end_delta_microseconds", U),
    160: ("system_init_time_milliseconds", DT_MS), 161: ("flow_duration_milliseconds", U),
    162: ("flow_duration_microseconds", U), 176: ("icmp_type_ipv4", U), 177: ("icmp_code_ipv4", U),
    178: ("icmp_type_ipv6", U), 179: ("icmp_code_ipv6", U), 192: ("ip_ttl", U), 193: ("next_header_ipv6", U),
    195: ("ip_diff_serv_code_point", U), 210: ("padding_octets", OCT),
    225: ("post_nat_source_ipv4_address", IP4), 226: ("post_nat_destination_ipv4_address", IP4),
    227: ("post_napt_source_transport_port", U), 228: ("post_napt_destination_transport_port", U),
    230: ("nat_event", U), 233: ("firewall_event", U), 234: ("ingress_vrfid", U), 235: ("egress_vrfid", U),
    239: ("biflow_direction", U), 243: ("dot1q_vlan_id", U), 281: ("post_nat_source_ipv6_address", IP6),
    282: ("post_nat_destination_ipv6_address", IP6), 302: ("selector_id", U), 305: ("sampling_packet_interval", U),
    306: ("sampling_packet_space", U), 309: ("sampling_size", U), 310: ("sampling_population", U),
    311: ("sampling_probability", F), 323: ("observation_time_milliseconds", DT_MS),
}


def element_name(element: int, enterprise: int = 0) -> str:
    """The ``netflow.*`` key of an element (see the module docstring)."""
    if enterprise == 0 and element in ELEMENTS:
        return ELEMENTS[element][0]
    if enterprise == REVERSE_PEN and element in ELEMENTS:
        return "reverse_" + ELEMENTS[element][0]
    return f"ie_{element}" if enterprise == 0 else f"ie_{enterprise}_{element}"


def element_type(element: int, enterprise: int = 0) -> str:
    """The abstract data type of an element (octetArray when unknown)."""
    if enterprise in (0, REVERSE_PEN) and element in ELEMENTS:
        return ELEMENTS[element][1]
    return OCT


def _unsigned(raw: bytes) -> int:
    return int.from_bytes(raw, "big")


def _ntp(raw: bytes, fraction_bits: int) -> datetime | str:
    if len(raw) != 8:
        return raw.hex()
    seconds, fraction = struct.unpack("!II", raw)
    micros = (fraction * 1_000_000) >> fraction_bits
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds - NTP_TO_UNIX, microseconds=micros)


def _ms(raw: bytes) -> datetime | str:
    try:
        return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(milliseconds=_unsigned(raw))
    except OverflowError:
        return raw.hex()


def _seconds(raw: bytes) -> datetime | str:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(seconds=_unsigned(raw)) if len(raw) <= 4 else raw.hex()


def _mac(raw: bytes) -> str:
    return "-".join(f"{b:02X}" for b in raw)  # ECS writes MACs upper-case, dash-separated


def _string(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace").rstrip("\x00")


def _ip4(raw: bytes) -> str:
    return socket.inet_ntoa(raw) if len(raw) == 4 else raw.hex()


def _ip6(raw: bytes) -> str:
    # inet_ntop writes RFC 5952's form, as ipaddress does, at a tenth of the cost
    return socket.inet_ntop(socket.AF_INET6, raw) if len(raw) == 16 else raw.hex()


def _signed(raw: bytes) -> int:
    return int.from_bytes(raw, "big", signed=True)


def _float(raw: bytes) -> float | str:
    if len(raw) == 4:
        return float(struct.unpack("!f", raw)[0])
    if len(raw) == 8:
        return float(struct.unpack("!d", raw)[0])
    return raw.hex()


#: Abstract data type -> bytes to value. Reduced-size encoding (RFC 7011 6.2) is read by the
#: field's own length, never the type's nominal one.
CONVERTERS: dict[str, Callable[[bytes], Any]] = {
    U: _unsigned, S: _signed, F: _float, IP4: _ip4, IP6: _ip6, MAC: _mac, STR: _string, OCT: bytes.hex,
    BOOL: lambda raw: raw == b"\x01", DT_S: _seconds, DT_MS: _ms,
    DT_US: lambda raw: _ntp(raw, 32), DT_NS: lambda raw: _ntp(raw, 32),
}

"""Syslog formats (RFC 3164 now; RFC 5424 and the network receivers come with the collectors issue)."""

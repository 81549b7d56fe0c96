"""Whether a file's parser reads a line, asked of each line with control bytes before the line
reader (collectors.files.lines) takes it for garbage.

A line's bytes judged alone (collectors.files.binary.line_kind) cannot tell a logged line whose
field an attacker filled with control bytes from binary content: R11l-1, sshd logs the user name
as given, and "Invalid user \\x01\\x01...\\x01 from 1.2.3.4" (a control byte in a tenth of the
line) was grouped with its non-text neighbours into one ``garbled`` pipeline_error event: no
user.name, no source.ip, seen by no field rule. The logger writes a line's head, not the
attacker, so a line the file's parser reads (a syslog header, an access log's layout, a device's
own start) is a line of the log whatever else is in it; only lines the parser refuses and that
are not text are garbage. The answer depends on the line's bytes alone (a new parser for each
question: no state from earlier lines), so where reads start and end still never changes what
is stored.
"""

from __future__ import annotations

from collections.abc import Callable

from govsoc.collectors.base import RECORD_TYPES, ParseContext, parsers


def parser_reads(parser_id: str, context: ParseContext, origin: str,
                 charset: str = "auto") -> Callable[[bytes], bool]:
    """A test of one line's bytes: whether parser ``parser_id`` reads them without refusing,
    decoded as the source's ``charset`` setting says (collectors.base.RECORD_TYPES)."""
    factory = parsers.get(parser_id)
    record_type = RECORD_TYPES[charset]

    def reads(data: bytes) -> bool:
        record = record_type(data=data, origin=origin, offset=0)
        try:
            for _event in factory().parse(record, context):
                pass
        except MemoryError:
            raise
        except Exception:  # noqa: BLE001 - ParseError, or a parser's defect: not read either way
            return False
        return True

    return reads

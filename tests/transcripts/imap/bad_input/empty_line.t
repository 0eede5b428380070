# RFC 9051 §2.2.1: an empty line is not a command (no tag). Dovecot ignores it; an
# untagged BAD is fine too. Either way the connection survives.
C:
C: a1 NOOP
S: ...
S: a1 OK ~

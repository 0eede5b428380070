# RFC 9051 §9: a tag without a command is BAD.
C: a1
S: a1 BAD ~
C: a2 NOOP
S: a2 OK ~

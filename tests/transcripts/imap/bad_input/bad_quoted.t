# RFC 9051 §9 quoted-specials: only \" and \\ may be escaped in a quoted string.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "a\b"
S: a2 BAD ~
C: a3 CREATE "unterminated
S: a3 BAD ~
C: a4 NOOP
S: a4 OK ~

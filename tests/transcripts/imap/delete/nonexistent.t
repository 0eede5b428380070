# RFC 9051 §6.3.5, §7.1 NONEXISTENT.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 DELETE nope
S: a2 NO [NONEXISTENT] ~

# RFC 9051 §6.3.11, §7.1 NONEXISTENT.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 STATUS nope (MESSAGES)
S: a2 NO [NONEXISTENT] ~

# RFC 9051 §6.3.6: renaming a missing mailbox is an error (NONEXISTENT, §7.1).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 RENAME nope other
S: a2 NO [NONEXISTENT] ~

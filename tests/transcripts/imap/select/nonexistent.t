# RFC 9051 §6.3.2, §7.1 NONEXISTENT: selecting a missing mailbox fails; no mailbox is
# selected afterwards.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT Nope
S: a2 NO [NONEXISTENT] ~
C: a3 FETCH 1 FLAGS
S: a3 BAD ~

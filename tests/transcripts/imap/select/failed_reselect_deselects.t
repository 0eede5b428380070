# RFC 9051 §6.3.2: "If the client is permitted to modify the mailbox ... a failed SELECT
# leaves no mailbox selected".
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 SELECT Nope
S: ...
S: a3 NO [NONEXISTENT] ~
C: a4 NOOP
S: a4 OK ~
C: a5 FETCH 1 FLAGS
S: a5 BAD ~

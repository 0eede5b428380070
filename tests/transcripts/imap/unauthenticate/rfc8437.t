# RFC 8437 §3: UNAUTHENTICATE pipelined with a new LOGIN; the mailbox stops being selected.
@user alice secret
@user bob other
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UNAUTHENTICATE
C: a4 LOGIN bob other
S: a3 OK ~
S: a4 OK ~
C: a5 NOOP
S: a5 OK ~
C: a6 FETCH 1 FLAGS
S: a6 BAD ~

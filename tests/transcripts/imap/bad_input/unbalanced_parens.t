# RFC 9051 §9: parenthesised lists must close.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 1 (FLAGS UID
S: a3 BAD ~
C: a4 FETCH 1 FLAGS)
S: a4 BAD ~
C: a5 SEARCH (SEEN
S: a5 BAD ~
C: a6 NOOP
S: a6 OK ~

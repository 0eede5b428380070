# RFC 9051 §9 sequence-set: 0 is not a valid sequence number, and garbage is not a set.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 0 FLAGS
S: a3 BAD ~
C: a4 FETCH 1:x FLAGS
S: a4 BAD ~
C: a5 FETCH 1,,2 FLAGS
S: a5 BAD ~
C: a6 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Recent))
S: a6 OK ~

# RFC 9051 §9: nz-number is at most 4294967295; a bigger number is BAD, not a wrap-around.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 FETCH 4294967296 FLAGS
S: a3 BAD ~
C: a4 UID FETCH 4294967295 FLAGS
S: a4 OK ~
C: a5 UID FETCH 99999999999999999999 FLAGS
S: a5 BAD ~

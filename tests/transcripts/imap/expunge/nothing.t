# RFC 9051 §6.4.3: nothing to expunge is still OK.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 EXPUNGE
S: a3 OK ~

# RFC 9051 §6.4.7: copying to a missing mailbox is NO [TRYCREATE].
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 COPY 1 nope
S: a3 NO [TRYCREATE] ~

# RFC 9051 §6.4.9: UID STORE; the FETCH responses include UID.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UID STORE 2 +FLAGS (\Answered)
S: * 2 FETCH (UID 2 FLAGS (\Answered \Recent))
S: a3 OK ~
C: a4 UID STORE 99 +FLAGS (\Answered)
S: a4 OK ~

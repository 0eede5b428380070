# RFC 6851 §3.2 example shape: UID MOVE.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a2 STATUS Archive (UIDVALIDITY)
S: * STATUS "Archive" (UIDVALIDITY $uv)
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 UID MOVE 2:3 Archive
S: * OK [COPYUID $uv 2:3 1:2] ~
S: * 3 EXPUNGE
S: * 2 EXPUNGE
S: a4 OK ~

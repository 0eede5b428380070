# RFC 9051 §6.4.7 with UIDPLUS COPYUID (RFC 4315 §3): source and destination UID sets.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX simple.eml flags=\Flagged
@append alice INBOX alternative.eml
C: a2 STATUS Archive (UIDVALIDITY)
S: * STATUS "Archive" (UIDVALIDITY $uv)
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: A003 COPY 2:3 Archive
S: A003 OK [COPYUID $uv 2:3 1:2] ~
C: a4 STATUS Archive (MESSAGES)
S: * STATUS "Archive" (MESSAGES 2)
S: a4 OK ~
C: a5 EXAMINE Archive
S: ...
S: a5 OK [READ-ONLY] ~
C: a6 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Flagged \Recent))
S: a6 OK ~

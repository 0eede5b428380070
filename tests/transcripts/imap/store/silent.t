# RFC 9051 §6.4.6: .SILENT suppresses the FETCH responses.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 1 +FLAGS.SILENT (\Seen)
S: a3 OK ~
C: a4 FETCH 1 FLAGS
S: * 1 FETCH (FLAGS (\Seen \Recent))
S: a4 OK ~

# RFC 9051 §6.4.6 example: +FLAGS returns the new flags in FETCH responses.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml flags=\Seen
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml flags=\Seen
@append alice INBOX plain2.eml flags=\Flagged
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a20 SELECT INBOX
S: ...
S: a20 OK [READ-WRITE] ~
C: A003 STORE 2:4 +FLAGS (\Deleted)
S: * 2 FETCH (FLAGS (\Deleted))
S: * 3 FETCH (FLAGS (\Seen \Deleted))
S: * 4 FETCH (FLAGS (\Flagged \Deleted))
S: A003 OK ~
C: A004 STORE 2 -FLAGS (\Deleted)
S: * 2 FETCH (FLAGS ())
S: A004 OK ~
C: A005 STORE 1 FLAGS ($Forwarded \Answered)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded \*)] ~
S: * 1 FETCH (FLAGS (\Answered $Forwarded))
S: A005 OK ~

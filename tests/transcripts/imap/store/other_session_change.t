# Issue 6: a session does not read its own STORE back from the store afterwards, yet a
# change another session made just before still reaches it as an unsolicited FETCH
# (RFC 9051 §7.5.2), and its own changes are never announced a second time.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 ENABLE IMAP4rev2
S2: * ENABLED IMAP4rev2
S2: b2 OK ~
C2: b3 SELECT INBOX
S2: ...
S2: b3 OK [READ-WRITE] ~
C2: b4 STORE 2 +FLAGS.SILENT (\Seen)
S2: b4 OK ~
C: a4 STORE 1 +FLAGS (\Flagged)
S: * 1 FETCH (FLAGS (\Flagged))
S: * 2 FETCH (UID 2 FLAGS (\Seen))
S: a4 OK ~
C: a5 STORE 1:3 +FLAGS (\Answered)
S: * 1 FETCH (FLAGS (\Answered \Flagged))
S: * 2 FETCH (FLAGS (\Seen \Answered))
S: * 3 FETCH (FLAGS (\Answered))
S: a5 OK ~
C: a6 NOOP
S: a6 OK ~
C2: b5 NOOP
S2: * 1 FETCH (UID 1 FLAGS (\Answered \Flagged))
S2: * 2 FETCH (UID 2 FLAGS (\Seen \Answered))
S2: * 3 FETCH (UID 3 FLAGS (\Answered))
S2: b5 OK ~
C2: b6 STORE 3 -FLAGS (\Answered)
S2: * 3 FETCH (FLAGS ())
S2: b6 OK ~
C: a7 STORE 3 +FLAGS (\Draft)
S: * 3 FETCH (FLAGS (\Draft))
S: a7 OK ~

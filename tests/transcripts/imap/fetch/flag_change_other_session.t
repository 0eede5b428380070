# RFC 9051 §7.5.2: a flag change made by another session is reported as an unsolicited
# FETCH at the next command (here with a FETCH, which may carry FETCH responses).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 STORE 1 +FLAGS.SILENT (\Answered)
S2: b3 OK ~
C: a4 NOOP
S: * 1 FETCH (UID 1 FLAGS (\Answered))
S: a4 OK ~

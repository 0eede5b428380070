# RFC 9051 §6.3.13, §7.5.2: a flag change by another session reaches the idling one as an
# unsolicited FETCH with FLAGS (the UID may come along; RFC 3501 §6.3.2 lets the
# EXAMINE session see \Recent too).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 EXAMINE INBOX
S: ...
S: a2 OK [READ-ONLY] ~
C: a3 IDLE
S: + ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 STORE 1 +FLAGS.SILENT (\Flagged)
S2: b3 OK ~
S: * 1 FETCH (UID 1 FLAGS (\Flagged \Recent))
C: DONE
S: a3 OK ~

# RFC 7162 §3.1.3 Example 10: a message another session changed fails UNCHANGEDSINCE; the
# server tells the client why with an unsolicited FETCH of its current flags.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX (CONDSTORE)
S: ...
S: a2 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 STORE 1 +FLAGS.SILENT ($Processed)
S2: ...
S2: b3 OK ~
C: a106 STORE 1:2 (UNCHANGEDSINCE 3) +FLAGS.SILENT ($Processed)
S: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Processed)
S: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Processed \*)] ~
S: * 2 FETCH (UID 2 MODSEQ (5))
S: * 1 FETCH (UID 1 FLAGS ($Processed \Recent) MODSEQ (4))
S: a106 OK [MODIFIED 1] ~

# RFC 7162 §3.2.10.2 / §3.2.7 / §3.2.9: with QRESYNC enabled EXPUNGE and UID EXPUNGE answer
# with one VANISHED (no EARLIER) and the tagged OK carries the new HIGHESTMODSEQ; CLOSE
# sends neither (§3.2.8). Expunges by another session arrive as VANISHED as well.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 STORE 2,3 +FLAGS.SILENT (\Deleted)
S: ...
S: a4 OK ~
C: A202 EXPUNGE
S: * VANISHED 2:3
S: A202 OK [HIGHESTMODSEQ 8] ~
C: a5 STORE 1:3 +FLAGS.SILENT (\Deleted)
S: ...
S: a5 OK ~
C: a6 UID EXPUNGE 4:5
S: * VANISHED 4:5
S: a6 OK [HIGHESTMODSEQ 10] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 EXPUNGE
S2: * 1 EXPUNGE
S2: b3 OK ~
C: a7 NOOP
S: * VANISHED 1
S: a7 OK ~
C: a8 CLOSE
S: a8 OK ~

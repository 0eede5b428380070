# RFC 7162 §3.2.6 Example 1: UID FETCH (CHANGEDSINCE n VANISHED) reports the expunged UIDs
# of the set in one VANISHED (EARLIER), before the FETCH responses.
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
C: a4 STORE 1,5 +FLAGS.SILENT (\Deleted)
S: * 1 FETCH (UID 1 MODSEQ (7))
S: * 5 FETCH (UID 5 MODSEQ (7))
S: a4 OK ~
C: a5 EXPUNGE
S: * VANISHED 1,5
S: a5 OK [HIGHESTMODSEQ 8] ~
C: a6 UID STORE 2 +FLAGS.SILENT (\Seen)
S: * 1 FETCH (UID 2 MODSEQ (9))
S: a6 OK ~
C: s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 6 VANISHED)
S: * VANISHED (EARLIER) 1,5
S: * 1 FETCH (UID 2 MODSEQ (9) FLAGS (\Seen \Recent))
S: s100 OK ~
C: s101 UID FETCH 3:4 (FLAGS) (CHANGEDSINCE 6 VANISHED)
S: s101 OK ~

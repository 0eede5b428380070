# RFC 7162 §3.1.4.1 Example 12: CHANGEDSINCE returns only messages changed after the
# given mod-sequence and implies MODSEQ (placed after UID as in the example).
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX (CONDSTORE)
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 STORE 1 +FLAGS.SILENT (\Seen)
S: * 1 FETCH (UID 1 MODSEQ (6))
S: a3 OK ~
C: a4 STORE 2 +FLAGS.SILENT (\Deleted)
S: * 2 FETCH (UID 2 MODSEQ (7))
S: a4 OK ~
C: s100 UID FETCH 1:* (FLAGS) (CHANGEDSINCE 4)
S: * 1 FETCH (UID 1 MODSEQ (6) FLAGS (\Seen \Recent))
S: * 2 FETCH (UID 2 MODSEQ (7) FLAGS (\Deleted \Recent))
S: * 4 FETCH (UID 4 MODSEQ (5) FLAGS (\Recent))
S: s100 OK ~
C: s101 FETCH 1:* (FLAGS) (CHANGEDSINCE 7)
S: s101 OK ~

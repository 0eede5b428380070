# RFC 7162 §3.2.5.1: SELECT (QRESYNC (uidvalidity modseq known-uids)) sends the ordinary
# responses, then VANISHED (EARLIER) for known UIDs expunged since modseq, then a FETCH
# (UID FLAGS MODSEQ) per known message changed since. UID 2 (unchanged) is not
# reported; UID 5 arrived after and is not among the known UIDs.
@user alice secret
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
S*: * 4 EXISTS
S*: * 4 RECENT
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 5] ~
S*: * OK [HIGHESTMODSEQ 5] ~
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 1] ~
S: a3 OK [READ-WRITE] ~
C: a4 UNSELECT
S: a4 OK ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 STORE 1,3 +FLAGS.SILENT (\Deleted)
S2: b3 OK ~
C2: b4 EXPUNGE
S2: * 3 EXPUNGE
S2: * 1 EXPUNGE
S2: b4 OK ~
C2: b5 STORE 2 +FLAGS.SILENT (\Seen $Forwarded)
S2: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded)
S2: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Forwarded \*)] ~
S2: b5 OK ~
@append alice INBOX plain2.eml
C: A03 SELECT INBOX (QRESYNC ($uv 5 1:4))
S: * 3 EXISTS
S: ...
S: * OK [HIGHESTMODSEQ 9] ~
S: ...
S: * VANISHED (EARLIER) 1,3
S: * 2 FETCH (UID 4 FLAGS (\Seen $Forwarded) MODSEQ (8))
S: A03 OK [READ-WRITE] ~

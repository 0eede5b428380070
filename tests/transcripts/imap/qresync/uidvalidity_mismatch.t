# RFC 7162 §3.2.5: a UIDVALIDITY that does not match makes the server ignore the rest of
# the QRESYNC parameter: no VANISHED, no FETCH.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE QRESYNC
S: * ENABLED QRESYNC
S: a2 OK ~
C: A02 SELECT INBOX (QRESYNC (1 1 41,43:211,214:541))
S*: * 2 EXISTS
S*: * 2 RECENT
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 3] ~
S*: * OK [HIGHESTMODSEQ 3] ~
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 1] ~
S: A02 OK [READ-WRITE] ~

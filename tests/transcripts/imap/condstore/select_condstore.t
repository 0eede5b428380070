# RFC 7162 §3.1.8 / §3.1.2.1 Example 1: SELECT (CONDSTORE) adds the HIGHESTMODSEQ
# response code. A fresh mailbox starts at 1 and each delivery takes the next value.
@user alice secret
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: A142 SELECT INBOX (CONDSTORE)
S*: * 2 EXISTS
S*: * 2 RECENT
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 3] ~
S*: * OK [HIGHESTMODSEQ 3] ~
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 1] ~
S: A142 OK [READ-WRITE] ~
C: a3 EXAMINE INBOX
S: * OK [CLOSED] ~
S: ...
S: * OK [HIGHESTMODSEQ 3] ~
S: ...
S: a3 OK [READ-ONLY] ~

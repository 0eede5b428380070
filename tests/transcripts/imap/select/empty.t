# RFC 3501 §6.3.1: an empty mailbox: 0 EXISTS, 0 RECENT, no [UNSEEN]; UIDNEXT 1.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT Drafts
S*: * 0 EXISTS
S*: * 0 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 1] ~
S: a2 OK [READ-WRITE] ~

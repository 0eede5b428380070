# RFC 9051 §6.3.3: EXAMINE is read-only: [READ-ONLY], empty PERMANENTFLAGS; RFC 3501
# §6.3.2: it does not take \Recent away (a later SELECT still sees the message as recent).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: A932 EXAMINE INBOX
S*: * 1 EXISTS
S*: * 1 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS ()] ~
S*: * OK [UNSEEN 1] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 2] ~
S: A932 OK [READ-ONLY] ~
C: a3 SELECT INBOX
S: ...
S*: * 1 EXISTS
S*: * 1 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 1] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 2] ~
S: a3 OK [READ-WRITE] ~

# RFC 9051 §7.3.5: FLAGS lists the keywords used in the mailbox too.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=$Label1
C: a2 SELECT INBOX
S*: * 1 EXISTS
S*: * 1 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft $Label1)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft $Label1 \*)] ~
S*: * OK [UNSEEN 1] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 2] ~
S: a2 OK [READ-WRITE] ~

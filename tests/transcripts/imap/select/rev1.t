# RFC 3501 §6.3.1 (IMAP4rev1 client): FLAGS, EXISTS, RECENT, [UNSEEN n] (first unseen),
# [PERMANENTFLAGS], [UIDVALIDITY], [UIDNEXT], then OK [READ-WRITE]. Order is free.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Seen
@append alice INBOX alternative.eml
@append alice INBOX attachment.eml
C: A142 SELECT INBOX
S*: * 3 EXISTS
S*: * 3 RECENT
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * OK [UNSEEN 2] ~
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 4] ~
S: A142 OK [READ-WRITE] ~

# RFC 9051 §6.3.2 (after ENABLE IMAP4rev2): EXISTS, [UIDVALIDITY], [UIDNEXT], FLAGS,
# [PERMANENTFLAGS] and a LIST response with the mailbox name; no RECENT, no [UNSEEN].
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Seen
@append alice INBOX alternative.eml
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: A142 SELECT INBOX
S*: * 2 EXISTS
S*: * OK [UIDVALIDITY $uv] ~
S*: * OK [UIDNEXT 3] ~
S*: * FLAGS (\Answered \Flagged \Deleted \Seen \Draft)
S*: * OK [MAILBOXID ~
S*: * OK [PERMANENTFLAGS (\Answered \Flagged \Deleted \Seen \Draft \*)] ~
S*: * LIST () "/" INBOX
S: A142 OK [READ-WRITE] ~

# RFC 9051 §6.3.2: selecting while a mailbox is selected closes it first and announces
# that with the CLOSED response code (§7.1) before the new mailbox's responses.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 ENABLE IMAP4rev2
S: * ENABLED IMAP4rev2
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 SELECT Drafts
S: * OK [CLOSED] ~
S: ...
S: a4 OK [READ-WRITE] ~

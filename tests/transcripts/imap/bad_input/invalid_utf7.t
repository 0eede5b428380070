# RFC 3501 §5.1.3: mailbox names are modified UTF-7 for IMAP4rev1 clients; a malformed
# one ("&" not closed, or encoding a printable ASCII character) is refused (BAD or NO).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "&Jjo"
S: a2 NO ~
C: a3 CREATE "&AGE-"
S: a3 NO ~
C: a4 LIST "" "*"
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: a4 OK ~

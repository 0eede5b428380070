# RFC 9051 §5.1: INBOX matches case-insensitively and is always returned as "INBOX".
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LIST "" "inbox"
S: * LIST (\HasNoChildren) "/" "INBOX"
S: a2 OK ~

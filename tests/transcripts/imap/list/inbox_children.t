# RFC 9051 §5.1 / §6.3.4: INBOX may have inferiors; LIST shows it with \HasChildren.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE INBOX/sub
S: a2 OK ~
C: a3 LIST "" "INBOX*"
S*: * LIST (\HasChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren) "/" "INBOX/sub"
S: a3 OK ~
C: a4 LIST "" "inbox/%"
S: * LIST (\HasNoChildren) "/" "INBOX/sub"
S: a4 OK ~

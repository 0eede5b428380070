# RFC 9051 §6.3.9: "*" matches everything; special-use attributes (RFC 6154) and child
# attributes are returned.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LIST "" "*"
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: a2 OK ~

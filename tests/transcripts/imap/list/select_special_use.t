# RFC 6154 §2: LIST (SPECIAL-USE) lists only mailboxes with a special use.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: t1 LIST (SPECIAL-USE) "" "*"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S: t1 OK ~

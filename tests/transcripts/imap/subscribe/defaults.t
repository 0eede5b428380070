# Loft: new accounts have their default mailboxes subscribed.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 LIST (SUBSCRIBED) "" "*"
S*: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
S*: * LIST (\HasNoChildren \Subscribed \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Subscribed \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Subscribed \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Subscribed \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Subscribed \Archive) "/" "Archive"
S: a2 OK ~

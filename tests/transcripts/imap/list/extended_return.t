# RFC 5258 §3.2, RFC 6154 §2: RETURN (SPECIAL-USE SUBSCRIBED CHILDREN).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE Work/Loft
S: a2 OK ~
C: a3 LIST "" "*" RETURN (SPECIAL-USE SUBSCRIBED CHILDREN)
S*: * LIST (\HasNoChildren \Subscribed) "/" "INBOX"
S*: * LIST (\HasNoChildren \Subscribed \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Subscribed \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Subscribed \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Subscribed \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Subscribed \Archive) "/" "Archive"
S*: * LIST (\HasChildren) "/" "Work"
S*: * LIST (\HasNoChildren) "/" "Work/Loft"
S: a3 OK ~

# RFC 9051 §6.3.9: "%" does not match the delimiter.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE Work/Projects/Loft
S: a2 OK ~
C: a3 LIST "" "%"
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S*: * LIST (\HasChildren) "/" "Work"
S: a3 OK ~
C: a4 LIST "Work/" "%"
S: * LIST (\HasChildren) "/" "Work/Projects"
S: a4 OK ~
C: a5 LIST "" "Work/*"
S*: * LIST (\HasChildren) "/" "Work/Projects"
S*: * LIST (\HasNoChildren) "/" "Work/Projects/Loft"
S: a5 OK ~

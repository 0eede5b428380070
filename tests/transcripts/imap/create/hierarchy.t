# RFC 9051 §6.3.4: "CREATE foo/bar/zap" creates foo/ and foo/bar/ too if needed; a
# trailing delimiter only says the name will have inferiors.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A004 CREATE zap/
S: A004 OK ~
C: A005 CREATE foo/bar/zap
S: A005 OK ~
C: A006 LIST "" "*"
S*: * LIST (\HasNoChildren) "/" "INBOX"
S*: * LIST (\HasNoChildren \Drafts) "/" "Drafts"
S*: * LIST (\HasNoChildren \Sent) "/" "Sent"
S*: * LIST (\HasNoChildren \Trash) "/" "Trash"
S*: * LIST (\HasNoChildren \Junk) "/" "Junk"
S*: * LIST (\HasNoChildren \Archive) "/" "Archive"
S*: * LIST (\HasNoChildren) "/" "zap"
S*: * LIST (\HasChildren) "/" "foo"
S*: * LIST (\HasChildren) "/" "foo/bar"
S*: * LIST (\HasNoChildren) "/" "foo/bar/zap"
S: A006 OK ~

# RFC 9051 §6.3.6: a mailbox cannot be renamed to one of its own inferiors.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE foo
S: a2 OK ~
C: a3 RENAME foo foo/bar
S: a3 NO ~
C: a4 LIST "" "foo*"
S: * LIST (\HasNoChildren) "/" "foo"
S: a4 OK ~

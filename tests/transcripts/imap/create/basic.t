# RFC 9051 §6.3.4 example.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: A003 CREATE owatagu
S: A003 OK ~
C: A004 LIST "" owatagu
S: * LIST (\HasNoChildren) "/" "owatagu"
S: A004 OK ~

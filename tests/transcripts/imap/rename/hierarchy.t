# RFC 9051 §6.3.6 example: inferiors are renamed too.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE foo/bar
S: a2 OK ~
C: A683 RENAME foo zowie
S: A683 OK ~
C: A684 LIST "" zowie*
S*: * LIST (\HasChildren) "/" "zowie"
S*: * LIST (\HasNoChildren) "/" "zowie/bar"
S: A684 OK ~

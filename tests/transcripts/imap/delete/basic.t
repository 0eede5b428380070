# RFC 9051 §6.3.5 example.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE blurdybloop
S: a2 OK ~
C: A683 DELETE blurdybloop
S: A683 OK ~
C: a4 LIST "" blurdybloop
S: a4 OK ~

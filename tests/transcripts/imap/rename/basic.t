# RFC 9051 §6.3.6.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE blurdybloop
S: a2 OK ~
@append alice blurdybloop simple.eml
C: A682 RENAME blurdybloop sarasoop
S: A682 OK ~
C: a4 LIST "" "s*"
S: * LIST (\HasNoChildren) "/" "sarasoop"
S: a4 OK ~
C: a5 STATUS sarasoop (MESSAGES)
S: * STATUS "sarasoop" (MESSAGES 1)
S: a5 OK ~

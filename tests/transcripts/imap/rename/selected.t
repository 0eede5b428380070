# RFC 9051 §6.3.6: renaming the selected mailbox is allowed; the session stays usable.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE box
S: a2 OK ~
@append alice box plain2.eml
C: a3 SELECT box
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 RENAME box box2
S: ...
S: a4 OK ~
C: a5 STATUS box2 (MESSAGES)
S: * STATUS "box2" (MESSAGES 1)
S: a5 OK ~

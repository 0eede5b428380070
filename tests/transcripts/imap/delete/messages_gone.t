# RFC 9051 §6.3.5: a deleted mailbox's messages go with it; a new mailbox of the same
# name is empty with a new UIDVALIDITY (§2.3.1.1).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE box
S: a2 OK ~
@append alice box simple.eml
C: a3 STATUS box (MESSAGES)
S: * STATUS "box" (MESSAGES 1)
S: a3 OK ~
C: a4 DELETE box
S: a4 OK ~
C: a5 CREATE box
S: a5 OK ~
C: a6 STATUS box (MESSAGES UIDNEXT)
S: * STATUS "box" (MESSAGES 0 UIDNEXT 1)
S: a6 OK ~

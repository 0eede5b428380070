# RFC 9051 §5.5: a client may send several commands without waiting; the server answers
# each in turn (commands that do not depend on each other).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 NOOP
C: a3 STATUS INBOX (MESSAGES)
C: a4 NOOP
S: a2 OK ~
S: * STATUS "INBOX" (MESSAGES 0)
S: a3 OK ~
S: a4 OK ~

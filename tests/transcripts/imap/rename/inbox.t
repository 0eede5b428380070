# RFC 9051 §6.3.6: renaming INBOX moves all its messages to the new name and leaves
# INBOX empty (it still exists).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
@append alice INBOX plain2.eml
C: a2 RENAME INBOX old-mail
S: a2 OK ~
C: a3 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 0)
S: a3 OK ~
C: a4 STATUS old-mail (MESSAGES)
S: * STATUS "old-mail" (MESSAGES 2)
S: a4 OK ~

# RFC 9051 §6.3.11 example, adapted.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Seen
@append alice INBOX plain2.eml
@append alice INBOX alternative.eml flags=\Deleted
C: A042 STATUS INBOX (MESSAGES UIDNEXT UNSEEN)
S: * STATUS "INBOX" (MESSAGES 3 UIDNEXT 4 UNSEEN 2)
S: A042 OK ~
C: A043 STATUS INBOX (UIDVALIDITY)
S: * STATUS "INBOX" (UIDVALIDITY $uv)
S: A043 OK ~
C: A044 STATUS INBOX (DELETED SIZE)
S: * STATUS "INBOX" (DELETED 1 SIZE 1200)
S: A044 OK ~
C: A045 STATUS INBOX (RECENT)
S: * STATUS "INBOX" (RECENT 3)
S: A045 OK ~

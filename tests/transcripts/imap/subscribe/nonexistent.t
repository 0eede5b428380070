# RFC 9051 §6.3.7: a server MAY refuse to subscribe to a name that does not exist; the
# name stays subscribed if the mailbox is deleted (§6.3.8). Loft keeps names (store
# contract), so SUBSCRIBE of a missing name works and LIST (SUBSCRIBED) shows
# \NonExistent (RFC 5258 §3.4).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SUBSCRIBE ghost
S: a2 OK ~
C: a3 LIST (SUBSCRIBED) "" ghost
S: * LIST (\NonExistent \HasNoChildren \Subscribed) "/" "ghost"
S: a3 OK ~

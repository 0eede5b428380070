# RFC 9051 §6.3.11: STATUS of a name that is not a mailbox (a \Noselect parent) fails.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE a/b
S: a2 OK ~
C: a3 DELETE a
S: a3 OK ~
C: a4 STATUS a (MESSAGES)
S: a4 NO ~

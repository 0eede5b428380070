# RFC 9051 §6.3.7/§6.3.8; RFC 5258 LIST (SUBSCRIBED). New accounts have every default
# mailbox subscribed.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE #news/comp/mail/misc
S: a2 OK ~
C: A002 SUBSCRIBE #news/comp/mail/misc
S: A002 OK ~
C: a3 LIST (SUBSCRIBED) "" "#news*"
S: * LIST (\HasNoChildren \Subscribed) "/" "#news/comp/mail/misc"
S: a3 OK ~
C: A003 UNSUBSCRIBE #news/comp/mail/misc
S: A003 OK ~
C: a4 LIST (SUBSCRIBED) "" "#news*"
S: a4 OK ~

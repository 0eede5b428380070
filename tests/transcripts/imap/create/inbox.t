# RFC 9051 §6.3.4: "It is an error to attempt to create INBOX" (in any case).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE INBOX
S: a2 NO ~
C: a3 CREATE inbox
S: a3 NO ~

# RFC 9051 §6.3.5: "It is an error to attempt to delete INBOX".
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 DELETE INBOX
S: a2 NO ~

# RFC 3501 §5.1.3: modified UTF-7 names round-trip for IMAP4rev1 clients.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 CREATE "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
S: a2 OK ~
C: a3 LIST "" "~peter/mail/&U,BTFw-/*"
S: * LIST (\HasNoChildren) "/" "~peter/mail/&U,BTFw-/&ZeVnLIqe-"
S: a3 OK ~

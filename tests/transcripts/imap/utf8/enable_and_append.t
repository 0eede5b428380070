# RFC 6855 §3-§4: ENABLE UTF8=ACCEPT, then UTF8 append data and UTF-8 mailbox names.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX UTF8 (~{16+}
C: Subject: Grüße)
S: a2 BAD ~
C: a3 ENABLE UTF8=ACCEPT
S: * ENABLED UTF8=ACCEPT
S: a3 OK ~
C: a4 APPEND INBOX UTF8 (~{16+}
C: Subject: Grüße)
S: a4 OK [APPENDUID ~
C: a5 CREATE "Entwürfe"
S: a5 OK ~
C: a6 LIST "" "Entw*"
S: * LIST (\HasNoChildren) "/" "Entwürfe"
S: a6 OK ~

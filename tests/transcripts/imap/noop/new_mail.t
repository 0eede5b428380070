# RFC 9051 §6.1.2 example: NOOP is how a client polls; a message appended by another
# connection shows up as EXISTS (and, for IMAP4rev1, RECENT: RFC 3501 §7.3.2).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 APPEND INBOX {26+}
C2: Subject: hi
C2:
C2: just a test
S2: b2 OK [APPENDUID ~
C: a3 NOOP
S*: * 2 EXISTS
S*: * 2 RECENT
S: a3 OK ~

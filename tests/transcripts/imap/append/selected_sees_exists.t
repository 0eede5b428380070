# RFC 9051 §6.3.12: appending to the selected mailbox makes the server send EXISTS (at the
# latest with the next command; Dovecot sends it before the tagged OK).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 APPEND INBOX {24+}
C: Subject: second
C:
C: two
C:
S: * 1 EXISTS
S: * 1 RECENT
S: a3 OK [APPENDUID $uv 1] ~

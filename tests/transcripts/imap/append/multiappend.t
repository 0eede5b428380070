# RFC 3502 MULTIAPPEND: several messages in one command, all or nothing; APPENDUID lists
# the UIDs as a set (RFC 4315 §3).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX {24+}
C: Subject: second
C:
C: two
C:  (\Seen) {25+}
C: Subject: third
C:
C: three
C:
S: a2 OK [APPENDUID $uv 1:2] ~
C: a3 STATUS INBOX (MESSAGES UNSEEN)
S: * STATUS "INBOX" (MESSAGES 2 UNSEEN 1)
S: a3 OK ~

# RFC 3502 §6.3.11: if any message fails, none is appended (bad date in the second).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 APPEND INBOX {24+}
C: Subject: second
C:
C: two
C:  "99-Foo-1996 02:44:25 -0700" {25+}
C: Subject: third
C:
C: three
C:
S: a2 BAD ~
C: a3 STATUS INBOX (MESSAGES)
S: * STATUS "INBOX" (MESSAGES 0)
S: a3 OK ~

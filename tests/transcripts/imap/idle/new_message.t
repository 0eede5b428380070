# RFC 9051 §6.3.13 example: while C1 idles, C2 appends; C1 gets EXISTS (and RECENT as a
# rev1 client, RFC 3501 §7.3.2) without asking; DONE ends IDLE.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: A002 IDLE
S: + ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 APPEND INBOX {24+}
C2: Subject: second
C2:
C2: two
C2:
S2: b2 OK [APPENDUID ~
S: * 2 EXISTS
S: * 2 RECENT
C: DONE
S: A002 OK ~

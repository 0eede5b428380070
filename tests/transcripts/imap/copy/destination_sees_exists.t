# RFC 9051 §7.4.1: a session with the destination selected learns of copied messages.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT Archive
S2: ...
S2: b2 OK [READ-WRITE] ~
C: a3 COPY 1 Archive
S: a3 OK [COPYUID ~
C2: b3 NOOP
S2: * 1 EXISTS
S2: * 1 RECENT
S2: b3 OK ~

# RFC 9051 §6.3.13: a COPY by another session into the idling session's mailbox shows up.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice Archive plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 IDLE
S: + ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT Archive
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 COPY 1 INBOX
S2: b3 OK [COPYUID ~
S: * 1 EXISTS
S: * 1 RECENT
C: DONE
S: a3 OK ~

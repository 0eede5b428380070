# RFC 9051 §6.3.13, §7.5.1: an expunge by another session reaches the idling one.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml flags=\Deleted
@append alice INBOX plain2.eml
C: a2 EXAMINE INBOX
S: ...
S: a2 OK [READ-ONLY] ~
C: a3 IDLE
S: + ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 EXPUNGE
S2: * 1 EXPUNGE
S2: b3 OK ~
S: * 1 EXPUNGE
C: DONE
S: a3 OK ~

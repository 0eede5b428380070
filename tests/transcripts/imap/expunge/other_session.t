# RFC 9051 §7.5.1: another session learns of an expunge at its next command that allows
# EXPUNGE responses (NOOP), not during FETCH (§7.4.1 restrictions).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml flags=\Deleted
@append alice INBOX simple.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C2: b1 LOGIN alice secret
S2: b1 OK ~
C2: b2 SELECT INBOX
S2: ...
S2: b2 OK [READ-WRITE] ~
C2: b3 EXPUNGE
S2: * 1 EXPUNGE
S2: b3 OK ~
C: a3 FETCH 2 UID
S: * 2 FETCH (UID 2)
S: a3 OK ~
C: a4 NOOP
S: * 1 EXPUNGE
S: a4 OK ~
C: a5 FETCH 1 UID
S: * 1 FETCH (UID 2)
S: a5 OK ~

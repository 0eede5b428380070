# RFC 6851 §3.3 / RFC 9051 §6.4.8: MOVE sends COPYUID in an untagged OK before the
# EXPUNGE responses, then the tagged OK. (EXPUNGEs go downwards, valid per §7.5.1.)
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX simple.eml
@append alice INBOX alternative.eml
C: a2 STATUS Trash (UIDVALIDITY)
S: * STATUS "Trash" (UIDVALIDITY $uv)
S: a2 OK ~
C: a3 SELECT INBOX
S: ...
S: a3 OK [READ-WRITE] ~
C: a4 MOVE 1:2 Trash
S: * OK [COPYUID $uv 1:2 1:2] ~
S: * 2 EXPUNGE
S: * 1 EXPUNGE
S: a4 OK ~
C: a5 STATUS Trash (MESSAGES)
S: * STATUS "Trash" (MESSAGES 2)
S: a5 OK ~

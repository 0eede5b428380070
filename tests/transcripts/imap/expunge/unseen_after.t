# RFC 3501 §6.3.1: [UNSEEN n] is the sequence number, which shifts after expunges.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml flags=\Deleted,\Seen
@append alice INBOX plain2.eml flags=\Seen
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 EXPUNGE
S: * 1 EXPUNGE
S: a3 OK ~
C: a4 SELECT INBOX
S: ...
S: * OK [UNSEEN 2] ~
S: ...
S: a4 OK [READ-WRITE] ~

# RFC 9051 §7.5.1 / Dovecot: copying messages another session expunged copies what still
# exists (or answers NO [EXPUNGEISSUED]); it never copies phantom messages.
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
C: a3 COPY 1:2 Archive
S: ...
S: a3 ~
C: a4 STATUS Archive (MESSAGES)
S: ...
S: * STATUS "Archive" (MESSAGES 1)
S: a4 OK ~

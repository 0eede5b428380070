# RFC 9051 §6.4.9: UID COPY; UIDs that no longer exist are ignored.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX plain2.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UID COPY 2:99 Trash
S: a3 OK [COPYUID $uv 2 1] ~

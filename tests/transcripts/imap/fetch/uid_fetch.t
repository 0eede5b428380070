# RFC 9051 §6.4.9: UID FETCH answers with the UID in every FETCH response even when not
# asked for; UIDs that do not exist are ignored; "*" in a UID range is the last UID.
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX simple.eml date="01-Mar-2020 12:00:00 +0000"
@append alice INBOX plain2.eml date="02-Mar-2020 12:00:00 +0000"
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 UID FETCH 1:* FLAGS
S: * 1 FETCH (UID 1 FLAGS (\Recent))
S: * 2 FETCH (UID 2 FLAGS (\Recent))
S: a3 OK ~
C: a4 UID FETCH 7:9 FLAGS
S: a4 OK ~
C: a5 UID FETCH 5:* UID
S: * 2 FETCH (UID 2)
S: a5 OK ~

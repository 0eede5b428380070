# RFC 9051 §6.4.4 example: a search string as a literal (UTF-8 charset).
@user alice secret
C: a1 LOGIN alice secret
S: a1 OK ~
@append alice INBOX plain2.eml
@append alice INBOX utf8.eml
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 SEARCH CHARSET UTF-8 TEXT {5}
S: + ~
C: café
S: * SEARCH 2
S: a3 OK ~
C: a4 SEARCH SUBJECT "Grüße"
S: * SEARCH 2
S: a4 OK ~

# RFC 5032 WITHIN: OLDER/YOUNGER compare INTERNALDATE with now minus the interval.
@user alice secret
@append alice INBOX simple.eml date="01-Mar-2000 12:00:00 +0000"
@append alice INBOX plain2.eml
C: a1 LOGIN alice secret
S: a1 OK ~
C: a2 SELECT INBOX
S: ...
S: a2 OK [READ-WRITE] ~
C: a3 SEARCH UNSEEN YOUNGER 259200
S: * SEARCH 2
S: a3 OK ~
C: a4 SEARCH OLDER 259200
S: * SEARCH 1
S: a4 OK ~
C: a5 UID SEARCH RETURN (COUNT) OLDER 100 YOUNGER 100
S: * ESEARCH (TAG "a5") UID COUNT 0
S: a5 OK ~
C: a6 SEARCH OLDER 0
S: a6 BAD ~
